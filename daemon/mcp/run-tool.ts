// One contract tool call: checked arguments to the daemon, its answer back in the tool's shape, a failure as a tool error.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { BrainsError } from '../../rpc/errors.js';
import type { DaemonCall } from './caller.js';
import { toContractArguments } from './compat.js';
import { toolAnswer } from './compat-results.js';
import { toolError, toolErrorOf, toolResult, withToolNameHints } from './results.js';
import { readSourcePath } from './source-path.js';
import type { ToolSpec } from './tools.js';
import { isWaitingCall, withProgress } from './waiting.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a run takes from its request: the SDK's extra, or for a quick wait only the signal its cancellation aborts. */
export type CallExtra = Pick<Extra, 'signal'> & Partial<Pick<Extra, '_meta' | 'sendNotification'>>;

export interface ToolCall {
  spec: ToolSpec;
  /** The arguments as the contract names them (Brainstorm spellings mapped). */
  params: Record<string, unknown>;
  waits: boolean;
  /** Arguments this server handles before the call (source_path), when any were given. */
  local?: Record<string, unknown>;
  /** Why the call is refused before it reaches the daemon. */
  refusal?: string;
}

/** A call of `spec` with arguments its input schema accepted. */
export function toolCall(spec: ToolSpec, args: Record<string, unknown>): ToolCall {
  const { params, local, refusal } = toContractArguments(spec.tool, args, spec.shape);
  const call: ToolCall = { spec, params, waits: isWaitingCall(spec.shape, params) };
  if (local) call.local = local;
  if (refusal) call.refusal = refusal;
  return call;
}

export interface RunnerOptions {
  progressMs: number;
  /** The agent's working directory, where source_path files are read from; undefined where there is none (HTTP). */
  workingDirectory?: string;
}

/** The params with what the local arguments stand for filled in (a source_path file's content). */
async function withLocalArguments(run: ToolCall, workingDirectory: string | undefined): Promise<Record<string, unknown>> {
  const sourcePath = run.local?.source_path;
  if (typeof sourcePath !== 'string') return run.params;
  if (run.params.content !== undefined) throw new BrainsError('INVALID', 'pass content or source_path, not both', { field: 'source_path' });
  const { content, encoding } = await readSourcePath(sourcePath, workingDirectory);
  return { ...run.params, content, encoding };
}

/**
 * Runs tool calls through `call`. A call from the SDK's server brings its request's extra (cancellation, progress);
 * a quick call answered beside it brings none, since a cancelled quick call's answer is dropped, not cut short, and a
 * quick wait brings only the signal that ends it.
 */
export function toolRunner(call: DaemonCall, opts: RunnerOptions): (run: ToolCall, extra?: CallExtra) => Promise<CallToolResult> {
  return async (run, extra) => {
    const { spec, waits } = run;
    if (run.refusal) return toolErrorOf('INVALID', run.refusal);
    try {
      const params = run.local ? await withLocalArguments(run, opts.workingDirectory) : run.params;
      const pending = call(spec.method, params, { signal: extra?.signal, waits, notify: extra?.sendNotification });
      const result = waits && extra ? await withProgress(extra, opts.progressMs, spec.tool, pending) : await pending;
      const answer = toolAnswer(spec.tool, withToolNameHints(result as Record<string, unknown>), params);
      if ('error' in answer) return toolError(answer.error);
      const checked = spec.output.safeParse(answer.result);
      if (!checked.success) throw new BrainsError('UNAVAILABLE', `the daemon answered ${spec.method} with a result this MCP server does not understand; update brains`);
      return toolResult(checked.data as Record<string, unknown>);
    } catch (error) {
      if (extra?.signal.aborted) return toolErrorOf('CANCELLED', 'the call was cancelled');
      return toolError(error);
    }
  };
}
