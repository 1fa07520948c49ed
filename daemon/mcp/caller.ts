// What the MCP server needs from whoever carries its calls to the daemon: the stdio proxy forwards over the socket, the daemon calls in-process.
import type { Notify } from './session-log.js';

export interface CallOptions {
  /** Aborted when the MCP client cancels the request (or its session goes away); absent for a quick call, whose answer a cancel drops. */
  signal?: AbortSignal;
  /** True for a call that parks in the daemon (wait: true, approval.wait): run it where an abort can release it. */
  waits: boolean;
  /** Optional progress from the carrier itself; the server already sends its own while a call waits. */
  onProgress?: (message: string) => void;
  /** Sends a notification about this call to the client (the request's own `sendNotification`): the session's log lines go through it. */
  notify?: Notify;
}

/** Call one contract method; resolves with its result, rejects with the daemon's error (RpcCallError) or an unreachable daemon. */
export type DaemonCall = (method: string, params: Record<string, unknown>, opts: CallOptions) => Promise<unknown>;
