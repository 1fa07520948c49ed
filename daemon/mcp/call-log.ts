// The lines a session's log gets about each of its calls: called (debug), answered (info), refused (warning), failed
// or unreachable (error). A session nobody logs for calls straight through (the stdio hot path pays one check).
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { nameIn } from '../../rpc/contract/face-names.js';
import type { CallOptions, DaemonCall } from './caller.js';
import { describeFailure } from './results.js';
import type { SessionLog } from './session-log.js';

/** Failure codes that say brains itself is in trouble, not the call. */
const SERIOUS = new Set(['UNAVAILABLE', 'INTERNAL', 'RPC_-32603']);

export function loggedCalls(call: DaemonCall, log: SessionLog): DaemonCall {
  return (method, params, opts) => (log.active ? logged(call, log, method, params, opts) : call(method, params, opts));
}

async function logged(call: DaemonCall, log: SessionLog, method: string, params: Record<string, unknown>, opts: CallOptions): Promise<unknown> {
  const tool = nameIn('mcp', method);
  const what = tool === method ? method : `${tool} (${method})`;
  const fields = { method };
  log.write('debug', `${what}: called`, fields, opts.notify);
  try {
    const result = await call(method, params, opts);
    log.write('info', `${what}: answered`, fields, opts.notify);
    return result;
  } catch (error) {
    if (opts.signal?.aborted) {
      log.write('info', `${what}: cancelled`, fields, opts.notify);
      throw error;
    }
    const line = describeFailure(error);
    const code = line.slice(0, Math.max(0, line.indexOf(':')));
    const level: LoggingLevel = SERIOUS.has(code) ? 'error' : 'warning';
    log.write(level, `${what}: ${line}`, { ...fields, code }, opts.notify);
    throw error;
  }
}
