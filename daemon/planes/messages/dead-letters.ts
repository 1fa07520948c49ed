// The dead-letter clock: one timer set for the earliest deadline of a delivery on its last attempt, so message.dead
// is emitted when it happens rather than whenever the recipient next asks. It never polls: it sleeps until a known time.
import type { Ended } from '../../store/messages.js';
import type { Emit } from '../../events/mutate.js';
import type { PlaneDeps } from '../shared/deps.js';
import { JobGuard } from '../../services/backoff.js';
import { outsideCall } from '../../principals/call-scope.js';

/** setTimeout's ceiling (about 24.8 days); a later deadline just re-arms when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class DeadLetterClock {
  readonly name = 'dead letters';
  private timer: NodeJS.Timeout | null = null;
  private armedFor: number | null = null;
  private running = false;
  private readonly guard: JobGuard;

  constructor(
    private readonly deps: PlaneDeps,
    private readonly report: (emit: Emit, ended: readonly Ended[]) => void,
  ) {
    this.guard = new JobGuard(this.name, deps.log);
  }

  start(): void {
    this.running = true;
    this.guard.run(() => this.arm());
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
  }

  /**
   * Make sure the clock rings by a last attempt's deadline: the one given (a receive just delivered a last attempt),
   * or else the earliest stored (at start, and after each ring).
   */
  arm(deadline?: string): void {
    if (!this.running) return;
    const next = deadline ?? this.deps.store.messages.nextFinalDeadline(this.deps.settings.get('message_max_attempts'));
    if (next === null) return;
    const at = Date.parse(next);
    if (this.armedFor !== null && this.armedFor <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => outsideCall(() => this.ring()), Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now() + 1)));
    this.timer.unref();
  }

  private ring(): void {
    this.timer = null;
    this.armedFor = null;
    if (!this.running) return;
    const ok = this.guard.run(() => {
      this.deps.mutate((emit) => {
        const ended = this.deps.store.messages.endExhausted({
          now: Date.now(),
          ackTimeoutMs: this.deps.settings.get('message_ack_timeout_seconds') * 1000,
          maxAttempts: this.deps.settings.get('message_max_attempts'),
        });
        this.report(emit, ended);
      });
      this.arm();
    });
    if (!ok) this.arm(new Date(Date.now() + this.guard.retryDelayMs()).toISOString());
  }
}
