// Long-polls for every plane: check now, and if nothing is there park on the bus until a relevant event commits.
import { BrainsError } from '../../rpc/errors.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import type { EventBus } from './bus.js';

export interface WaitOptions {
  /** Event types after which the check is worth running again. */
  types: readonly string[];
  /** Only events that pass this (e.g. for this project or recipient) trigger a re-check. */
  relevant?: (event: EventRecord) => boolean;
  timeoutMs: number;
  signal: AbortSignal;
  /** When something becomes due without an event (an ack deadline), the ms until then; null when nothing is. */
  nextDueInMs?: () => number | null;
}

export interface WaitOutcome<T> {
  value: T | null;
  waited_ms: number;
  timed_out: boolean;
}

/** Run `check` now; while it returns null, park until a relevant event or a due time, then check again. */
export async function waitUntil<T>(bus: EventBus, opts: WaitOptions, check: () => T | null): Promise<WaitOutcome<T>> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  for (;;) {
    const value = check();
    if (value !== null) return { value, waited_ms: Date.now() - started, timed_out: false };
    const left = deadline - Date.now();
    if (left <= 0) return { value: null, waited_ms: Date.now() - started, timed_out: true };
    const due = opts.nextDueInMs?.() ?? null;
    const park = due === null ? left : Math.max(0, Math.min(left, due + 1));
    try {
      await bus.waitFor(opts.types, opts.relevant ?? (() => true), park, opts.signal);
    } catch (reason) {
      if (reason instanceof BrainsError) throw reason;
      throw new BrainsError('UNAVAILABLE', 'the wait ended because its connection closed');
    }
  }
}
