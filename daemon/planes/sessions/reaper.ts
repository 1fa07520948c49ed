// The reaper: sessions whose pid died or whose heartbeats stopped are ended, and what they held is released.
// Pids are checked every second whatever the sweep's interval (kill(pid, 0) is cheap), so a dead holder's locks go at once.
import { processAlive } from '../../../rpc/process-alive.js';
import type { PlaneDeps } from '../shared/deps.js';
import { endSession, idleSession } from './handlers.js';
import type { Logger } from '../../log.js';
import type { SessionRow } from '../../store/sessions.js';
import { repeatingJob } from '../../services/backoff.js';

/** Longest a session whose process died keeps what it held. */
export const PID_CHECK_MS = 1000;

/**
 * The `reaper` service: a sweep every reaper_interval_seconds (read fresh), and a check of sessions' pids every second
 * (or at the sweep's pace when that is faster), each backing off while the store fails.
 */
export class Reaper {
  readonly name = 'reaper';
  private readonly sweepJob;
  private readonly pidJob;

  constructor(
    private readonly deps: PlaneDeps,
    private readonly log: Logger,
  ) {
    const sweepMs = () => deps.settings.get('reaper_interval_seconds') * 1000;
    this.sweepJob = repeatingJob(this.name, log, sweepMs, () => void this.sweep());
    this.pidJob = repeatingJob(`${this.name} (pids)`, log, () => Math.min(PID_CHECK_MS, sweepMs()), () => void this.endExited());
  }

  start(): void {
    this.sweepJob.start();
    this.pidJob.start();
  }

  stop(): void {
    this.sweepJob.stop();
    this.pidJob.stop();
  }

  /** End the live sessions whose process exited. Returns how many were ended. */
  endExited(): number {
    let ended = 0;
    for (const session of this.deps.store.sessions.liveWithPid()) {
      if (processAlive(session.pid!)) continue;
      this.end(session, `its process ${session.pid} exited`);
      ended += 1;
    }
    return ended;
  }

  private end(session: SessionRow, reason: string): void {
    this.deps.mutate((emit) => endSession(this.deps, emit, session, 'session.gone', reason));
    this.log.info('session reaped', { session: session.session_id, reason });
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
        this.end(session, reason);
        ended += 1;
      } else if (silentMs > idleMs && session.state === 'active') {
        this.deps.mutate((emit) => idleSession(this.deps, emit, session));
      }
    }
    return ended;
  }
}
