// Tool results: the method result as structured content plus JSON text, and daemon errors as tool errors a model can act on.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BrainsError, RpcCallError, RpcCodes } from '../../rpc/errors.js';
import { inFaceNames } from '../../rpc/contract/face-names.js';
import { errorBody, errorText, type ErrorBody } from './compat-errors.js';

/** The result fields that carry the daemon's advice (the next call to make), as opposed to data an agent stored. */
const HINT_FIELDS = ['message', 'identity_reminder'] as const;

/** A result whose hints name the tools an MCP agent calls, not the socket methods the daemon writes them in. */
export function withToolNameHints(result: Record<string, unknown>): Record<string, unknown> {
  const out = { ...result };
  for (const field of HINT_FIELDS) {
    const value = out[field];
    if (typeof value === 'string') out[field] = inFaceNames('mcp', value);
    else if (Array.isArray(value)) out[field] = value.map((line: unknown) => (typeof line === 'string' ? inFaceNames('mcp', line) : line));
  }
  return out;
}

/** Keys in the order the SDK's result schema gives them, so a result sent without that parse reads the same. */
export function toolResult(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** A failed call as a tool error: Brainstorm's JSON body {error, code, details}, with brains' own code beside. */
export function toolError(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: errorText(failureBody(error)) }], isError: true };
}

/** A tool error with a body made here (a cancelled call, a refusal of this server's own). */
export function toolErrorOf(code: string, message: string, data?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: errorText(errorBody(code, inFaceNames('mcp', message), data)) }], isError: true };
}

/** One line: the stable code and the daemon's actionable message (for invalid params it names the fields), in tool names. */
export function describeFailure(error: unknown): string {
  const { code, message } = failureParts(error);
  return inFaceNames('mcp', `${code}: ${message}`);
}

/** The error body of a failure, its message in tool names. */
export function failureBody(error: unknown): ErrorBody {
  const { code, message, data } = failureParts(error);
  return errorBody(code, inFaceNames('mcp', message), data);
}

function failureParts(error: unknown): { code: string; message: string; data?: unknown } {
  if (error instanceof BrainsError) return { code: error.appCode, message: error.message, data: error.details };
  if (error instanceof RpcCallError) {
    const code = error.appCode ?? (error.code === RpcCodes.INVALID_PARAMS ? 'INVALID_PARAMS' : `RPC_${error.code}`);
    return { code, message: error.message, data: error.data };
  }
  if (error instanceof Error && error.name === 'DaemonStoppedError') return { code: 'UNAVAILABLE', message: error.message };
  if (error instanceof Error && error.name === 'DaemonUnreachableError') {
    return { code: 'UNAVAILABLE', message: `the brains daemon cannot be reached (${error.message}); start it with brains up and call again` };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
