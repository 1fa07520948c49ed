// Tool results: the method result as structured content plus JSON text, and daemon errors as tool errors a model can act on.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BrainsError, RpcCallError, RpcCodes } from '../../rpc/errors.js';
import { inFaceNames } from '../../rpc/contract/face-names.js';

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

export function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** One line: the stable code and the daemon's actionable message (for invalid params it names the fields), in tool names. */
export function describeFailure(error: unknown): string {
  return inFaceNames('mcp', failureLine(error));
}

function failureLine(error: unknown): string {
  if (error instanceof BrainsError) return `${error.appCode}: ${error.message}`;
  if (error instanceof RpcCallError) {
    const code = error.appCode ?? (error.code === RpcCodes.INVALID_PARAMS ? 'INVALID_PARAMS' : `RPC_${error.code}`);
    return `${code}: ${error.message}`;
  }
  if (error instanceof Error && error.name === 'DaemonStoppedError') return `UNAVAILABLE: ${error.message}`;
  if (error instanceof Error && error.name === 'DaemonUnreachableError') {
    return `UNAVAILABLE: the brains daemon cannot be reached (${error.message}); start it with brains up and call again`;
  }
  return `INTERNAL: ${error instanceof Error ? error.message : String(error)}`;
}
