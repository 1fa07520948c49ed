// The call being served right now: its method and principal, and whether its audit row is written yet. Carried across awaits
// (AsyncLocalStorage), so a transaction knows which call it belongs to without every plane passing it along.
import { AsyncLocalStorage } from 'node:async_hooks';
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

const storage = new AsyncLocalStorage<CallScope>();

/** The call this code runs for, if it still runs for one. */
export function currentCall(): CallScope | undefined {
  const scope = storage.getStore();
  return scope && !scope.finished ? scope : undefined;
}

export function runInCall<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Background work started from inside a call (expiry sweeps, hand-overs to waiters) is the daemon's, not the caller's. */
export function outsideCall<T>(fn: () => T): T {
  return storage.exit(fn);
}
