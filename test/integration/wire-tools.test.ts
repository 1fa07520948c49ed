// `brains wire` / `brains unwire` run as the real CLI on a temporary HOME holding every tool's config, odd layouts included.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { setAtPath } from '../../bin/wire/jsonc.js';
import { CLI, runCli, startDaemon } from '../helpers/daemon.js';

interface Homes {
  home: string;
  state: string;
}

// Every tool's user-level config with unrelated entries and a different layout each.
const FILES: Record<string, string> = {
  '.claude.json': '{\n    "numStartups": 12,\n    "projects": {"/w": {"allowedTools": []}},\n    "mcpServers": {\n        "other": {"type": "stdio", "command": "other-mcp", "args": []}\n    },\n    "userID": "abc"\n}',
  '.claude/settings.json': '{\n  "model": "opus",\n  "hooks": {\n    "SessionStart": [\n      {\n        "matcher": "startup",\n        "hooks": [{ "type": "command", "command": "echo hi" }]\n      }\n    ]\n  }\n}\n',
  '.claude/CLAUDE.md': '# My rules\n\nBe terse.\n',
  '.codex/config.toml':
    '# Codex settings\nmodel = "o3"   # the model\napproval_policy="on-request"\n\n[mcp_servers.other]\ncommand = "npx"\nargs = [\n  "-y",   # comment inside an array\n  "other-mcp",\n]\n\n[mcp_servers.other.env]\nTOKEN = """multi\nline"""\n\n[profiles.fast]\nmodel = \'o4-mini\'',
  '.copilot/mcp-config.json': '{\n\t"mcpServers": {\n\t\t"github": {\n\t\t\t"type": "http",\n\t\t\t"url": "https://api.githubcopilot.com/mcp/",\n\t\t\t"tools": ["*"]\n\t\t}\n\t}\n}\n',
  '.gemini/settings.json': '{\r\n  "theme": "Dracula",\r\n  "mcpServers": {\r\n    "git": { "command": "uvx", "args": ["mcp-server-git"] }\r\n  }\r\n}\r\n',
  '.cursor/mcp.json': '{"mcpServers":{"remote":{"url":"https://example.com/mcp"}}}',
  '.config/Code/User/mcp.json': '// my servers\n{\n    "servers": {\n        // the one I use\n        "fs": {"type": "stdio", "command": "fs-mcp"},\n    },\n    "inputs": []\n}\n',
  '.config/Claude/claude_desktop_config.json': '{\n  "globalShortcut": "Alt+Space"\n}\n',
};

const CREATED_BY_WIRE = ['.codex/AGENTS.md', '.codex/hooks.json', '.copilot/copilot-instructions.md', '.gemini/GEMINI.md'];

function makeHomes(files: Record<string, string> = FILES): Homes {
  const root = mkdtempSync(join(tmpdir(), 'bw-'));
  const home = join(root, 'home');
  const state = join(root, 'state');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(home, path, '..'), { recursive: true });
    writeFileSync(join(home, path), text);
  }
  chmodSync(join(home, '.claude.json'), 0o600);
  return { home, state };
}

function cleanup(homes: Homes): void {
  rmSync(join(homes.home, '..'), { recursive: true, force: true });
}

type Snapshot = Record<string, { text: string; mode: number }>;

function snapshot(dir: string, skipBackups = false): Snapshot {
  const out: Snapshot = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (!(skipBackups && name.includes('.bak-'))) out[relative(dir, path)] = { text: readFileSync(path, 'latin1'), mode: st.mode & 0o7777 };
    }
  };
  walk(dir);
  return out;
}

function read(homes: Homes, path: string): string {
  return readFileSync(join(homes.home, path), 'utf8');
}

function wire(homes: Homes, args: string[], cmd = 'wire') {
  // A PATH without this install's `brains` (as after npm link): entries name node and the script by absolute path.
  return runCli([cmd, ...args], { home: homes.state, env: { HOME: homes.home, BRAINS_MCP_PORT: '', PATH: '/usr/bin:/bin' } });
}

/** A daemon on the homes' state dir serving MCP HTTP on a free port: wire --transport http writes its URL. */
async function httpDaemon(homes: Homes): Promise<{ url: string; stop: () => Promise<unknown> }> {
  const daemon = await startDaemon({ home: homes.state, env: { BRAINS_MCP_PORT: '0' } });
  const client = await daemon.client();
  const url = (await client.call('system.info')).mcp_url as string;
  return { url, stop: () => daemon.stop() };
}

function stripComments(text: string): string {
  return text.replace(/^\s*\/\/.*$/gm, '').replace(/\/\/ the one I use/, '').replace(/,(\s*[}\]])/g, '$1');
}

function withoutBrains(text: string, container: string): string {
  const value = JSON.parse(stripComments(text)) as Record<string, Record<string, unknown>>;
  delete value[container]?.brains;
  return JSON.stringify(value);
}

/** The agent's variables, as references a tool that filters its environment expands in `env`. */
const REFERENCED = { BRAINS_AGENT: '${BRAINS_AGENT}', BRAINS_CLIENT_ID: '${BRAINS_CLIENT_ID}', BRAINSTORM_CLIENT_ID: '${BRAINSTORM_CLIENT_ID}', BRAINS_AGENT_TOKEN: '${BRAINS_AGENT_TOKEN}' };

const CODEX_TABLE = (homes: Homes): string =>
  [
    '[mcp_servers.brains]',
    `command = ${JSON.stringify(process.execPath)}`,
    `args = [${JSON.stringify(CLI)}, "mcp"]`,
    'env_vars = ["BRAINS_AGENT", "BRAINS_CLIENT_ID", "BRAINSTORM_CLIENT_ID", "BRAINS_AGENT_TOKEN"]',
    '',
    '[mcp_servers.brains.env]',
    `BRAINS_HOME = ${JSON.stringify(homes.state)}`,
    'BRAINS_TOOL = "codex"',
    '',
  ].join('\n');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function envOf(text: string, container: string): unknown {
  return (JSON.parse(stripComments(text)) as Record<string, Record<string, { env?: unknown }>>)[container]?.brains?.env;
}

describe('brains wire on a HOME with every tool', () => {
  const homes = makeHomes();
  const original = snapshot(homes.home);

  test('--dry-run prints the plan and writes nothing', async () => {
    const result = await wire(homes, ['--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /claude-code: mcp \(stdio\) would be added in ~\/\.claude\.json/);
    assert.match(result.stdout, /^\+\[mcp_servers\.brains\]$/m);
    assert.match(result.stdout, /^\+env_vars = \["BRAINS_AGENT", "BRAINS_CLIENT_ID", "BRAINSTORM_CLIENT_ID", "BRAINS_AGENT_TOKEN"\]$/m);
    assert.match(result.stdout, /^\+BRAINS_TOOL = "codex"$/m);
    assert.deepEqual(snapshot(homes.home), original);
    assert.equal(existsSync(homes.state), false, 'no record written');
  });

  test('wire adds our entry to every file and keeps everything else', async () => {
    const result = await wire(homes, []);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const tool of ['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'vscode', 'claude-desktop']) {
      assert.match(result.stdout, new RegExp(`^${tool}: mcp \\(stdio\\) added`, 'm'));
    }

    const claude = JSON.parse(read(homes, '.claude.json')) as { mcpServers: Record<string, { type: string; command: string; args: string[]; env: Record<string, string> }> };
    assert.equal(claude.mcpServers.brains?.type, 'stdio');
    assert.equal(claude.mcpServers.brains?.command, process.execPath);
    assert.deepEqual(claude.mcpServers.brains?.args.at(-1), 'mcp');
    assert.match(claude.mcpServers.brains?.args[0] ?? '', /dist\/bin\/brains\.js$/);
    assert.deepEqual(claude.mcpServers.brains?.env, { BRAINS_HOME: homes.state, BRAINS_TOOL: 'claude-code' }, 'Claude Code passes its own environment on');
    assert.equal(withoutBrains(read(homes, '.claude.json'), 'mcpServers'), JSON.stringify(JSON.parse(FILES['.claude.json'] as string)));
    assert.match(read(homes, '.claude.json'), /^ {8}"brains": \{$/m, 'four-space indentation kept');
    assert.equal(read(homes, '.claude.json').endsWith('}'), true, 'no trailing newline added');
    assert.equal(statSync(join(homes.home, '.claude.json')).mode & 0o777, 0o600);

    const copilot = read(homes, '.copilot/mcp-config.json');
    assert.match(copilot, /^\t\t"brains": \{$/m, 'tabs kept');
    assert.equal(withoutBrains(copilot, 'mcpServers'), JSON.stringify(JSON.parse(FILES['.copilot/mcp-config.json'] as string)));
    assert.equal((JSON.parse(copilot) as { mcpServers: { brains: { type: string } } }).mcpServers.brains.type, 'local');
    assert.deepEqual(envOf(copilot, 'mcpServers'), { BRAINS_HOME: homes.state, BRAINS_TOOL: 'copilot', ...REFERENCED }, 'Copilot CLI filters its environment: the agent variables are named');

    const gemini = read(homes, '.gemini/settings.json');
    assert.equal(gemini.replace(/\r\n/g, '').includes('\n'), false, 'CRLF kept throughout');
    assert.equal(withoutBrains(gemini, 'mcpServers'), JSON.stringify(JSON.parse(FILES['.gemini/settings.json'] as string)));
    assert.deepEqual(envOf(gemini, 'mcpServers'), { BRAINS_HOME: homes.state, BRAINS_TOOL: 'gemini', ...REFERENCED }, 'Gemini CLI withholds *TOKEN* variables unless named');

    const cursor = read(homes, '.cursor/mcp.json');
    assert.equal(cursor.includes('\n'), false, 'a one-line file stays one line');
    assert.equal(withoutBrains(cursor, 'mcpServers'), JSON.stringify(JSON.parse(FILES['.cursor/mcp.json'] as string)));
    assert.deepEqual(envOf(cursor, 'mcpServers'), { BRAINS_HOME: homes.state, BRAINS_TOOL: 'cursor' });

    const vscode = read(homes, '.config/Code/User/mcp.json');
    assert.match(vscode, /^\/\/ my servers$/m, 'comments kept');
    assert.match(vscode, /\/\/ the one I use/);
    assert.equal((JSON.parse(stripComments(vscode)) as { servers: { brains: { type: string } } }).servers.brains.type, 'stdio');
    assert.deepEqual(envOf(vscode, 'servers'), { BRAINS_HOME: homes.state, BRAINS_TOOL: 'other' }, 'VS Code has no BRAINS_TOOL name of its own');

    const desktop = JSON.parse(read(homes, '.config/Claude/claude_desktop_config.json')) as { globalShortcut: string; mcpServers: { brains: { command: string } } };
    assert.equal(desktop.globalShortcut, 'Alt+Space');
    assert.equal(desktop.mcpServers.brains.command, process.execPath);
    assert.deepEqual(envOf(read(homes, '.config/Claude/claude_desktop_config.json'), 'mcpServers'), { BRAINS_HOME: homes.state, BRAINS_TOOL: 'other' });

    const toml = read(homes, '.codex/config.toml');
    assert.equal(toml.startsWith(`${FILES['.codex/config.toml']}\n`), true, 'every byte of the TOML kept, our tables appended');
    assert.match(toml, new RegExp(`^${escape(CODEX_TABLE(homes))}$`, 'm'), 'Codex forwards the agent variables env_vars names');

    const rules = read(homes, '.claude/CLAUDE.md');
    assert.equal(rules.startsWith('# My rules\n\nBe terse.\n\n<!-- brains:wire start -->\n'), true);
    assert.equal(rules.endsWith('<!-- brains:wire end -->\n'), true);
    const blockLines = rules.split('<!-- brains:wire start -->')[1]?.split('\n').length ?? 0;
    assert.ok(blockLines <= 16, 'rules block is short');
    for (const created of CREATED_BY_WIRE) assert.equal(existsSync(join(homes.home, created)), true, created);

    const settings = JSON.parse(read(homes, '.claude/settings.json')) as { model: string; hooks: Record<string, Array<{ matcher?: string; hooks: Array<{ type: string; command: string }> }>> };
    assert.equal(settings.model, 'opus');
    assert.equal(settings.hooks.SessionStart?.[0]?.hooks[0]?.command, 'echo hi', 'the existing hook stays first');
    for (const [event, name] of [['SessionStart', 'session-start'], ['UserPromptSubmit', 'user-prompt-submit'], ['Stop', 'stop'], ['SessionEnd', 'session-end']] as const) {
      const commands = (settings.hooks[event] ?? []).flatMap((g) => g.hooks.map((h) => h.command));
      assert.ok(commands.some((c) => c.endsWith(`brains.js hook ${name}`)), `${event} hook`);
    }
    const codexHooks = JSON.parse(read(homes, '.codex/hooks.json')) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
    assert.deepEqual(Object.keys(codexHooks.hooks), ['SessionStart', 'UserPromptSubmit', 'Stop']);
    const codexCommands = Object.values(codexHooks.hooks).flatMap((groups) => groups.flatMap((g) => g.hooks.map((h) => h.command)));
    assert.ok(codexCommands.length === 3 && codexCommands.every((c) => c.endsWith(' --tool codex')), 'Codex hooks say which tool calls them');

    const backups = Object.keys(snapshot(homes.home)).filter((p) => p.includes('.bak-'));
    assert.equal(backups.length, 9, `one backup per pre-existing file edited: ${backups.join(', ')}`);
    const claudeBackup = backups.find((p) => p.startsWith('.claude.json.bak-')) as string;
    assert.equal(readFileSync(join(homes.home, claudeBackup), 'utf8'), FILES['.claude.json']);
    assert.equal(statSync(join(homes.home, claudeBackup)).mode & 0o777, 0o600);
  });

  test('wire again changes nothing and makes no new backup', async () => {
    const before = snapshot(homes.home);
    const record = readFileSync(join(homes.state, 'wire.json'), 'utf8');
    const result = await wire(homes, []);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /added|updated/);
    assert.match(result.stdout, /claude-code: mcp \(stdio\) unchanged/);
    assert.deepEqual(snapshot(homes.home), before);
    assert.equal(readFileSync(join(homes.state, 'wire.json'), 'utf8'), record);
  });

  test('--status shows each tool detected and wired', async () => {
    const json = await wire(homes, ['--status', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const statuses = JSON.parse(json.stdout) as Array<{ tool: string; detected: boolean; wired: boolean; transport: string; file: string; targets: Array<{ role: string; wired: boolean }> }>;
    assert.equal(statuses.length, 7);
    for (const s of statuses) {
      assert.equal(s.detected, true, s.tool);
      assert.equal(s.wired, true, s.tool);
      assert.equal(s.transport, 'stdio', s.tool);
      assert.ok(s.targets.every((t) => t.wired), s.tool);
    }
    assert.equal(statuses.find((s) => s.tool === 'claude-code')?.file, join(homes.home, '.claude.json'));
    const text = await wire(homes, ['--status']);
    assert.equal(text.code, 0);
    assert.equal(text.stdout.trim().split('\n').length, 7);
    assert.match(text.stdout, /^codex: detected, wired \(stdio\) in ~\/\.codex\/config\.toml; rules yes .*hooks yes/m);
  });

  test('unwire --dry-run writes nothing; unwire restores every file byte for byte', async () => {
    const before = snapshot(homes.home);
    const dry = await wire(homes, ['--dry-run'], 'unwire');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would be restored/);
    assert.deepEqual(snapshot(homes.home), before);

    const result = await wire(homes, [], 'unwire');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /claude-code: mcp restored in ~\/\.claude\.json; rules restored .*; hooks restored/);
    assert.deepEqual(snapshot(homes.home, true), original, 'every file as it was, files wire created gone, modes kept');
    const record = JSON.parse(readFileSync(join(homes.state, 'wire.json'), 'utf8')) as { files: object };
    assert.deepEqual(record.files, {});

    const again = await wire(homes, [], 'unwire');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to unwire/);
    cleanup(homes);
  });
});

/** The entry the brains before this one wrote: the same, without BRAINS_TOOL and the agent's variables. */
function olderEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const env = Object.fromEntries(Object.entries(entry.env as Record<string, string>).filter(([key]) => key !== 'BRAINS_TOOL' && !(key in REFERENCED)));
  return { ...entry, env };
}

/** Turns a HOME wired by this brains into one the brains before it wired: older entries, in the files and in wire.json. */
function asWiredByOlderBrains(homes: Homes): void {
  const recordPath = join(homes.state, 'wire.json');
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { files: Record<string, { role: string; entry: unknown; after_sha256: string }> };
  for (const [file, rec] of Object.entries(record.files)) {
    if (rec.role !== 'mcp') continue;
    let text = readFileSync(file, 'utf8');
    if (file.endsWith('config.toml')) {
      const older = (line: string): boolean => !line.startsWith('env_vars = ') && !line.startsWith('BRAINS_TOOL = ');
      rec.entry = { lines: (rec.entry as { lines: string[] }).lines.filter(older) };
      text = text.split('\n').filter(older).join('\n');
    } else {
      rec.entry = olderEntry(rec.entry as Record<string, unknown>);
      text = setAtPath(text, [file.endsWith(join('User', 'mcp.json')) ? 'servers' : 'mcpServers', 'brains'], rec.entry).text;
    }
    writeFileSync(file, text);
    rec.after_sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  }
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
}

const ALL_TOOLS = ['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'vscode', 'claude-desktop'];

describe('brains wire over entries an older brains wrote', () => {
  test('each is upgraded in place; wiring again changes nothing; unwire restores every original byte, keeping edits made in between', async () => {
    const homes = makeHomes();
    const original = snapshot(homes.home);
    assert.equal((await wire(homes, [])).code, 0);
    const fresh = snapshot(homes.home, true);
    asWiredByOlderBrains(homes);
    assert.doesNotMatch(read(homes, '.codex/config.toml'), /env_vars|BRAINS_TOOL/);
    assert.deepEqual((JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: { env: unknown } } }).mcpServers.brains.env, { BRAINS_HOME: homes.state });
    // Claude Code rewrites ~/.claude.json as it runs: the file has changed since the older wire.
    writeFileSync(join(homes.home, '.claude.json'), read(homes, '.claude.json').replace('"numStartups": 12', '"numStartups": 13'));

    const status = JSON.parse((await wire(homes, ['--status', '--json'])).stdout) as Array<{ tool: string; wired: boolean }>;
    assert.ok(status.every((s) => s.wired), 'an older entry still counts as wired');
    const dry = await wire(homes, ['--dry-run']);
    for (const tool of ALL_TOOLS) assert.match(dry.stdout, new RegExp(`^${tool}: mcp \\(stdio\\) would be updated in `, 'm'));
    assert.match(dry.stdout, /^\+ +"BRAINS_TOOL": "claude-code"$/m);
    assert.match(dry.stdout, /^\+env_vars = \[.+\]$/m);

    const upgraded = await wire(homes, []);
    assert.equal(upgraded.code, 0, upgraded.stdout + upgraded.stderr);
    for (const tool of ALL_TOOLS) assert.match(upgraded.stdout, new RegExp(`^${tool}: mcp \\(stdio\\) updated in `, 'm'));
    assert.doesNotMatch(upgraded.stdout, /(rules|hooks) (added|updated)/, 'only the MCP entries were older');
    const expected = { ...fresh, '.claude.json': { ...fresh['.claude.json']!, text: fresh['.claude.json']!.text.replace('"numStartups": 12', '"numStartups": 13') } };
    assert.deepEqual(snapshot(homes.home, true), expected, 'each file as a fresh wire writes it, the entry where it was');
    const record = JSON.parse(readFileSync(join(homes.state, 'wire.json'), 'utf8')) as { files: Record<string, { entry: unknown }> };
    assert.deepEqual(record.files[join(homes.home, '.claude.json')]?.entry, (JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: unknown } }).mcpServers.brains, 'the record holds what was written');
    assert.deepEqual(record.files[join(homes.home, '.codex/config.toml')]?.entry, { lines: CODEX_TABLE(homes).trimEnd().split('\n') });

    const before = snapshot(homes.home);
    const again = await wire(homes, []);
    assert.doesNotMatch(again.stdout, /added|updated/);
    assert.deepEqual(snapshot(homes.home), before, 'no change, no new backup');

    const unwired = await wire(homes, [], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout + unwired.stderr);
    assert.match(unwired.stdout, /^claude-code: mcp removed in ~\/\.claude\.json;/m);
    assert.match(unwired.stdout, /^gemini: mcp restored in /m);
    const edited = { ...original, '.claude.json': { ...original['.claude.json']!, text: original['.claude.json']!.text.replace('"numStartups": 12', '"numStartups": 13') } };
    assert.deepEqual(snapshot(homes.home, true), edited, 'every file as it was before the first wire, with the edit made since');
    cleanup(homes);
  });

  test('with the record gone, an older entry is still recognised as ours: upgraded, then taken out by unwire', async () => {
    const homes = makeHomes();
    assert.equal((await wire(homes, ['--tool', 'gemini', '--tool', 'codex', '--no-rules'])).code, 0);
    asWiredByOlderBrains(homes);
    rmSync(join(homes.state, 'wire.json'));

    const upgraded = await wire(homes, ['--tool', 'gemini', '--tool', 'codex', '--no-rules', '--no-hooks']);
    assert.equal(upgraded.code, 0, upgraded.stdout);
    assert.match(upgraded.stdout, /^gemini: mcp \(stdio\) updated in /m);
    assert.match(upgraded.stdout, /^codex: mcp \(stdio\) updated in /m);
    assert.equal(envOf(read(homes, '.gemini/settings.json'), 'mcpServers') !== undefined, true);
    assert.match(read(homes, '.codex/config.toml'), /^BRAINS_TOOL = "codex"$/m);

    const unwired = await wire(homes, ['--tool', 'gemini', '--tool', 'codex'], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.equal(read(homes, '.gemini/settings.json'), FILES['.gemini/settings.json']);
    // With no record of how the file ended, the line break wire put before its table stays.
    assert.equal(read(homes, '.codex/config.toml'), `${FILES['.codex/config.toml']}\n`);
    cleanup(homes);
  });
});

describe('brains wire: refusals, conflicts and edits made after wire', () => {
  test('a malformed file is reported and left alone while the others are wired', async () => {
    const homes = makeHomes({ ...FILES, '.gemini/settings.json': '{"theme": "x",, }', '.codex/config.toml': 'model = "o3"\n[broken\n' });
    const result = await wire(homes, []);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^gemini: mcp error in ~\/\.gemini\/settings\.json \(malformed: .*left untouched\)/m);
    assert.match(result.stdout, /^codex: mcp error in ~\/\.codex\/config\.toml \(malformed: bad table header at line 2; left untouched\)/m);
    assert.equal(read(homes, '.gemini/settings.json'), '{"theme": "x",, }');
    assert.equal(read(homes, '.codex/config.toml'), 'model = "o3"\n[broken\n');
    assert.match(result.stdout, /^claude-code: mcp \(stdio\) added/m);
    assert.match(result.stdout, /^cursor: mcp \(stdio\) added/m);
    const status = await wire(homes, ['--status', '--json']);
    const gemini = (JSON.parse(status.stdout) as Array<{ tool: string; wired: boolean; targets: Array<{ state: string }> }>).find((s) => s.tool === 'gemini');
    assert.equal(gemini?.wired, false);
    assert.match(gemini?.targets[0]?.state ?? '', /^malformed/);
    cleanup(homes);
  });

  test('a "brains" entry wire did not write is never overwritten', async () => {
    const foreignJson = '{"mcpServers":{"brains":{"command":"my-own-brains"}}}\n';
    const foreignToml = '[mcp_servers.brains]\ncommand = "my-own-brains"\n';
    const homes = makeHomes({ ...FILES, '.cursor/mcp.json': foreignJson, '.codex/config.toml': foreignToml });
    const result = await wire(homes, []);
    assert.equal(result.code, 1, 'a conflict fails the run even though other tools were wired');
    assert.match(result.stdout, /^cursor: mcp conflict in ~\/\.cursor\/mcp\.json \(a "brains" entry that wire did not write/m);
    assert.match(result.stdout, /^codex: mcp conflict in ~\/\.codex\/config\.toml/m);
    assert.match(result.stdout, /^claude-code: mcp \(stdio\) added/m);
    assert.equal(read(homes, '.cursor/mcp.json'), foreignJson);
    assert.equal(read(homes, '.codex/config.toml'), foreignToml);
    const unwired = await wire(homes, [], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.equal(read(homes, '.cursor/mcp.json'), foreignJson, 'unwire leaves it too');
    assert.equal(read(homes, '.codex/config.toml'), foreignToml);
    cleanup(homes);
  });

  test('an entry replaced in a file edited since it was written is not brought back by unwire', async () => {
    const homes = makeHomes();
    const gemini = (): { mcpServers: Record<string, unknown> } => JSON.parse(read(homes, '.gemini/settings.json'));
    const daemon = await httpDaemon(homes);
    assert.equal((await wire(homes, ['--transport', 'http', '--tool', 'gemini', '--no-rules'])).code, 0);
    await daemon.stop();
    const edited = read(homes, '.gemini/settings.json').replace('"theme": "Dracula"', '"theme": "Light"');
    writeFileSync(join(homes.home, '.gemini/settings.json'), edited);
    const switched = await wire(homes, ['--tool', 'gemini', '--no-rules']);
    assert.match(switched.stdout, /^gemini: mcp \(stdio\) updated in ~\/\.gemini\/settings\.json \(backup /m);
    assert.equal(typeof (gemini().mcpServers.brains as { command?: unknown }).command, 'string');

    const unwired = await wire(homes, ['--tool', 'gemini'], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.match(unwired.stdout, /^gemini: mcp removed in ~\/\.gemini\/settings\.json$/m);
    assert.equal(gemini().mcpServers.brains, undefined, 'neither the stdio entry nor the http one it replaced');
    assert.equal(read(homes, '.gemini/settings.json'), (FILES['.gemini/settings.json'] as string).replace('"theme": "Dracula"', '"theme": "Light"'));
    cleanup(homes);
  });

  test('edits made after wire survive unwire; only our entries go', async () => {
    const homes = makeHomes();
    assert.equal((await wire(homes, [])).code, 0);
    const claude = read(homes, '.claude.json').replace('"numStartups": 12', '"numStartups": 13');
    writeFileSync(join(homes.home, '.claude.json'), claude);
    const toml = `${read(homes, '.codex/config.toml')}\n# added by me later\n[mcp_servers.later]\nurl = "https://later.example/mcp"\n`;
    writeFileSync(join(homes.home, '.codex/config.toml'), toml);
    writeFileSync(join(homes.home, '.gemini/GEMINI.md'), `${read(homes, '.gemini/GEMINI.md')}\nMy own note.\n`);

    const result = await wire(homes, [], 'unwire');
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /claude-code: mcp removed in ~\/\.claude\.json \(backup /);
    assert.equal(read(homes, '.claude.json'), (FILES['.claude.json'] as string).replace('"numStartups": 12', '"numStartups": 13'));
    assert.equal(statSync(join(homes.home, '.claude.json')).mode & 0o777, 0o600);
    const afterToml = read(homes, '.codex/config.toml');
    assert.doesNotMatch(afterToml, /mcp_servers\.brains/);
    assert.equal(afterToml, `${FILES['.codex/config.toml']}\n\n# added by me later\n[mcp_servers.later]\nurl = "https://later.example/mcp"\n`);
    assert.equal(read(homes, '.gemini/GEMINI.md'), '\nMy own note.\n', 'our block gone, the note stays');
    cleanup(homes);
  });

  test('--transport http writes each tool its own key (files kept 0600, Codex via ~/.codex/.env); stdio again revokes it; unwire restores bytes and modes', async () => {
    const homes = makeHomes();
    const keysFile = join(homes.state, 'keys', 'mcp-clients.json');
    const keyOf = (tool: string): string | undefined =>
      existsSync(keysFile) ? (JSON.parse(readFileSync(keysFile, 'utf8')) as { clients: Record<string, { key: string }> }).clients[tool]?.key : undefined;
    assert.equal(statSync(join(homes.home, '.copilot/mcp-config.json')).mode & 0o777, 0o644, 'fixture starts world-readable');

    const daemon = await httpDaemon(homes);
    const { url } = daemon;
    const result = await wire(homes, ['--transport', 'http', '--no-rules', '--no-hooks']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(statSync(keysFile).mode & 0o777, 0o600);
    const keys = new Map(['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'vscode'].map((tool) => [tool, keyOf(tool)]));
    for (const [tool, key] of keys) assert.match(key ?? '', /^brains_w_[0-9a-f]{64}$/, `${tool} has a key`);
    assert.equal(new Set(keys.values()).size, 6, 'one key per tool');
    assert.equal(keyOf('claude-desktop'), undefined, 'Claude Desktop is stdio: no key');

    const claude = JSON.parse(read(homes, '.claude.json')) as { mcpServers: { brains: unknown } };
    assert.deepEqual(claude.mcpServers.brains, { type: 'http', url, headers: { Authorization: `Bearer ${keys.get('claude-code')}` } });
    assert.match(read(homes, '.codex/config.toml'), new RegExp(`\\[mcp_servers\\.brains\\]\\nurl = "${escape(url)}"\\nbearer_token_env_var = "BRAINS_MCP_TOKEN"\\n$`));
    assert.doesNotMatch(read(homes, '.codex/config.toml'), /brains_w_/, 'no inline token in config.toml (Codex rejects it)');
    const env = read(homes, '.codex/.env');
    assert.match(env, new RegExp(`^BRAINS_MCP_TOKEN=${keys.get('codex')}$`, 'm'));
    assert.match(env, /^# brains:wire start\n#.+\nBRAINS_MCP_TOKEN=.+\n# brains:wire end\n$/);
    assert.equal(statSync(join(homes.home, '.codex/.env')).mode & 0o777, 0o600);
    const vscode = JSON.parse(stripComments(read(homes, '.config/Code/User/mcp.json'))) as { servers: { brains: { headers: Record<string, string> } } };
    assert.equal(vscode.servers.brains.headers.Authorization, `Bearer ${keys.get('vscode')}`);
    const copilot = JSON.parse(read(homes, '.copilot/mcp-config.json')) as { mcpServers: { brains: { headers: Record<string, string>; tools: string[] } } };
    assert.deepEqual(copilot.mcpServers.brains.headers, { Authorization: `Bearer ${keys.get('copilot')}` });
    assert.equal(statSync(join(homes.home, '.copilot/mcp-config.json')).mode & 0o777, 0o600, 'a file that holds a key is made private');
    assert.match(result.stdout, /copilot: mcp \(http\) added in ~\/\.copilot\/mcp-config\.json \(backup .+; now 0600: it holds a brains key\)/);
    const desktop = JSON.parse(read(homes, '.config/Claude/claude_desktop_config.json')) as { mcpServers: { brains: { command?: string } } };
    assert.equal(desktop.mcpServers.brains.command, process.execPath, 'Claude Desktop stays on stdio');
    assert.equal(existsSync(join(homes.home, '.gemini/GEMINI.md')), false, '--no-rules');
    assert.equal(read(homes, '.claude/settings.json'), FILES['.claude/settings.json'], '--no-hooks');

    const before = snapshot(homes.home);
    const again = await wire(homes, ['--transport', 'http', '--no-rules', '--no-hooks']);
    assert.equal(again.code, 0, again.stdout);
    assert.doesNotMatch(again.stdout, /added|updated/, 'the same keys are written again: nothing changes');
    assert.deepEqual(snapshot(homes.home), before);

    const status = JSON.parse((await wire(homes, ['--status', '--json'])).stdout) as Array<{ tool: string; transport: string; wired: boolean; http_key?: string }>;
    assert.equal(status.find((s) => s.tool === 'codex')?.transport, 'http');
    assert.equal(status.find((s) => s.tool === 'codex')?.wired, true);
    assert.equal(status.find((s) => s.tool === 'codex')?.http_key, 'present');
    await daemon.stop();

    const back = await wire(homes, ['--tool', 'claude-code', '--tool', 'codex', '--no-rules', '--no-hooks']);
    assert.equal(back.code, 0, back.stdout);
    assert.match(back.stdout, /^claude-code: mcp \(stdio\) updated/m);
    assert.match(back.stdout, /^codex: mcp \(stdio\) updated in ~\/\.codex\/config\.toml.*; env deleted in ~\/\.codex\/\.env$/m);
    assert.match(back.stdout, /^claude-code: its MCP HTTP key is revoked/m);
    assert.match(back.stdout, /^codex: its MCP HTTP key is revoked/m);
    assert.equal(back.stdout.trim().split('\n').length, 4, 'only the named tools');
    assert.equal(keyOf('claude-code'), undefined);
    assert.equal(keyOf('codex'), undefined);
    assert.equal(keyOf('copilot'), keys.get('copilot'), 'tools not named keep theirs');
    assert.equal(existsSync(join(homes.home, '.codex/.env')), false, 'the .env wire created is gone');
    assert.match(read(homes, '.codex/config.toml'), /command = /);
    assert.doesNotMatch(read(homes, '.codex/config.toml'), /bearer_token_env_var/);

    const unwired = await wire(homes, [], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.match(unwired.stdout, /^copilot: its MCP HTTP key is revoked/m);
    assert.deepEqual((JSON.parse(readFileSync(keysFile, 'utf8')) as { clients: object }).clients, {}, 'every key revoked');
    assert.deepEqual(snapshot(homes.home, true), snapshot(makeHomesSnapshot()), 'byte-exact (and mode-exact) after http then stdio');
    cleanup(homes);
  });

  test('a pre-existing ~/.codex/.env keeps its lines; --dry-run makes no key; a damaged keys file is reported and wire changes nothing', async () => {
    const homes = makeHomes({ ...FILES, '.codex/.env': 'OPENAI_BASE_URL=http://localhost:1234\n' });
    chmodSync(join(homes.home, '.codex/.env'), 0o640);
    const daemon = await httpDaemon(homes);
    const dry = await wire(homes, ['--transport', 'http', '--tool', 'codex', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+BRAINS_MCP_TOKEN=<a key brains wire makes>$/m);
    assert.equal(existsSync(join(homes.state, 'keys', 'mcp-clients.json')), false, 'a dry run makes no key');

    const result = await wire(homes, ['--transport', 'http', '--tool', 'codex', '--no-rules', '--no-hooks']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const env = read(homes, '.codex/.env');
    assert.match(env, /^OPENAI_BASE_URL=http:\/\/localhost:1234\n\n# brains:wire start\n/);
    assert.equal(statSync(join(homes.home, '.codex/.env')).mode & 0o777, 0o600);
    const unwired = await wire(homes, ['--tool', 'codex'], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.equal(read(homes, '.codex/.env'), 'OPENAI_BASE_URL=http://localhost:1234\n');
    assert.equal(statSync(join(homes.home, '.codex/.env')).mode & 0o777, 0o640, 'mode restored with the bytes');

    writeFileSync(join(homes.state, 'keys', 'mcp-clients.json'), '{"clients": ');
    const before = snapshot(homes.home);
    const broken = await wire(homes, ['--transport', 'http', '--tool', 'gemini']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /mcp-clients\.json is not valid JSON; fix it or delete it/);
    assert.deepEqual(snapshot(homes.home), before, 'nothing written');

    rmSync(join(homes.state, 'keys', 'mcp-clients.json'));
    writeFileSync(join(homes.home, '.codex/.env'), 'export BRAINS_MCP_TOKEN=mine\n');
    const taken = await wire(homes, ['--transport', 'http', '--tool', 'codex', '--no-rules', '--no-hooks']);
    assert.equal(taken.code, 1, taken.stdout);
    assert.match(taken.stdout, /env conflict in ~\/\.codex\/\.env \(BRAINS_MCP_TOKEN is already set in this file outside wire's block; left as is/);
    assert.equal(read(homes, '.codex/.env'), 'export BRAINS_MCP_TOKEN=mine\n', 'the user\'s own line is left alone');
    await daemon.stop();
    cleanup(homes);
  });

  test('--tool wires a tool that is not installed; nothing detected and nothing named does nothing', async () => {
    const homes = makeHomes({ '.claude.json': '{}' });
    rmSync(join(homes.home, '.claude.json'));
    const none = await wire(homes, []);
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no agent tool detected/);
    const one = await wire(homes, ['--tool=cursor']);
    assert.equal(one.code, 0, one.stdout);
    assert.equal(statSync(join(homes.home, '.cursor/mcp.json')).mode & 0o777, 0o600);
    const unwired = await wire(homes, ['--tool', 'cursor'], 'unwire');
    assert.equal(unwired.code, 0);
    assert.equal(existsSync(join(homes.home, '.cursor/mcp.json')), false);
    cleanup(homes);
  });

  test('usage errors exit 2', async () => {
    const homes = makeHomes();
    for (const args of [['--tool', 'emacs'], ['--transport', 'ftp'], ['--bogus'], ['--tool']]) {
      const result = await wire(homes, args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /usage: brains wire/);
    }
    const unwire = await wire(homes, ['--transport', 'http'], 'unwire');
    assert.equal(unwire.code, 2);
    assert.deepEqual(snapshot(homes.home), snapshot(makeHomesSnapshot()));
    cleanup(homes);
  });
});

/** A fresh copy of the fixture HOME, for comparing against. */
function makeHomesSnapshot(): string {
  const homes = makeHomes();
  const dir = homes.home;
  process.once('exit', () => rmSync(join(dir, '..'), { recursive: true, force: true }));
  return dir;
}
