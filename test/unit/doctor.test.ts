// brains doctor's verdicts, check by check: each status, each fix, and the exit code they add up to; real files and processes where they matter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePaths } from '../../rpc/paths.js';
import { processAlive } from '../../rpc/process-alive.js';
import { waitFor } from '../helpers/daemon.js';
import { mcpHttpStatus } from '../../daemon/mcp/http-status.js';
import { gatewayStatus } from '../../daemon/gateway/status.js';
import { check, exitCodeOf, type Check } from '../../bin/doctor/check.js';
import { nodeCheck } from '../../bin/doctor/node.js';
import { handshakeChecks } from '../../bin/doctor/daemon.js';
import { spaceCheck } from '../../bin/doctor/disk.js';
import { clockChecks } from '../../bin/doctor/clock.js';
import { bindProblem, faceCheck } from '../../bin/doctor/ports.js';
import { humanReport, jsonReport } from '../../bin/doctor/report.js';
import { stateChecks } from '../../bin/doctor/state-dir.js';
import { AGENT_CLIS, agentCliCheck, runVersion } from '../../bin/doctor/agent-clis.js';
import { wiredChecks } from '../../bin/doctor/wired.js';
import type { CheckedStatus } from '../../bin/commands/wire.js';

const plain = (_colour: string, text: string) => text;
const MiB = 1024 * 1024;

function only(checks: Check[], id: string): Check {
  const found = checks.filter((c) => c.id === id);
  assert.equal(found.length, 1, `one ${id} in ${JSON.stringify(checks.map((c) => c.id))}`);
  return found[0]!;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bdu-'));
}

test('the exit code: 0 with ok and notes only, 1 with a warning, 2 with a problem', () => {
  const ok = check('node', 'a', 'ok', 'fine');
  const info = check('node', 'b', 'info', 'note');
  const warn = check('node', 'c', 'warn', 'hm', { fix: 'x' });
  const problem = check('node', 'd', 'problem', 'bad', { fix: 'y' });
  assert.equal(exitCodeOf([]), 0);
  assert.equal(exitCodeOf([ok, info]), 0);
  assert.equal(exitCodeOf([ok, warn, info]), 1);
  assert.equal(exitCodeOf([warn, problem]), 2);
  assert.deepEqual(jsonReport([ok, warn]), { ok: false, exit_code: 1, checks: [ok, warn] });
  assert.deepEqual(jsonReport([ok, info]).ok, true);
});

test('node: under 20 is a problem, 20, 22 and 24 are fine, an odd line is a note', () => {
  assert.equal(nodeCheck('18.19.0').status, 'problem');
  assert.match(nodeCheck('18.19.0').fix ?? '', /Node\.js 20, 22 or 24/);
  for (const version of ['20.0.0', '22.11.0', '24.1.0']) assert.equal(nodeCheck(version).status, 'ok', version);
  assert.equal(nodeCheck('23.3.0').status, 'info');
  assert.equal(nodeCheck('garbage').status, 'warn');
});

describe('the handshake: the daemon against this CLI', () => {
  const mine = { version: '1.2.0', protocol: 2 };
  test('the same version and protocol: both ok', () => {
    const checks = handshakeChecks({ version: '1.2.0', protocol_version: 2 }, mine);
    assert.deepEqual(checks.map((c) => c.status), ['ok', 'ok']);
  });
  test('a daemon older than the handshake (no protocol_version): a warning, fixed by a restart', () => {
    const checks = handshakeChecks({ version: '1.1.0' }, mine);
    const protocol = only(checks, 'daemon.protocol');
    assert.equal(protocol.status, 'warn');
    assert.match(protocol.summary, /older than the protocol handshake/);
    assert.equal(protocol.fix, 'brains down && brains up');
    assert.equal(only(checks, 'daemon.version').status, 'warn');
  });
  test('another version, the same protocol: a warning to restart', () => {
    const checks = handshakeChecks({ version: '1.1.9', protocol_version: 2 }, mine);
    assert.equal(only(checks, 'daemon.version').status, 'warn');
    assert.match(only(checks, 'daemon.version').fix ?? '', /brains down && brains up/);
    assert.equal(only(checks, 'daemon.protocol').status, 'ok');
  });
  test('another protocol is a problem; an older daemon is restarted, a newer one means this CLI is old', () => {
    const older = only(handshakeChecks({ version: '1.0.0', protocol_version: 1 }, mine), 'daemon.protocol');
    assert.equal(older.status, 'problem');
    assert.match(older.fix ?? '', /restart the daemon with this brains/);
    const newer = only(handshakeChecks({ version: '2.0.0', protocol_version: 3 }, mine), 'daemon.protocol');
    assert.equal(newer.status, 'problem');
    assert.match(newer.fix ?? '', /this CLI is older than the daemon/);
  });
  test('hostile fields are not trusted as strings or numbers', () => {
    const checks = handshakeChecks({ version: { evil: true }, protocol_version: '2' }, mine);
    assert.equal(only(checks, 'daemon.protocol').status, 'warn', 'a string is not a protocol number');
    assert.match(only(checks, 'daemon.version').summary, /brains \?/);
  });
});

test('disk: a problem under 100 MiB, a warning under 1 GiB or 5 %, else ok', () => {
  const TiB = 1024 * 1024 * MiB;
  assert.equal(spaceCheck(50 * MiB, TiB, '~/.brains').status, 'problem');
  assert.equal(spaceCheck(500 * MiB, 10 * 1024 * MiB, '~/.brains').status, 'warn');
  assert.equal(spaceCheck(40 * 1024 * MiB, TiB, '~/.brains').status, 'warn', '4 % of a big disk');
  assert.equal(spaceCheck(4 * 1024 * MiB, 10 * 1024 * MiB, '~/.brains').status, 'ok');
  assert.match(spaceCheck(50 * MiB, TiB, '~/.brains').fix ?? '', /df -h ~\/\.brains/);
});

describe('clock', () => {
  const now = Date.parse('2030-01-01T12:00:00.000Z');
  test('the newest event more than a minute ahead: the clock moved back', () => {
    const [found] = clockChecks(now, '2030-01-01T12:30:00.000Z', null);
    assert.equal(found?.status, 'warn');
    assert.equal(found?.id, 'clock.events');
    assert.match(found?.summary ?? '', /30 min ahead of now: the clock moved back/);
  });
  test("the daemon's clock far from this CLI's: a warning", () => {
    const [found] = clockChecks(now, '2030-01-01T11:59:00.000Z', '2030-01-01T11:50:00.000Z');
    assert.equal(found?.id, 'clock.daemon');
    assert.match(found?.summary ?? '', /10 min behind/);
  });
  test('within a minute, or nothing to compare: ok; a time that does not parse is ignored', () => {
    assert.deepEqual(clockChecks(now, '2030-01-01T12:00:30.000Z', '2030-01-01T12:00:10.000Z').map((c) => c.status), ['ok']);
    assert.deepEqual(clockChecks(now, null, null).map((c) => c.status), ['ok']);
    assert.deepEqual(clockChecks(now, 'not a time', 'nor this').map((c) => c.status), ['ok']);
  });
});

describe('ports, as the running daemon reports them', () => {
  const mcp = { name: 'mcp', title: 'MCP HTTP', flag: '--mcp-port', env: 'BRAINS_MCP_PORT' } as const;
  const gateway = { name: 'gateway', title: 'the model gateway', flag: '--gateway-port', env: 'BRAINS_GATEWAY_PORT' } as const;
  test('port_taken (the default port was in use at start) is a warning that names the port and --mcp-port', () => {
    const found = faceCheck(mcp, mcpHttpStatus({ configuredPort: 9877, server: null, portTaken: true }));
    assert.equal(found.status, 'warn');
    assert.match(found.summary, /MCP HTTP is off: port 9877 was taken by another process/);
    assert.match(found.fix ?? '', /free port 9877 .*--mcp-port PORT/);
    const gw = faceCheck(gateway, gatewayStatus({ configuredPort: 8787, server: null, portTaken: true, configProblem: null }));
    assert.equal(gw.status, 'warn');
    assert.match(gw.fix ?? '', /--gateway-port PORT/);
  });
  test('on is ok, disabled is a note, and an older daemon that says nothing is a note', () => {
    assert.equal(faceCheck(mcp, mcpHttpStatus({ configuredPort: 0, server: { url: 'http://127.0.0.1:5/mcp', port: 5, sessionCount: 0 }, portTaken: false })).status, 'ok');
    assert.equal(faceCheck(mcp, mcpHttpStatus({ configuredPort: null, server: null, portTaken: false })).status, 'info');
    assert.equal(faceCheck(mcp, undefined).status, 'info');
  });
  test('bindProblem: a free port binds (and is given back), a held one is EADDRINUSE', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (held.address() as { port: number }).port;
    try {
      assert.equal(await bindProblem(port), 'EADDRINUSE');
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
    assert.equal(await bindProblem(port), null);
    assert.equal(await bindProblem(port), null, 'the probe gave the port back');
  });
});

describe('state dir modes, on real files', () => {
  test('a fresh home: not there yet is a note', () => {
    const root = tempDir();
    try {
      const checks = stateChecks(statePaths({ BRAINS_HOME: join(root, 'nope') }));
      assert.deepEqual(checks.map((c) => [c.id, c.status]), [['state.dir', 'info']]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  test('0700 and 0600 are ok; a key open to others is a problem, the dir readable a warning, writable a problem, the database a warning', () => {
    const home = tempDir();
    try {
      const paths = statePaths({ BRAINS_HOME: home });
      chmodSync(home, 0o700);
      mkdirSync(paths.keysDir, { mode: 0o700 });
      writeFileSync(paths.adminKey, 'k', { mode: 0o600 });
      writeFileSync(paths.db, 'x', { mode: 0o600 });
      const good = stateChecks(paths);
      assert.deepEqual(good.map((c) => c.status), ['ok', 'ok', 'ok'], JSON.stringify(good));
      assert.match(only(good, 'state.files').summary, /^2 private files/);

      chmodSync(paths.adminKey, 0o644);
      chmodSync(paths.db, 0o640);
      chmodSync(home, 0o755);
      const bad = stateChecks(paths);
      const key = only(bad, 'state.mode:keys/admin.key');
      assert.equal(key.status, 'problem');
      assert.equal(key.fix, `chmod 600 ${paths.adminKey}`);
      assert.match(key.summary, /0644: open to group and others/);
      assert.equal(only(bad, 'state.mode:brains.db').status, 'warn');
      const dir = only(bad, 'state.dir');
      assert.equal(dir.status, 'warn');
      assert.equal(dir.fix, `chmod 700 ${home}`);
      chmodSync(home, 0o777);
      assert.equal(only(stateChecks(paths), 'state.dir').status, 'problem', 'writable by others');
      assert.equal(exitCodeOf(bad), 2);
      writeFileSync(join(paths.keysDir, 'audit.key'), 'a'.repeat(64), { mode: 0o644 });
      assert.match(only(stateChecks(paths), 'state.mode:keys/audit.key').summary, /rewrite the audit trail so that audit\.verify still passes/);
      writeFileSync(paths.config, '{bad');
      const settings = only(stateChecks(paths), 'state.settings');
      assert.equal(settings.status, 'problem');
      assert.match(settings.summary, /config\.json is not valid JSON/);
      assert.equal(settings.fix, `fix ${paths.config}, or delete it to go back to the defaults`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
  test("another user's state dir is a problem", () => {
    const home = tempDir();
    try {
      const checks = stateChecks(statePaths({ BRAINS_HOME: home }), (process.getuid?.() ?? 0) + 1);
      assert.equal(checks[0]?.status, 'problem');
      assert.match(checks[0]?.summary ?? '', /belongs to uid/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('agent CLIs', () => {
  const claude = AGENT_CLIS[0];
  test('not found is a note, not a warning; a BRAINS_*_PATH that names nothing is a warning', () => {
    assert.equal(agentCliCheck(claude, { path: null }, null).status, 'info');
    const bad = agentCliCheck(claude, { path: null, bad: '/nowhere/claude' }, null);
    assert.equal(bad.status, 'warn');
    assert.match(bad.fix ?? '', /BRAINS_CLAUDE_PATH/);
  });
  test('--version run for real: the first line is the version; a failure and a hang are warnings, and a hang kills what it started', async () => {
    const dir = tempDir();
    try {
      const script = (name: string, body: string) => {
        const path = join(dir, name);
        writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        return path;
      };
      const good = script('good', 'printf "\\n2.1.0 (Claude Code)\\nmore\\n"');
      const run = await runVersion(good, process.env);
      const found = agentCliCheck(claude, { path: good }, run);
      assert.equal(found.status, 'ok');
      assert.match(found.summary, /^claude 2\.1\.0 \(Claude Code\) \(/);

      const hostile = script('hostile', 'printf "\\033[2J1.0\\n"');
      assert.match(agentCliCheck(claude, { path: hostile }, await runVersion(hostile, process.env)).summary, /^claude \\u001B\[2J1\.0 /, 'escapes shown, not sent');

      const failing = script('failing', 'echo "not logged in" >&2; exit 3');
      const failed = agentCliCheck(claude, { path: failing }, await runVersion(failing, process.env));
      assert.equal(failed.status, 'warn');
      assert.match(failed.summary, /--version failed: exit 3: not logged in/);

      const marker = join(dir, 'child-alive');
      const hanging = script('hanging', `sleep 30 & echo $! > ${marker}; wait`);
      const hung = await runVersion(hanging, process.env, 300);
      assert.equal(hung.timedOut, true);
      const verdict = agentCliCheck(claude, { path: hanging }, hung, 300);
      assert.equal(verdict.status, 'warn');
      assert.match(verdict.summary, /did not answer --version within 0\.3 s/);
      const child = Number(readFileSync(marker, 'utf8'));
      await waitFor(() => !processAlive(child), 5000, 'the hanging CLI\'s own child to be killed too');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wired tools', () => {
  const status = (over: Partial<CheckedStatus>): CheckedStatus => ({
    tool: 'claude-code',
    detected: true,
    wired: true,
    file: '/h/.claude.json',
    transport: 'stdio',
    targets: [{ role: 'mcp', file: '/h/.claude.json', exists: true, state: 'ours', wired: true, by_wire: true, transport: 'stdio' }],
    notes: [],
    ...over,
  });
  test('a command that no longer exists is a problem fixed by wiring again; a URL that does not answer a warning', () => {
    const missing = wiredChecks([status({ launch: 'missing', notes: ['its command no longer exists (brains not found): run brains wire --tool claude-code again'] })]);
    assert.equal(only(missing, 'wire.claude-code').status, 'problem');
    assert.equal(only(missing, 'wire.claude-code').fix, 'brains wire --tool claude-code');
    const http = wiredChecks([status({ transport: 'http', http_endpoint: 'fails', http_key: 'present' })]);
    assert.equal(only(http, 'wire.claude-code').status, 'warn');
  });
  test('nothing wired is a note; detected tools are named', () => {
    assert.deepEqual(wiredChecks([status({ wired: false, detected: false })]).map((c) => [c.id, c.status]), [['wire.none', 'info']]);
    const idle = wiredChecks([status({ wired: false, targets: [] }), status({ tool: 'codex', wired: false, targets: [] })]);
    assert.match(only(idle, 'wire.not-wired').summary, /claude-code, codex/);
  });
});

test('the human report: grouped, a mark per status, the fix under warnings and problems, counts last, text made safe', () => {
  const checks = [
    check('state', 'dir', 'warn', 'dir is 0755', { fix: 'chmod 700 /x' }),
    check('node', 'version', 'ok', 'node 22'),
    check('agents', 'claude', 'info', 'claude: not found', { fix: 'never shown for a note' }),
    check('agents', 'codex', 'problem', 'codex \u001b[31mred\u202e', { detail: 'why', fix: 'do it' }),
  ];
  const text = humanReport(checks, plain);
  assert.equal(
    text,
    [
      'node',
      '  ✓ node 22',
      'state',
      '  ! dir is 0755',
      '      fix: chmod 700 /x',
      'agents',
      '  · claude: not found',
      '  ✗ codex \\u001B[31mred\\u202E',
      '      why',
      '      fix: do it',
      '',
      '1 problem, 1 warning, 1 ok, 1 note',
      '',
    ].join('\n'),
  );
});
