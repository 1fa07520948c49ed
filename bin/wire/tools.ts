// The agent tools wire knows: where each keeps its user-level config, how it spells an MCP server entry, its rules file and hooks.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { envTarget, hooksTarget, jsonMcpTarget, rulesTarget, tomlMcpTarget, type Target, type ToolName, type Transport } from './targets.js';
import { tomlString } from './toml.js';
import { agentEnvNotes, agentEnvOf, forwardedByName } from './agent-env.js';
import { absoluteLauncher, launcherFor, type Launcher } from './launcher.js';

export const TOOL_NAMES: readonly ToolName[] = ['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'vscode', 'claude-desktop'];

export const DEFAULT_MCP_PORT = 9877;
export const TOKEN_ENV = 'BRAINS_MCP_TOKEN';

export interface WireSettings {
  transport: Transport;
  rules: boolean;
  hooks: boolean;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The key a tool presents to the MCP HTTP endpoint (only asked for with transport http). */
  clientKey: (tool: ToolName) => string;
  /** Where the running daemon serves MCP HTTP; mcpUrl(env) when not given. */
  mcpUrl?: string;
  /** How entries start brains; launcherFor(env) when not given. */
  launcher?: Launcher;
}

export interface Tool {
  name: ToolName;
  /** Any of these existing under HOME means the tool is installed. */
  detectPaths: string[];
  targets: Target[];
  /** Files an earlier wire may have written that these settings no longer want (wire takes out what it wrote there). */
  retired: Target[];
  /** Said in --status when the tool cannot take something wire offers elsewhere. */
  notes: string[];
}

function brainsHome(env: NodeJS.ProcessEnv): string | null {
  const value = env.BRAINS_HOME;
  return value && value.trim() !== '' ? resolve(value) : null;
}

export function mcpUrl(env: NodeJS.ProcessEnv): string {
  const port = env.BRAINS_MCP_PORT && /^\d+$/.test(env.BRAINS_MCP_PORT) ? Number(env.BRAINS_MCP_PORT) : DEFAULT_MCP_PORT;
  return `http://127.0.0.1:${port}/mcp`;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_/.:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The command a tool runs on a hook event; Codex sends the same payload shape, so it says who it is with --tool. */
export function hookCommand(event: string, env: NodeJS.ProcessEnv, tool: 'claude-code' | 'codex' = 'claude-code', by: Launcher = launcherFor(env)): string {
  const home = brainsHome(env);
  const prefix = home ? `BRAINS_HOME=${shellQuote(home)} ` : '';
  const who = tool === 'codex' ? ' --tool codex' : '';
  return `${prefix}${[by.command, ...by.prefix].map(shellQuote).join(' ')} hook ${event}${who}`;
}

interface Launch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** How a tool starts `brains mcp`: its env holds BRAINS_HOME when set, then `extraEnv`. */
function launch(env: NodeJS.ProcessEnv, by: Launcher, extraEnv: Record<string, string> = {}): Launch {
  const out: Launch = { command: by.command, args: [...by.prefix, 'mcp'] };
  const home = brainsHome(env);
  const vars = { ...(home ? { BRAINS_HOME: home } : {}), ...extraEnv };
  if (Object.keys(vars).length > 0) out.env = vars;
  return out;
}

function codexStdioLines(stdio: Launch, forwarded: readonly string[]): string[] {
  return [
    '[mcp_servers.brains]',
    `command = ${tomlString(stdio.command)}`,
    `args = [${stdio.args.map(tomlString).join(', ')}]`,
    ...(forwarded.length > 0 ? [`env_vars = [${forwarded.map(tomlString).join(', ')}]`] : []),
    ...(stdio.env ? ['', '[mcp_servers.brains.env]', ...Object.entries(stdio.env).map(([k, v]) => `${k} = ${tomlString(v)}`)] : []),
  ];
}

function appSupport(home: string, platform: NodeJS.Platform, app: string): string {
  return platform === 'darwin' ? join(home, 'Library', 'Application Support', app) : join(home, '.config', app);
}

const CLAUDE_HOOK_EVENTS: Record<string, string> = {
  SessionStart: 'session-start',
  UserPromptSubmit: 'user-prompt-submit',
  Stop: 'stop',
  SessionEnd: 'session-end',
};
// Codex has no SessionEnd hook.
const CODEX_HOOK_EVENTS: Record<string, string> = { SessionStart: 'session-start', UserPromptSubmit: 'user-prompt-submit', Stop: 'stop' };

function hookCommands(events: Record<string, string>, env: NodeJS.ProcessEnv, tool: 'claude-code' | 'codex', by: Launcher): Record<string, string> {
  return Object.fromEntries(Object.entries(events).map(([event, name]) => [event, hookCommand(name, env, tool, by)]));
}

/** Every tool with the targets these settings call for. */
export function tools(settings: WireSettings): Tool[] {
  const home = homedir();
  const { env, platform } = settings;
  const http = settings.transport === 'http';
  const url = settings.mcpUrl ?? mcpUrl(env);
  const by = settings.launcher ?? launcherFor(env);
  // The other way to launch: entries written that way are ours to switch over.
  const other = by.stable ? absoluteLauncher() : { command: 'brains', prefix: [], stable: true };
  const stdio = (tool: ToolName, launcher: Launcher = by): Launch => launch(env, launcher, agentEnvOf(tool));
  // What wire wrote before entries said which tool they are and carried the agent's variables: ours to upgrade.
  const earlierStdio = launch(env, by);
  const olderStdio = launch(env, other);
  const earlier = <T>(...entries: T[]): T[] => (http ? [] : entries);
  // JSON configs carry the key itself, as `claude mcp add --header` does: they are user-private files (kept 0600).
  const bearer = (tool: ToolName): Record<string, string> => ({ Authorization: `Bearer ${settings.clientKey(tool)}` });
  const list: Tool[] = [];
  const add = (name: ToolName, detectPaths: string[], targets: Array<Target | false>, notes: string[] = [], retired: Target[] = []): void => {
    list.push({ name, detectPaths, targets: targets.filter((t): t is Target => t !== false), retired, notes });
  };

  add('claude-code', [join(home, '.claude.json'), join(home, '.claude')], [
    jsonMcpTarget({
      tool: 'claude-code',
      file: join(home, '.claude.json'),
      container: 'mcpServers',
      entry: http ? { type: 'http', url, headers: bearer('claude-code') } : { type: 'stdio', ...stdio('claude-code') },
      earlier: earlier({ type: 'stdio', ...earlierStdio }, { type: 'stdio', ...olderStdio }, { type: 'stdio', ...stdio('claude-code', other) }),
      transport: settings.transport,
      newFileMode: 0o600,
      secret: http,
    }),
    settings.rules && rulesTarget({ tool: 'claude-code', file: join(home, '.claude', 'CLAUDE.md') }),
    settings.hooks && hooksTarget({ tool: 'claude-code', file: join(home, '.claude', 'settings.json'), commands: hookCommands(CLAUDE_HOOK_EVENTS, env, 'claude-code', by) }),
  ]);

  // Codex starts MCP servers with a few variables of its own (HOME, PATH, ...) plus those env_vars names.
  const codexLines = http
    ? ['[mcp_servers.brains]', `url = ${tomlString(url)}`, `bearer_token_env_var = ${tomlString(TOKEN_ENV)}`]
    : codexStdioLines(stdio('codex'), forwardedByName('codex'));
  // Codex refuses an inline bearer token: config.toml names the variable and ~/.codex/.env (which Codex loads at start) holds it.
  const codexEnv = envTarget({
    tool: 'codex',
    file: join(home, '.codex', '.env'),
    name: TOKEN_ENV,
    value: http ? settings.clientKey('codex') : '',
    comment: `The key Codex sends to brains (bearer_token_env_var in config.toml); brains unwire removes it.`,
    note: `an exported ${TOKEN_ENV} in your shell wins over ~/.codex/.env`,
  });
  add('codex', [join(home, '.codex')], [
    tomlMcpTarget({ tool: 'codex', file: join(home, '.codex', 'config.toml'), lines: codexLines, earlier: earlier(codexStdioLines(earlierStdio, []), codexStdioLines(olderStdio, []), codexStdioLines(stdio('codex', other), forwardedByName('codex'))), transport: settings.transport }),
    http && codexEnv,
    settings.rules && rulesTarget({ tool: 'codex', file: join(home, '.codex', 'AGENTS.md') }),
    settings.hooks &&
      hooksTarget({
        tool: 'codex',
        file: join(home, '.codex', 'hooks.json'),
        commands: hookCommands(CODEX_HOOK_EVENTS, env, 'codex', by),
        note: 'Codex runs hooks from hooks.json once you trust them (/hooks) with its hooks feature on; it has no SessionEnd hook',
      }),
  ], [], http ? [] : [codexEnv]);

  add('copilot', [join(home, '.copilot')], [
    jsonMcpTarget({
      tool: 'copilot',
      file: join(home, '.copilot', 'mcp-config.json'),
      container: 'mcpServers',
      entry: http ? { type: 'http', url, headers: bearer('copilot'), tools: ['*'] } : { type: 'local', ...stdio('copilot'), tools: ['*'] },
      earlier: earlier(...[earlierStdio, olderStdio, stdio('copilot', other)].map((entry) => ({ type: 'local', ...entry, tools: ['*'] }))),
      transport: settings.transport,
      newFileMode: 0o600,
      secret: http,
    }),
    settings.rules && rulesTarget({ tool: 'copilot', file: join(home, '.copilot', 'copilot-instructions.md') }),
  ], ['no hooks: wire installs hooks for Claude Code and Codex only']);

  add('gemini', [join(home, '.gemini')], [
    jsonMcpTarget({
      tool: 'gemini',
      file: join(home, '.gemini', 'settings.json'),
      container: 'mcpServers',
      entry: http ? { type: 'http', url, headers: bearer('gemini') } : stdio('gemini'),
      earlier: earlier(earlierStdio, olderStdio, stdio('gemini', other)),
      transport: settings.transport,
      newFileMode: 0o600,
      secret: http,
      note: 'Gemini CLI disables MCP servers in folders it does not trust',
    }),
    settings.rules && rulesTarget({ tool: 'gemini', file: join(home, '.gemini', 'GEMINI.md') }),
  ]);

  add('cursor', [join(home, '.cursor')], [
    jsonMcpTarget({
      tool: 'cursor',
      file: join(home, '.cursor', 'mcp.json'),
      container: 'mcpServers',
      entry: http ? { url, headers: bearer('cursor') } : stdio('cursor'),
      earlier: earlier(earlierStdio, olderStdio, stdio('cursor', other)),
      transport: settings.transport,
      newFileMode: 0o600,
      secret: http,
    }),
  ], ['no user-level rules file']);

  const vscodeDir = appSupport(home, platform, join('Code', 'User'));
  add('vscode', [vscodeDir], [
    jsonMcpTarget({
      tool: 'vscode',
      file: join(vscodeDir, 'mcp.json'),
      container: 'servers',
      entry: http ? { type: 'http', url, headers: bearer('vscode') } : { type: 'stdio', ...stdio('vscode') },
      earlier: earlier(...[earlierStdio, olderStdio, stdio('vscode', other)].map((entry) => ({ type: 'stdio', ...entry }))),
      transport: settings.transport,
      newFileMode: 0o600,
      secret: http,
    }),
  ], ['no user-level rules file']);

  const desktopDir = appSupport(home, platform, 'Claude');
  add('claude-desktop', [desktopDir], [
    jsonMcpTarget({
      tool: 'claude-desktop',
      file: join(desktopDir, 'claude_desktop_config.json'),
      container: 'mcpServers',
      // Claude Desktop starts servers with a PATH of its own (a GUI app's), where `brains` and node may not be: absolute paths.
      entry: stdio('claude-desktop', absoluteLauncher()),
      earlier: [launch(env, absoluteLauncher()), launch(env, by), launch(env, other), stdio('claude-desktop', by)],
      transport: 'stdio',
      newFileMode: 0o600,
      ...(http ? { note: 'Claude Desktop takes stdio servers only' } : {}),
    }),
  ], ['stdio only', ...agentEnvNotes('claude-desktop')]);

  return list;
}

export function isDetected(tool: Tool): boolean {
  return tool.detectPaths.some((path) => existsSync(path));
}
