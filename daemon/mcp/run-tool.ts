// One contract tool call: checked arguments to the daemon, its answer back in the tool's shape, a failure as a tool error.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { BrainsError } from '../../rpc/errors.js';
import type { DaemonCall } from './caller.js';
import { toContractArguments, toolAnswer } from './compat.js';
import { describeFailure, toolError, toolResult, withToolNameHints } from './results.js';
import type { ToolSpec } from './tools.js';
import { isWaitingCall, withProgress } from './waiting.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolCall {
  spec: ToolSpec;
  /** The arguments as the contract names them (Brainstorm spellings mapped). */
  params: Record<string, unknown>;
  waits: boolean;
}

/** A call of `spec` with arguments its input schema accepted. */
export function toolCall(spec: ToolSpec, args: Record<string, unknown>): ToolCall {
  const params = toContractArguments(spec.tool, args);
  return { spec, params, waits: isWaitingCall(spec.shape, params) };
}

/**
 * Runs tool calls through `call`. A call from the SDK's server brings its request's extra (cancellation, progress);
 * a quick call answered beside it brings none, since a cancelled quick call's answer is dropped, not cut short.
 */
export function toolRunner(call: DaemonCall, progressMs: number): (run: ToolCall, extra?: Extra) => Promise<CallToolResult> {
  return async ({ spec, params, waits }, extra) => {
    try {
      const pending = call(spec.method, params, { signal: extra?.signal, waits, notify: extra?.sendNotification });
      const result = waits && extra ? await withProgress(extra, progressMs, spec.tool, pending) : await pending;
      const answer = toolAnswer(spec.tool, withToolNameHints(result as Record<string, unknown>));
      if ('error' in answer) return toolError(answer.error);
      const checked = spec.output.safeParse(answer.result);
      if (!checked.success) throw new BrainsError('UNAVAILABLE', `the daemon answered ${spec.method} with a result this MCP server does not understand; update brains`);
      return toolResult(checked.data as Record<string, unknown>);
    } catch (error) {
      if (extra?.signal.aborted) return toolError('CANCELLED: the call was cancelled');
      return toolError(describeFailure(error));
    }
  };
}
