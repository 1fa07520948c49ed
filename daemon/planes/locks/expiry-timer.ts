// One timer for the earliest lease expiry, re-aimed after every lock event: leases end on time without a periodic scan.

/** setTimeout cannot wait longer than ~24.8 days; a far expiry is reached in hops. */
const MAX_TIMER_MS = 3_600_000;
/** After a failed sweep (the store closing), try again this much later rather than at once. */
const TIMER_RETRY_MS = 1_000;

export class ExpiryTimer {
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private rescheduleQueued = false;

  constructor(
    /** The earliest expiry of a live lease (ISO), or null when nothing is held. */
    private readonly nextExpiry: () => string | null,
    /** End what is due now. */
    private readonly sweep: () => void,
  ) {
    this.schedule();
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
    let next: string | null;
    try {
      next = this.nextExpiry();
    } catch {
      return; // the store is closed
    }
    if (next === null) {
      this.clear();
      return;
    }
    const at = Date.parse(next);
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
    try {
      this.sweep();
    } catch {
      this.arm(null, TIMER_RETRY_MS);
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
