// The Agent Client Protocol (ACP, v1) as pure functions: the command line of each preset, the brains MCP server as a
// session's mcpServers entry, what session/update and session/request_permission mean to the runtime, and the answers.
import type { AgentSpec, DriverEvent, PermissionAnswer, TurnUsage } from '../driver.js';
import { isRecord } from './tool-summary.js';
import { brainsMcpServer } from './mcp-server.js';

export const ACP_PROTOCOL_VERSION = 1;

/** The CLIs that speak ACP with a flag, and where the daemon may be told they are. */
export const ACP_PRESETS = {
  gemini: { program: 'gemini', pathVariable: 'BRAINS_GEMINI_PATH', install: 'install the Gemini CLI (npm i -g @google/gemini-cli)' },
  copilot: { program: 'copilot', pathVariable: 'BRAINS_COPILOT_PATH', install: 'install the GitHub Copilot CLI (npm i -g @github/copilot)' },
} as const;
export type AcpPreset = keyof typeof ACP_PRESETS;

/** A preset's arguments: ACP over stdio, and the model when one is set. */
export function presetArgs(spec: AgentSpec): string[] {
  return ['--acp', ...(spec.model ? [`--model=${spec.model}`] : [])];
}

/** brains mcp as an ACP stdio MCP server (env as name/value pairs: it travels over the pipe, never on a command line). */
export function mcpServers(mcpConfigPath: string | null): unknown[] {
  const server = brainsMcpServer(mcpConfigPath);
  if (!server) return [];
  return [{ name: 'brains', command: server.command, args: server.args, env: Object.entries(server.env).map(([name, value]) => ({ name, value })) }];
}

export function initializeParams(version: string): Record<string, unknown> {
  return { protocolVersion: ACP_PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false }, clientInfo: { name: 'brains', title: 'brains', version } };
}

export interface AcpOption {
  optionId: string;
  kind: string;
}

/** The option that carries the operator's decision; cancelled when the agent offered none of that kind. */
export function permissionOutcome(options: readonly AcpOption[], answer: PermissionAnswer): { outcome: { outcome: 'selected'; optionId: string } | { outcome: 'cancelled' } } {
  const wanted = answer.behavior === 'deny' ? ['reject_once', 'reject_always'] : answer.always ? ['allow_always', 'allow_once'] : ['allow_once', 'allow_always'];
  for (const kind of wanted) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: { outcome: 'selected', optionId: option.optionId } };
  }
  return { outcome: { outcome: 'cancelled' } };
}

export const CANCELLED_PERMISSION = { outcome: { outcome: 'cancelled' } } as const;

/** A session/request_permission as the runtime's permission event, with the options to answer from. */
export function readPermissionRequest(requestId: string, params: unknown): { event: Extract<DriverEvent, { type: 'permission' }>; options: AcpOption[] } {
  const p = isRecord(params) ? params : {};
  const call = isRecord(p.toolCall) ? p.toolCall : {};
  const options = Array.isArray(p.options)
    ? p.options.filter((o): o is Record<string, unknown> => isRecord(o) && typeof o.optionId === 'string' && typeof o.kind === 'string').map((o) => ({ optionId: o.optionId as string, kind: o.kind as string }))
    : [];
  const title = typeof call.title === 'string' ? call.title : 'a tool';
  const input = isRecord(call.rawInput) ? call.rawInput : {};
  return {
    event: { type: 'permission', requestId, toolName: typeof call.kind === 'string' ? call.kind : 'tool', input, toolUseId: typeof call.toolCallId === 'string' ? call.toolCallId : null, summary: oneLine(title) },
    options,
  };
}

/** What a session/update means: text, a tool call starting or ending. Tool calls first seen in an update are started. */
export function readUpdate(params: unknown, seenToolCalls: Set<string>): DriverEvent[] {
  const update = isRecord(params) && isRecord(params.update) ? params.update : null;
  if (!update) return [];
  switch (update.sessionUpdate) {
    case 'agent_message_chunk': {
      const content = isRecord(update.content) ? update.content : null;
      return content && content.type === 'text' && typeof content.text === 'string' && content.text !== '' ? [{ type: 'text', delta: content.text }] : [];
    }
    case 'tool_call':
    case 'tool_call_update': {
      const id = typeof update.toolCallId === 'string' ? update.toolCallId : null;
      if (!id) return [];
      const events: DriverEvent[] = [];
      if (!seenToolCalls.has(id)) {
        seenToolCalls.add(id);
        events.push({ type: 'tool_use', toolUseId: id, name: typeof update.kind === 'string' ? update.kind : 'tool', summary: oneLine(typeof update.title === 'string' ? update.title : id) });
      }
      if (update.status === 'completed' || update.status === 'failed') {
        events.push({ type: 'tool_result', toolUseId: id, summary: oneLine(contentText(update.content) || String(update.status)), isError: update.status === 'failed' });
      }
      return events;
    }
    default:
      return [];
  }
}

/** Gemini reports a turn's tokens in the prompt result's _meta.quota; the protocol's own usage_update is the context's size. */
export function usageOf(result: unknown): TurnUsage | undefined {
  const quota = isRecord(result) && isRecord(result._meta) && isRecord(result._meta.quota) ? result._meta.quota : null;
  const count = quota && isRecord(quota.token_count) ? quota.token_count : null;
  if (!count) return undefined;
  const usage: TurnUsage = {};
  if (typeof count.input_tokens === 'number') usage.input_tokens = count.input_tokens;
  if (typeof count.output_tokens === 'number') usage.output_tokens = count.output_tokens;
  return usage;
}

/** How a prompt's stopReason ends the turn. */
export function stopOutcome(result: unknown): { status: 'done' | 'interrupted' | 'error'; error?: string } {
  const reason = isRecord(result) && typeof result.stopReason === 'string' ? result.stopReason : 'end_turn';
  if (reason === 'cancelled') return { status: 'interrupted' };
  if (reason === 'refusal') return { status: 'error', error: 'the agent refused to go on (stopReason refusal)' };
  return { status: 'done' };
}

/** Provider trouble worth another try: rate limits, overload, a server error (gemini answers with the HTTP status). */
export function isTransientCode(code: number): boolean {
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}

function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const item of content) {
    if (!isRecord(item)) continue;
    if (item.type === 'content' && isRecord(item.content) && typeof item.content.text === 'string') parts.push(item.content.text);
    if (item.type === 'diff' && typeof item.path === 'string') parts.push(`edited ${item.path}`);
  }
  return parts.join(' ').trim().split('\n').slice(-3).join(' / ');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
