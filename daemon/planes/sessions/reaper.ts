// The reaper: sessions whose pid died or whose heartbeats stopped are ended, and what they held is released.
import { processAlive } from '../../../rpc/process-alive.js';
import type { PlaneDeps } from '../shared/deps.js';
import { endSession, idleSession } from './handlers.js';
import type { Logger } from '../../log.js';
import { repeatingJob } from '../../services/backoff.js';

/** The `reaper` service: a sweep every reaper_interval_seconds (read fresh), backing off while the store fails. */
export class Reaper {
  readonly name = 'reaper';
  private readonly job;

  constructor(
    private readonly deps: PlaneDeps,
    private readonly log: Logger,
  ) {
    this.job = repeatingJob(this.name, log, () => deps.settings.get('reaper_interval_seconds') * 1000, () => void this.sweep());
  }

  start(): void {
    this.job.start();
  }

  stop(): void {
    this.job.stop();
  }

  /** One pass: end dead or silent sessions, mark quiet ones idle. Returns how many were ended. */
  sweep(): number {
    const { store, settings } = this.deps;
    const now = Date.now();
    const idleMs = settings.get('session_idle_seconds') * 1000;
    const timeoutMs = settings.get('session_timeout_seconds') * 1000;
    let ended = 0;
    for (const session of store.sessions.live()) {
      const silentMs = now - Date.parse(session.last_seen);
      // A live pid is the stronger signal: an interactive agent may sit at its prompt for hours without a
      // heartbeat and must keep its locks. Sessions without a pid depend on heartbeats alone.
      const reason =
        session.pid !== null
          ? processAlive(session.pid)
            ? null
            : `its process ${session.pid} exited`
          : silentMs > timeoutMs
            ? `no heartbeat for ${Math.round(silentMs / 1000)}s`
            : null;
      if (reason) {
        this.deps.mutate((emit) => endSession(this.deps, emit, session, 'session.gone', reason));
        this.log.info('session reaped', { session: session.session_id, reason });
        ended += 1;
      } else if (silentMs > idleMs && session.state === 'active') {
        this.deps.mutate((emit) => idleSession(this.deps, emit, session));
      }
    }
    return ended;
  }
}
