// One redraw signal for everything a cockpit shows, paced: the views hear of the daemon's news at most ten times a
// second however fast it comes, so a burst of events, reads and streamed output is one frame. (Ink's own frame cap lets
// a trailing frame and the next leading one through back to back, and every store a view subscribes to is a commit of
// its own, so telling the views on every change drew more than 30 frames a second under load.)

export const REDRAW_GAP_MS = 100;

export class Redraws {
  private readonly listeners = new Set<() => void>();
  private lastToldAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  /** How many times the views were told: what they compare to know something changed. */
  told = 0;

  constructor(
    private readonly gapMs = REDRAW_GAP_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something changed: tell the views now if the last telling was a gap ago, else once when the gap is over. */
  request(): void {
    if (this.timer) return;
    const wait = this.lastToldAt + this.gapMs - this.now();
    if (wait <= 0) {
      this.tell();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tell();
    }, wait);
    this.timer.unref?.();
  }

  /** Tell them at once: what a person just did, or the last word before stopping. */
  flush(): void {
    this.cancel();
    this.tell();
  }

  /** Nothing more to tell (the cockpit stopped). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private tell(): void {
    this.lastToldAt = this.now();
    this.told += 1;
    for (const listener of [...this.listeners]) listener();
  }
}
