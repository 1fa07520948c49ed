// The call being served right now: its method and principal, and whether its audit row is written yet, so a transaction
// knows which call it belongs to without every plane passing it along. It is set for the synchronous part of a handler;
// a handler that changes state after an await continues its call with ctx.within, and background work runs
// outsideCall. (AsyncLocalStorage would carry it across awaits by itself, at ~7% of message throughput.)
import type { Principal } from './principal.js';

export interface CallScope {
  method: string;
  mutates: boolean;
  /** Event types (or `prefix.*` patterns) the method declares it may emit. */
  emits: readonly string[];
  principal: Principal;
  /** The params as the caller sent them: the audit row keeps their digest. */
  rawParams: unknown;
  /** `project/agent` the call acts as once authorized, for the audit row. */
  actingAs: string | null;
  /** The session the call acted for (the instance's own, or one its params named). */
  sessionId: string | null;
  subject: string | null;
  /** True once one of its transactions carried its audit row (reset if that transaction rolls back). */
  audited: boolean;
  /** Set when the call has answered: work it left behind (timers, grants) is no longer its own. */
  finished: boolean;
}

/** Work that is explicitly nobody's call (timers, sweeps, the daemon's own events). */
const BACKGROUND = Symbol('background');
let current: CallScope | typeof BACKGROUND | undefined;

/** The call this code runs for, if it still runs for one. */
export function currentCall(): CallScope | undefined {
  return current === undefined || current === BACKGROUND || current.finished ? undefined : current;
}

/** True when code runs neither for a call nor as declared background work: a handler that lost its call after an await. */
export function callUnknown(): boolean {
  return current === undefined;
}

/** Run fn (its synchronous part) as this call's. */
export function runInCall<T>(scope: CallScope, fn: () => T): T {
  const previous = current;
  current = scope;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Background work started from inside a call (expiry sweeps, hand-overs to waiters) is the daemon's, not the caller's. */
export function outsideCall<T>(fn: () => T): T {
  const previous = current;
  current = BACKGROUND;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
