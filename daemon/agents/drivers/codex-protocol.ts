// `codex app-server`'s protocol as pure functions: the command line (brains mcp given as -c overrides, the token passed
// by name only), the thread and turn requests, and what its notifications and approval requests mean to the runtime.
import type { AgentSpec, DriverEvent, PermissionAnswer, TurnUsage } from '../driver.js';
import { isRecord } from './tool-summary.js';
import { brainsMcpServer } from './mcp-server.js';

/** Variables brains mcp needs from the agent's environment; Codex passes an MCP server only those it is told to. */
const MCP_ENV_NAMES = ['BRAINS_HOME', 'BRAINS_SOCKET', 'BRAINS_TOOL', 'BRAINS_AGENT', 'BRAINS_AGENT_TOKEN'];

/** TOML's basic strings read JSON's escapes, so a JSON string or array of strings is a TOML value as it stands. */
const toml = (value: string | readonly string[]): string => JSON.stringify(value);

/** -c overrides that start brains mcp as Codex's MCP server `brains`, read from the agent's MCP config file. */
export function mcpOverrides(mcpConfigPath: string | null): string[] {
  const server = brainsMcpServer(mcpConfigPath);
  if (!server) return [];
  return ['-c', `mcp_servers.brains.command=${toml(server.command)}`, '-c', `mcp_servers.brains.args=${toml(server.args)}`, '-c', `mcp_servers.brains.env_vars=${toml(MCP_ENV_NAMES)}`];
}

export function appServerArgs(spec: AgentSpec): string[] {
  return [...mcpOverrides(spec.mcpConfigPath), 'app-server'];
}

/** Every command and file change is asked of the operator (on-request), within the workspace (and the agent's add_dirs). */
export function threadParams(spec: AgentSpec): Record<string, unknown> {
  return {
    cwd: spec.workingDirectory,
    approvalPolicy: 'on-request',
    sandbox: 'workspace-write',
    ...(spec.model ? { model: spec.model } : {}),
    ...(spec.systemPrompt ? { developerInstructions: spec.systemPrompt } : {}),
  };
}

export function turnParams(threadId: string, text: string): Record<string, unknown> {
  return { threadId, input: [{ type: 'text', text }] };
}

/** The approval answer in Codex's terms: allow always (the cockpit's A) is accept for the rest of the session. */
export function approvalDecision(answer: PermissionAnswer): { decision: string } {
  if (answer.behavior === 'deny') return { decision: 'decline' };
  return { decision: answer.always ? 'acceptForSession' : 'accept' };
}

export interface CodexTurnEnd {
  status: 'completed' | 'interrupted' | 'failed';
  error: string | null;
  transient: boolean;
}

/** What a notification means: runtime events, token usage, the turn's diff, or its end. */
export interface CodexNotice {
  events: DriverEvent[];
  usage?: TurnUsage;
  diff?: string;
  /** The final text of an agent message item (what its deltas added up to). */
  message?: string;
  end?: CodexTurnEnd;
  /** A turn's id, once Codex has started it. */
  turnId?: string;
  /** A transient error Codex retries itself: worth a log line. */
  note?: string;
}

const TRANSIENT_ERRORS = new Set(['serverOverloaded', 'internalServerError', 'httpConnectionFailed', 'responseStreamConnectionFailed', 'responseStreamDisconnected', 'responseTooManyFailedAttempts', 'usageLimitExceeded']);

export function readNotification(method: string, params: unknown): CodexNotice {
  const p = isRecord(params) ? params : {};
  switch (method) {
    case 'turn/started':
      return { events: [], ...(isRecord(p.turn) && typeof p.turn.id === 'string' ? { turnId: p.turn.id } : {}) };
    case 'item/agentMessage/delta':
      return typeof p.delta === 'string' && p.delta !== '' ? { events: [{ type: 'text', delta: p.delta }] } : { events: [] };
    case 'item/started':
      return { events: itemStarted(p.item) };
    case 'item/completed':
      return itemCompleted(p.item);
    case 'turn/diff/updated':
      return typeof p.diff === 'string' ? { events: [], diff: p.diff } : { events: [] };
    case 'thread/tokenUsage/updated':
      return { events: [], ...usageOf(p.tokenUsage) };
    case 'error':
      return { events: [], note: `codex: ${errorText(p.error)}${p.willRetry === true ? ' (retrying)' : ''}` };
    case 'turn/completed':
      return { events: [], end: turnEnd(p.turn) };
    default:
      return { events: [] };
  }
}

function itemStarted(item: unknown): DriverEvent[] {
  if (!isRecord(item) || typeof item.id !== 'string') return [];
  if (item.type === 'commandExecution') return [{ type: 'tool_use', toolUseId: item.id, name: 'shell', summary: oneLine(commandText(item.command)) }];
  if (item.type === 'fileChange') return [{ type: 'tool_use', toolUseId: item.id, name: 'edit', summary: oneLine(changedPaths(item.changes)) }];
  return [];
}

function itemCompleted(item: unknown): CodexNotice {
  if (!isRecord(item) || typeof item.id !== 'string') return { events: [] };
  if (item.type === 'agentMessage') return { events: [], ...(typeof item.text === 'string' ? { message: item.text } : {}) };
  const failed = item.status === 'failed' || item.status === 'declined';
  if (item.type === 'commandExecution') {
    const output = typeof item.aggregatedOutput === 'string' ? item.aggregatedOutput : '';
    const exit = typeof item.exitCode === 'number' ? ` (exit ${item.exitCode})` : '';
    const summary = item.status === 'declined' ? 'declined' : `${oneLine(output.trim().split('\n').slice(-3).join(' / ')) || 'no output'}${exit}`;
    return { events: [{ type: 'tool_result', toolUseId: item.id, summary, isError: failed || (typeof item.exitCode === 'number' && item.exitCode !== 0) }] };
  }
  if (item.type === 'fileChange') {
    return { events: [{ type: 'tool_result', toolUseId: item.id, summary: item.status === 'declined' ? 'declined' : `${String(item.status ?? 'done')}: ${oneLine(changedPaths(item.changes))}`, isError: failed }] };
  }
  return { events: [] };
}

function turnEnd(turn: unknown): CodexTurnEnd {
  const t = isRecord(turn) ? turn : {};
  const status = t.status === 'interrupted' || t.status === 'failed' ? t.status : 'completed';
  const info = isRecord(t.error) ? t.error.codexErrorInfo : undefined;
  const kind = typeof info === 'string' ? info : isRecord(info) ? Object.keys(info)[0] : undefined;
  return { status, error: status === 'failed' ? errorText(t.error) : null, transient: status === 'failed' && kind !== undefined && TRANSIENT_ERRORS.has(kind) };
}

function usageOf(tokenUsage: unknown): { usage?: TurnUsage } {
  if (!isRecord(tokenUsage)) return {};
  const last = isRecord(tokenUsage.last) ? tokenUsage.last : isRecord(tokenUsage.total) ? tokenUsage.total : null;
  if (!last) return {};
  const usage: TurnUsage = {};
  if (typeof last.inputTokens === 'number') usage.input_tokens = last.inputTokens;
  if (typeof last.outputTokens === 'number') usage.output_tokens = last.outputTokens;
  if (typeof last.cachedInputTokens === 'number') usage.cache_read_input_tokens = last.cachedInputTokens;
  return { usage };
}

/** A server request for approval, as the runtime's permission event; null for any other request. */
export function readApprovalRequest(requestId: string, method: string, params: unknown): Extract<DriverEvent, { type: 'permission' }> | null {
  const p = isRecord(params) ? params : {};
  const itemId = typeof p.itemId === 'string' ? p.itemId : null;
  const reason = typeof p.reason === 'string' && p.reason !== '' ? p.reason : null;
  if (method === 'item/commandExecution/requestApproval') {
    const command = commandText(p.command);
    const input: Record<string, unknown> = { command, ...(typeof p.cwd === 'string' ? { cwd: p.cwd } : {}), ...(reason ? { reason } : {}) };
    return { type: 'permission', requestId, toolName: 'shell', input, toolUseId: itemId, summary: oneLine(`${command}${reason ? ` (${reason})` : ''}`) };
  }
  if (method === 'item/fileChange/requestApproval') {
    const input: Record<string, unknown> = { ...(reason ? { reason } : {}), ...(typeof p.grantRoot === 'string' ? { grant_root: p.grantRoot } : {}) };
    return { type: 'permission', requestId, toolName: 'edit', input, toolUseId: itemId, summary: oneLine(reason ?? 'change files') };
  }
  return null;
}

function commandText(command: unknown): string {
  if (typeof command === 'string') return command;
  if (Array.isArray(command)) return command.map(String).join(' ');
  return '';
}

function changedPaths(changes: unknown): string {
  if (!Array.isArray(changes)) return '';
  return changes
    .map((change) => (isRecord(change) && typeof change.path === 'string' ? change.path : null))
    .filter((path): path is string => path !== null)
    .join(', ');
}

function errorText(error: unknown): string {
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  return typeof error === 'string' ? error : 'codex reported an error';
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
