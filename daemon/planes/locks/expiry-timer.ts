// One timer for the earliest lease expiry, re-aimed after every lock event: leases end on time without a periodic scan.
// It is the `lock expiry` service: a failing sweep is logged and retried with backoff, never thrown.
import type { JobGuard } from '../../services/backoff.js';

/** setTimeout cannot wait longer than ~24.8 days; a far expiry is reached in hops. */
const MAX_TIMER_MS = 3_600_000;
export class ExpiryTimer {
  readonly name = 'lock expiry';
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private rescheduleQueued = false;
  private running = false;

  constructor(
    /** The earliest expiry of a live lease (ISO), or null when nothing is held. */
    private readonly nextExpiry: () => string | null,
    /** End what is due now. */
    private readonly sweep: () => void,
    private readonly guard: JobGuard,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  /** Re-aim once the current burst of events has been delivered. */
  queueReschedule(): void {
    if (this.rescheduleQueued) return;
    this.rescheduleQueued = true;
    queueMicrotask(() => {
      this.rescheduleQueued = false;
      this.schedule();
    });
  }

  schedule(): void {
    if (!this.running) return;
    let next: string | null = null;
    if (!this.guard.run(() => (next = this.nextExpiry()))) {
      this.arm(null, this.guard.retryDelayMs());
      return;
    }
    if (next === null) {
      this.clear();
      return;
    }
    const at = Date.parse(next as string);
    if (this.timer && this.timerAt === at) return;
    this.arm(at, Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS));
  }

  private arm(at: number | null, delayMs: number): void {
    this.clear();
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), delayMs);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = null;
    if (!this.running) return;
    if (!this.guard.run(this.sweep)) {
      this.arm(null, this.guard.retryDelayMs());
      return;
    }
    this.schedule();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = null;
  }
}
