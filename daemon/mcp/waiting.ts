// Long-waiting tools: which calls park in the daemon, and the progress notifications that keep a client's stream alive while they do.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

/** A call waits when its method can (it has timeout_seconds) and either always does (no wait flag) or was asked to. */
export function isWaitingCall(shape: Record<string, z.ZodType>, args: Record<string, unknown>): boolean {
  if (!('timeout_seconds' in shape)) return false;
  return !('wait' in shape) || args.wait === true;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** While `work` runs, send notifications/progress every intervalMs if the request carried a progressToken. */
export async function withProgress<T>(extra: Partial<Pick<Extra, '_meta' | 'sendNotification'>>, intervalMs: number, what: string, work: Promise<T>): Promise<T> {
  const token = extra._meta?.progressToken;
  const sendNotification = extra.sendNotification;
  if (token === undefined || !sendNotification) return work;
  const started = Date.now();
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    const seconds = Math.round((Date.now() - started) / 1000);
    sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ticks, message: `${what}: still waiting (${seconds}s)` } })
      .catch(() => {});
  }, intervalMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
