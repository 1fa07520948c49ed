// How a background job survives its own failures: each is logged with the service's name, and the job retries after a
// delay that doubles up to a ceiling, then returns to normal after one success. It never throws into the event loop.
import type { Logger } from '../log.js';
import { outsideCall } from '../principals/call-scope.js';
import { storeFault } from '../store/faults.js';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
const LOCKED_FIRST_RETRY_MS = 100;
const LOCKED_MAX_RETRY_MS = 1_000;

export class JobGuard {
  private failures = 0;
  private waitingForLock = false;

  constructor(
    readonly service: string,
    private readonly log: Logger,
  ) {}

  /** Run the job (as the daemon's own work, no caller's); true when it succeeded. A failure is logged, not thrown. */
  run(job: () => void): boolean {
    try {
      outsideCall(job);
      if (this.failures > 0) this.log.info('background job recovered', { service: this.service, after_failures: this.failures });
      this.failures = 0;
      return true;
    } catch (error) {
      this.failures += 1;
      // Another process holding the database is an outside wait, not a fault of the job: retried soon, said once.
      this.waitingForLock = storeFault(error)?.cause === 'locked';
      const fields = { service: this.service, error: error instanceof Error ? error.message : String(error), retry_in_ms: this.retryDelayMs(), failures: this.failures };
      if (!this.waitingForLock) this.log.error('background job failed; it will retry', fields);
      else if (this.failures === 1) this.log.warn('background job waits for the database, locked by another process', fields);
      return false;
    }
  }

  /**
   * Delay before the next try after the failures so far: 1 s, 2 s, 4 s ... up to a minute; while the database is locked
   * by another process, 100 ms, 200 ms ... up to a second, so the job catches up soon after the lock is released.
   */
  retryDelayMs(): number {
    if (this.failures === 0) return 0;
    if (this.waitingForLock) return Math.min(LOCKED_MAX_RETRY_MS, LOCKED_FIRST_RETRY_MS * 2 ** (this.failures - 1));
    return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
  }

  get failing(): boolean {
    return this.failures > 0;
  }
}

/** A job that repeats every `intervalMs()` (read fresh each time), backing off while it fails; a service. */
export function repeatingJob(name: string, log: Logger, intervalMs: () => number, job: () => void) {
  const guard = new JobGuard(name, log);
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const schedule = () => {
    if (!running) return;
    timer = setTimeout(tick, guard.failing ? guard.retryDelayMs() : intervalMs());
    timer.unref();
  };
  const tick = () => {
    timer = null;
    guard.run(job);
    schedule();
  };
  return {
    name,
    guard,
    start() {
      running = true;
      schedule();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
