// While a quick call is in flight the client keeps its event loop turning instead of sleeping: on a virtual machine,
// waking a process that went to sleep costs the daemon's write, and the answer's arrival, more than the call's own work.
import { availableParallelism } from 'node:os';

/**
 * How long after a quick call's write the loop keeps turning: about what an ordinary call takes here. An answer that
 * takes longer is awaited asleep, where the wake-up is a small part of the wait; polling on would hold a core that
 * the daemon, or an agent it wakes, may need. With one CPU there is no other core to answer on: no polling at all.
 */
export const ANSWER_POLL_MS = availableParallelism() > 1 ? 0.25 : 0;

/**
 * Polls one non-blocking turn of the event loop at a time (so I/O and timers still run) from a quick call's write
 * while awaiting() holds (the client: one quick call, alone, awaits its answer), or until the budget since the latest
 * such write is spent.
 */
export class AnswerPoll {
  private polling = false;
  private since = 0;

  constructor(
    private readonly awaiting: () => boolean,
    private readonly budgetMs = ANSWER_POLL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A quick call was just written. */
  begin(): void {
    if (!(this.budgetMs > 0)) return;
    this.since = this.now();
    if (this.polling) return;
    this.polling = true;
    setImmediate(this.turn);
  }

  get active(): boolean {
    return this.polling;
  }

  private readonly turn = (): void => {
    if (this.awaiting() && this.now() - this.since < this.budgetMs) setImmediate(this.turn);
    else this.polling = false;
  };
}

/** A call that parks in the daemon until something happens (the contract's wait: true) gains nothing from polling. */
export function isQuickCall(params: unknown): boolean {
  return !(typeof params === 'object' && params !== null && (params as { wait?: unknown }).wait === true);
}
