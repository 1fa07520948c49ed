// Tool results: the method result as structured content plus JSON text, and daemon errors as tool errors a model can act on.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BrainsError, RpcCallError, RpcCodes } from '../../rpc/errors.js';

export function toolResult(structured: Record<string, unknown>): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

export function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** One line: the stable code and the daemon's actionable message (for invalid params it names the fields). */
export function describeFailure(error: unknown): string {
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
