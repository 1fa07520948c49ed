// brains wire from first real use: HTTP entries carry the running daemon's real URL and --status knocks on them; a tool
// whose MCP entry cannot be written gets nothing else; entries launch `brains` when PATH finds this install; unwire names its backups.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, startDaemon, type TestDaemon } from '../helpers/daemon.js';

interface Homes {
  root: string;
  home: string;
  state: string;
}

function makeHomes(files: Record<string, string>): Homes {
  const root = mkdtempSync(join(tmpdir(), 'bwh-'));
  const home = join(root, 'home');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(home, path, '..'), { recursive: true });
    writeFileSync(join(home, path), text);
  }
  mkdirSync(home, { recursive: true });
  return { root, home, state: join(root, 'state') };
}

function wire(homes: Homes, args: string[], env: NodeJS.ProcessEnv = {}, cmd = 'wire') {
  return runCli([cmd, ...args], { home: homes.state, env: { HOME: homes.home, BRAINS_MCP_PORT: '', ...env } });
}

function read(homes: Homes, path: string): string {
  return readFileSync(join(homes.home, path), 'utf8');
}

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

interface Status {
  tool: string;
  wired: boolean;
  transport: string | null;
  notes: string[];
  launch?: string;
  http_endpoint?: string;
  targets: Array<{ role: string; facts?: Record<string, unknown> }>;
}

async function status(homes: Homes, env: NodeJS.ProcessEnv = {}): Promise<Status[]> {
  const result = await wire(homes, ['--status', '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Status[];
}

async function withHttpDaemon(homes: Homes, port: string, run: (daemon: TestDaemon, url: string | null) => Promise<void>): Promise<void> {
  const daemon = await startDaemon({ home: homes.state, env: { BRAINS_MCP_PORT: port } });
  try {
    const client = await daemon.client();
    await run(daemon, (await client.call('system.info')).mcp_url);
  } finally {
    await daemon.stop();
  }
}

describe('brains wire --transport http takes its URL from the running daemon', () => {
  test('no daemon, or one with MCP HTTP off: wire refuses, says what to do, and writes nothing', async () => {
    const homes = makeHomes({ '.claude.json': '{"numStartups": 1}\n' });
    try {
      const none = await wire(homes, ['--transport', 'http', '--tool', 'claude-code'], { BRAINS_MCP_PORT: '9877' });
      assert.equal(none.code, 1, none.stdout);
      assert.match(none.stderr, /^brains wire: no brains daemon is running at .+ to serve MCP HTTP; start it with brains up, then run this again \(or use --transport stdio\)$/m);
      const dry = await wire(homes, ['--transport', 'http', '--tool', 'claude-code', '--dry-run']);
      assert.equal(dry.code, 1, 'a dry run cannot show a URL nobody serves either');
      assert.equal(read(homes, '.claude.json'), '{"numStartups": 1}\n');
      assert.equal(existsSync(join(homes.state, 'keys', 'mcp-clients.json')), false, 'no key made');

      await withHttpDaemon(homes, 'off', async () => {
        const off = await wire(homes, ['--transport', 'http', '--tool', 'claude-code']);
        assert.equal(off.code, 1, off.stdout);
        assert.match(off.stderr, /^brains wire: the daemon serves no MCP HTTP: turned off \(--mcp-port off or BRAINS_MCP_PORT=off\).*; or use --transport stdio$/m);
      });
      assert.equal(read(homes, '.claude.json'), '{"numStartups": 1}\n');
      assert.equal(existsSync(join(homes.state, 'keys', 'mcp-clients.json')), false);

      const desktopOnly = await wire(homes, ['--transport', 'http', '--tool', 'claude-desktop']);
      assert.equal(desktopOnly.code, 0, 'Claude Desktop takes stdio only: no daemon needed');
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });

  test('the entry carries the port the daemon really listens on, whatever BRAINS_MCP_PORT says; --status knocks on it', async () => {
    const homes = makeHomes({ '.claude.json': '{}\n', '.codex/config.toml': '' });
    try {
      await withHttpDaemon(homes, '0', async (_daemon, url) => {
        assert.ok(url);
        assert.notEqual(new URL(url).port, '9877');
        const result = await wire(homes, ['--transport', 'http', '--tool', 'claude-code', '--tool', 'codex', '--no-rules', '--no-hooks'], { BRAINS_MCP_PORT: '9877' });
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const entry = (JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: { url: string; headers: { Authorization: string } } } }).mcpServers.brains;
        assert.equal(entry.url, url);
        assert.ok(read(homes, '.codex/config.toml').includes(`url = "${url}"`));

        const up = await status(homes);
        for (const tool of ['claude-code', 'codex']) {
          const s = up.find((x) => x.tool === tool) as Status;
          assert.equal(s.http_endpoint, 'answers', `${tool}: ${s.notes.join('; ')}`);
          assert.ok(!JSON.stringify(s).includes('brains_w_'), 'the key is not printed');
        }

        // Keys gone from the daemon's list: the endpoint answers, and refuses the entry's key.
        rmSync(join(homes.state, 'keys', 'mcp-clients.json'));
        const refused = (await status(homes)).find((x) => x.tool === 'claude-code') as Status;
        assert.equal(refused.http_endpoint, 'fails');
        assert.ok(refused.notes.includes(`${url} refuses its key: run brains wire --transport http again`), refused.notes.join('; '));
      });

      const down = await wire(homes, ['--status']);
      assert.equal(down.code, 0);
      assert.match(down.stdout, /^codex: .*nothing answers at http:\/\/127\.0\.0\.1:\d+\/mcp: start the daemon \(brains up\)/m);
      const json = (await status(homes)).find((x) => x.tool === 'codex') as Status;
      assert.equal(json.http_endpoint, 'fails');
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });
});

describe('a tool whose MCP entry cannot be written gets nothing else', () => {
  test('malformed settings: no rules block, no hooks, and the run fails', async () => {
    const geminiSettings = '{"theme": "Dracula",, }\n';
    const codexConfig = '[mcp_servers\nbroken = \n';
    const homes = makeHomes({ '.gemini/settings.json': geminiSettings, '.codex/config.toml': codexConfig, '.claude.json': '{}\n' });
    try {
      const dry = await wire(homes, ['--dry-run']);
      assert.match(dry.stdout, /^gemini: mcp error in ~\/\.gemini\/settings\.json \(malformed: .*\); rules skipped in ~\/\.gemini\/GEMINI\.md \(its MCP entry was not written; fix that and run brains wire again\)$/m);
      const result = await wire(homes, []);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /^gemini: mcp error in ~\/\.gemini\/settings\.json \(malformed: .*\); rules skipped in ~\/\.gemini\/GEMINI\.md/m);
      assert.match(result.stdout, /^codex: mcp error in ~\/\.codex\/config\.toml .*; rules skipped in ~\/\.codex\/AGENTS\.md .*; hooks skipped in ~\/\.codex\/hooks\.json/m);
      assert.match(result.stdout, /^claude-code: mcp \(stdio\) added in ~\/\.claude\.json .*; rules added in ~\/\.claude\/CLAUDE\.md/m, 'other tools are wired');
      assert.equal(read(homes, '.gemini/settings.json'), geminiSettings);
      assert.equal(read(homes, '.codex/config.toml'), codexConfig);
      assert.deepEqual(listAll(join(homes.home, '.gemini')), ['settings.json'], 'no GEMINI.md');
      assert.deepEqual(listAll(join(homes.home, '.codex')), ['config.toml'], 'no AGENTS.md, no hooks.json');

      writeFileSync(join(homes.home, '.gemini/settings.json'), '{"theme": "Dracula"}\n');
      const fixed = await wire(homes, ['--tool', 'gemini']);
      assert.equal(fixed.code, 0, fixed.stdout);
      assert.match(fixed.stdout, /^gemini: mcp \(stdio\) added .*; rules added in ~\/\.gemini\/GEMINI\.md$/m);
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });
});

describe('entries launch brains by a stable command', () => {
  test('`brains` on PATH that is this install: entries and hooks run `brains`; once it is gone, --status says the command no longer exists', async () => {
    const homes = makeHomes({ '.claude.json': '{}\n', '.codex/config.toml': '' });
    const bin = join(homes.root, 'bin');
    mkdirSync(bin);
    symlinkSync(CLI, join(bin, 'brains'));
    const PATH = `${bin}:${process.env.PATH ?? ''}`;
    try {
      const result = await wire(homes, ['--tool', 'claude-code', '--tool', 'codex'], { PATH });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const entry = (JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: { command: string; args: string[] } } }).mcpServers.brains;
      assert.equal(entry.command, 'brains');
      assert.deepEqual(entry.args, ['mcp']);
      assert.match(read(homes, '.codex/config.toml'), /^command = "brains"\nargs = \["mcp"\]$/m);
      const hooks = read(homes, '.claude/settings.json');
      assert.ok(hooks.includes('brains hook session-start'), hooks);
      assert.ok(!hooks.includes(process.execPath), 'no absolute node path in hooks');

      const good = (await status(homes, { PATH })).find((s) => s.tool === 'claude-code') as Status;
      assert.equal(good.launch, 'brains');
      assert.deepEqual(good.notes, []);

      rmSync(join(bin, 'brains'));
      const gone = await status(homes, { PATH });
      for (const tool of ['claude-code', 'codex']) {
        const s = gone.find((x) => x.tool === tool) as Status;
        assert.equal(s.wired, true, `${tool}: still ours, found by its launch command`);
        assert.equal(s.launch, 'missing', tool);
        assert.ok(s.notes.some((n) => n === `its command no longer exists (brains not found): run brains wire --tool ${tool} again`), s.notes.join('; '));
      }
      const text = await wire(homes, ['--status', '--tool', 'codex'], { PATH });
      assert.match(text.stdout, /^codex: detected, wired \(stdio\) .*\[.*its command no longer exists \(brains not found\)/m);

      const again = await wire(homes, ['--tool', 'claude-code', '--no-rules', '--no-hooks'], { PATH });
      assert.match(again.stdout, /^claude-code: mcp \(stdio\) updated in ~\/\.claude\.json/m, 'switched over, not a conflict');
      const now = (JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: { command: string; args: string[] } } }).mcpServers.brains;
      assert.equal(now.command, process.execPath);
      assert.deepEqual(now.args, [CLI, 'mcp']);
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });

  test('a `brains` on PATH that is another install is not used: absolute paths, and --status says moving the checkout breaks them', async () => {
    const homes = makeHomes({ '.cursor/mcp.json': '{}\n' });
    const bin = join(homes.root, 'bin');
    mkdirSync(bin);
    copyFileSync(CLI, join(bin, 'brains'));
    const PATH = `${bin}:${process.env.PATH ?? ''}`;
    try {
      const result = await wire(homes, ['--tool', 'cursor'], { PATH });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const entry = (JSON.parse(read(homes, '.cursor/mcp.json')) as { mcpServers: { brains: { command: string; args: string[] } } }).mcpServers.brains;
      assert.equal(entry.command, process.execPath);
      assert.deepEqual(entry.args, [CLI, 'mcp']);
      const s = (await status(homes, { PATH })).find((x) => x.tool === 'cursor') as Status;
      assert.equal(s.launch, 'absolute');
      assert.ok(s.notes.some((n) => /by absolute path: moving this checkout or changing Node breaks it; put this install's brains on PATH \(npm link\) and run brains wire again$/.test(n)), s.notes.join('; '));
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });
});

describe('unwire says which backups it left', () => {
  test('every backup next to the files it touched is listed with its path; none listed when there are none', async () => {
    const homes = makeHomes({ '.claude.json': '{"numStartups": 1}\n', '.claude/CLAUDE.md': '# Mine\n' });
    try {
      assert.equal((await wire(homes, ['--tool', 'claude-code', '--no-hooks'])).code, 0);
      writeFileSync(join(homes.home, '.claude/CLAUDE.md'), `${read(homes, '.claude/CLAUDE.md')}\nlater\n`);
      const result = await wire(homes, ['--tool', 'claude-code'], {}, 'unwire');
      assert.equal(result.code, 0, result.stdout);
      const onDisk = listAll(homes.home).filter((p) => p.includes('.bak-'));
      assert.equal(onDisk.length, 3, `wire backed up both files, unwire the edited one: ${onDisk.join(', ')}`);
      const listed = result.stdout.slice(result.stdout.indexOf('backups left (delete them once you no longer need them):\n'));
      assert.deepEqual(
        listed.split('\n').slice(1).filter(Boolean),
        onDisk.map((p) => `  ~/${p}`).sort(),
      );

      const fresh = makeHomes({});
      try {
        assert.equal((await wire(fresh, ['--tool', 'cursor'])).code, 0);
        const clean = await wire(fresh, ['--tool', 'cursor'], {}, 'unwire');
        assert.equal(clean.code, 0, clean.stdout);
        assert.doesNotMatch(clean.stdout, /backups left/, 'a file wire created leaves no backup');
      } finally {
        rmSync(fresh.root, { recursive: true, force: true });
      }
    } finally {
      rmSync(homes.root, { recursive: true, force: true });
    }
  });
});
