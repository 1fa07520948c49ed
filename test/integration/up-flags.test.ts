// `brains up` takes the flags `brains daemon` takes (one table, daemon/config.ts) and passes them to the daemon it starts;
// wrong, missing, oversized and hostile flags are refused before anything starts, with the nearest flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli, tempHome, withEmptyHome } from '../helpers/daemon.js';
import { DAEMON_FLAGS } from '../../daemon/config.js';

test('brains up passes the daemon its flags (--mcp-port 0 --log-level=debug); a daemon already running keeps its own and says so', async () => {
  const home = tempHome();
  try {
    const up = await runCli(['up', '--mcp-port', '0', '--log-level=debug'], { home });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /started/);
    const status = JSON.parse((await runCli(['status', '--json'], { home })).stdout) as { mcp_http: { state: string; url?: string } };
    assert.equal(status.mcp_http.state, 'on', 'the test env turns MCP HTTP off; the flag turned it on');
    assert.match(status.mcp_http.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

    const again = await runCli(['up', '--mcp-port', 'off', '--quiet'], { home });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already running, so --mcp-port off did not apply; brains down, then brains up with them/);
    const still = JSON.parse((await runCli(['status', '--json'], { home })).stdout) as { mcp_http: { state: string } };
    assert.equal(still.mcp_http.state, 'on');
  } finally {
    await runCli(['down'], { home });
    rmSync(home, { recursive: true, force: true });
  }
});

test('brains up refuses wrong, missing, oversized and hostile flags with a short usage error and starts nothing', async () => {
  await withEmptyHome(async (home) => {
    const refused = async (args: string[], pattern: RegExp) => {
      const result = await runCli(['up', ...args], { home });
      assert.equal(result.code, 2, `brains up ${args.join(' ').slice(0, 60)}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /\nusage: brains up \[--quiet\] \[--log-format/);
      assert.ok(result.stderr.length < 800, `a short answer, not ${result.stderr.length} characters`);
      assert.ok(!result.stderr.includes('\u001b'), 'no raw escape sequence echoed');
      assert.equal(result.stdout, '');
    };
    await refused(['--mcp-prot', '9900'], /^brains up: unknown option --mcp-prot; did you mean --mcp-port\?/);
    await refused(['--quite'], /unknown option --quite; did you mean --quiet\?/);
    await refused(['--log-levl', 'debug'], /did you mean --log-level\?/);
    await refused(['--mcp-port'], /--mcp-port needs a value/);
    await refused(['--mcp-port', '70000'], /--mcp-port \(or BRAINS_MCP_PORT\) must be a whole number from 0 to 65535, not "70000"/);
    await refused(['--mcp-port', `9${'9'.repeat(10_000)}`], /must be a whole number from 0 to 65535, not "9{40}…"/);
    await refused([`--${'x'.repeat(10_000)}\u001b[2J`], /unknown option --x{38}…; it takes --log-format, .*--mcp-port/);
    await refused(['--log-format', '\u001b]0;pwned\u0007'], /must be one of human, json, not "\\u001b\]0;pwned\\u0007"/);
    await refused(['now'], /unexpected argument "now"; it takes only flags/);
  });
});

test('brains daemon answers a mistyped flag with the nearest one too, and both commands document every daemon flag', async () => {
  await withEmptyHome(async (home) => {
    const typo = await runCli(['daemon', '--mcp-prot', '9900'], { home });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option --mcp-prot; did you mean --mcp-port\?/);
    for (const command of ['up', 'daemon']) {
      const help = await runCli(['help', command], { home });
      assert.equal(help.code, 0, help.stderr);
      for (const flag of DAEMON_FLAGS) assert.ok(help.stdout.includes(`[${flag} `), `brains help ${command} shows ${flag}`);
    }
  });
});
