// Claude Code's headless stream-json protocol as pure functions: the command line, the lines we write, the lines we read.
import type { AgentSpec, DriverEvent, PermissionAnswer, TurnUsage } from '../driver.js';
import { isRecord, summarizeToolInput, summarizeToolResult } from './tool-summary.js';

/** The flags of one long-lived process; `=` binds each value, so a value starting with a dash is never read as a flag. */
export function claudeArgs(spec: AgentSpec): string[] {
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages'];
  args.push('--permission-prompt-tool', 'stdio');
  if (spec.nativeSessionId) args.push(`--resume=${spec.nativeSessionId}`);
  if (spec.model) args.push(`--model=${spec.model}`);
  if (spec.systemPrompt) args.push(`--append-system-prompt=${spec.systemPrompt}`);
  if (spec.mcpConfigPath) args.push(`--mcp-config=${spec.mcpConfigPath}`);
  for (const dir of spec.addDirs) args.push(`--add-dir=${dir}`);
  return args;
}

export function encodeUserTurn(text: string): string {
  return JSON.stringify({ type: 'user', message: { role: 'user', content: text }, session_id: '', parent_tool_use_id: null });
}

/** The handshake the SDKs send before the first turn; the CLI answers with its commands, models and account. */
export function encodeInitialize(requestId: string): string {
  return JSON.stringify({ type: 'control_request', request_id: requestId, request: { subtype: 'initialize', hooks: null } });
}

export function encodeInterrupt(requestId: string): string {
  return JSON.stringify({ type: 'control_request', request_id: requestId, request: { subtype: 'interrupt' } });
}

/** The answer to a can_use_tool request: allow (with the input to run) or deny (with the message the model reads). */
export function encodePermissionAnswer(requestId: string, answer: PermissionAnswer): string {
  const response = answer.behavior === 'allow' ? { behavior: 'allow', updatedInput: answer.updatedInput } : { behavior: 'deny', message: answer.message };
  return JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } });
}

/** Refuses a control request we do not serve (hooks, SDK MCP servers), so the CLI never waits on it. */
export function encodeControlError(requestId: string, error: string): string {
  return JSON.stringify({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error } });
}

export interface ClaudeResult {
  subtype: string;
  isError: boolean;
  /** The final answer on success; on failure, what went wrong (the result text, the errors, or the subtype). */
  text: string;
  sessionId: string | null;
  usage?: TurnUsage;
  costUsd?: number;
  apiErrorStatus: number | null;
}

export interface ParsedLine {
  events: DriverEvent[];
  result?: ClaudeResult;
  controlResponse?: { requestId: string; ok: boolean; error?: string };
  /** The CLI withdrew a request it sent (a permission prompt overtaken by an interrupt). */
  cancelledRequestId?: string;
  /** A control request we do not serve; answer it with encodeControlError. */
  unservedRequest?: { requestId: string; subtype: string };
  /** The line was not JSON (a CLI build printing debug text): worth a log line, nothing more. */
  error?: string;
}

/** One stdout line into what it means; unknown types mean nothing, and nothing here throws. */
export function parseClaudeLine(line: string, cwd?: string): ParsedLine {
  const trimmed = line.trim();
  if (trimmed === '') return { events: [] };
  let message: unknown;
  try {
    message = JSON.parse(trimmed);
  } catch {
    return { events: [], error: `not JSON: ${trimmed.slice(0, 200)}` };
  }
  if (!isRecord(message)) return { events: [], error: `not a JSON object: ${trimmed.slice(0, 200)}` };
  switch (message.type) {
    case 'system':
      return message.subtype === 'init' && nonEmpty(message.session_id) ? { events: [{ type: 'session', nativeSessionId: message.session_id }] } : { events: [] };
    case 'stream_event':
      return { events: streamEvents(message) };
    case 'assistant':
      return { events: blocks(message).flatMap((block) => toolUse(block, cwd)) };
    case 'user':
      return { events: blocks(message).flatMap(toolResult) };
    case 'result':
      return resultLine(message);
    case 'control_request':
      return controlRequest(message, cwd);
    case 'control_response':
      return controlResponse(message);
    case 'control_cancel_request':
      return nonEmpty(message.request_id) ? { events: [], cancelledRequestId: message.request_id } : { events: [] };
    default:
      return { events: [] };
  }
}

function streamEvents(message: Record<string, unknown>): DriverEvent[] {
  const event = message.event;
  if (!isRecord(event) || event.type !== 'content_block_delta' || message.parent_tool_use_id) return [];
  const delta = event.delta;
  return isRecord(delta) && delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '' ? [{ type: 'text', delta: delta.text }] : [];
}

function blocks(message: Record<string, unknown>): Record<string, unknown>[] {
  const inner = message.message;
  const content = isRecord(inner) ? inner.content : undefined;
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

function toolUse(block: Record<string, unknown>, cwd?: string): DriverEvent[] {
  if (block.type !== 'tool_use' || !nonEmpty(block.id) || !nonEmpty(block.name)) return [];
  const input = isRecord(block.input) ? block.input : {};
  return [{ type: 'tool_use', toolUseId: block.id, name: block.name, summary: summarizeToolInput(block.name, input, cwd) }];
}

function toolResult(block: Record<string, unknown>): DriverEvent[] {
  if (block.type !== 'tool_result' || !nonEmpty(block.tool_use_id)) return [];
  return [{ type: 'tool_result', toolUseId: block.tool_use_id, summary: summarizeToolResult(block.content), isError: block.is_error === true }];
}

function resultLine(message: Record<string, unknown>): ParsedLine {
  const subtype = typeof message.subtype === 'string' ? message.subtype : 'unknown';
  const isError = message.is_error === true || subtype !== 'success';
  const errors = Array.isArray(message.errors) ? message.errors.filter((e): e is string => typeof e === 'string') : [];
  const resultText = typeof message.result === 'string' ? message.result : '';
  const text = isError ? resultText || errors.join('; ') || subtype : resultText;
  const sessionId = nonEmpty(message.session_id) ? message.session_id : null;
  const result: ClaudeResult = { subtype, isError, text, sessionId, apiErrorStatus: typeof message.api_error_status === 'number' ? message.api_error_status : null };
  const usage = usageOf(message.usage);
  if (usage) result.usage = usage;
  if (typeof message.total_cost_usd === 'number') result.costUsd = message.total_cost_usd;
  const events: DriverEvent[] = sessionId && !isError ? [{ type: 'session', nativeSessionId: sessionId }] : [];
  return { events, result };
}

function usageOf(value: unknown): TurnUsage | undefined {
  if (!isRecord(value)) return undefined;
  const usage: TurnUsage = {};
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    if (typeof value[key] === 'number') usage[key] = value[key];
  }
  return Object.keys(usage).length > 0 ? usage : undefined;
}

function controlRequest(message: Record<string, unknown>, cwd?: string): ParsedLine {
  const request = message.request;
  if (!nonEmpty(message.request_id) || !isRecord(request)) return { events: [] };
  const requestId = message.request_id;
  if (request.subtype !== 'can_use_tool' || !nonEmpty(request.tool_name)) {
    return { events: [], unservedRequest: { requestId, subtype: String(request.subtype) } };
  }
  const input = isRecord(request.input) ? request.input : {};
  const toolUseId = nonEmpty(request.tool_use_id) ? request.tool_use_id : null;
  const summary = summarizeToolInput(request.tool_name, input, cwd);
  return { events: [{ type: 'permission', requestId, toolName: request.tool_name, input, toolUseId, summary }] };
}

function controlResponse(message: Record<string, unknown>): ParsedLine {
  const response = message.response;
  if (!isRecord(response) || !nonEmpty(response.request_id)) return { events: [] };
  const ok = response.subtype === 'success';
  const controlResponse: ParsedLine['controlResponse'] = { requestId: response.request_id, ok };
  if (!ok) controlResponse.error = typeof response.error === 'string' ? response.error : 'the CLI refused the request';
  return { events: [], controlResponse };
}

/** A failure worth trying again: the provider overloaded, rate-limited or failing (5xx), not one that repeats. */
export function isTransientResult(result: ClaudeResult): boolean {
  const status = result.apiErrorStatus;
  if (status !== null && (status === 429 || status >= 500)) return true;
  return /overloaded|rate[ _-]?limit|too many requests|API Error:? \(?(429|5\d\d)\b/i.test(result.text);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
