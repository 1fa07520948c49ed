// Presence from activity: a call from an agent instance shows it is alive, written at most every few seconds per session,
// with one session.active event when it comes back from idle.
import type { PlaneDeps } from '../shared/deps.js';
import { outsideCall } from '../../principals/call-scope.js';
import { touchSession } from './handlers.js';

/** How long a session's last_seen may lag behind its calls: bounds the writes an active agent causes. */
const TOUCH_EVERY_MS = 5_000;
const lastTouched = new Map<string, number>();

export function markActive(deps: PlaneDeps, sessionId: string): void {
  const now = Date.now();
  const last = lastTouched.get(sessionId) ?? 0;
  const session = deps.store.sessions.get(sessionId);
  if (!session || session.state === 'gone') {
    lastTouched.delete(sessionId);
    return;
  }
  if (session.state !== 'idle' && now - last < TOUCH_EVERY_MS) return;
  lastTouched.set(sessionId, now);
  if (lastTouched.size > 10_000) lastTouched.clear();
  try {
    outsideCall(() => deps.mutate((emit) => touchSession(deps, emit, session, new Date(now).toISOString())));
  } catch (error) {
    // Presence is a side effect of the call: a store that cannot be written now fails the call itself, not this.
    deps.log.debug('presence not recorded', { session: sessionId, error: error instanceof Error ? error.message : String(error) });
    lastTouched.delete(sessionId);
  }
}
