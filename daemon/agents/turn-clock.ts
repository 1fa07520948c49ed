// A turn's timeout clock: it runs while the agent works and stands still while a permission request waits for a person.
export class TurnClock {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private paused = 0;
  private done = false;

  constructor(
    private remainingMs: number,
    private readonly onTimeout: () => void,
  ) {
    this.run();
  }

  /** Stop the clock while something waits on a person; pauses nest. */
  pause(): void {
    this.paused += 1;
    if (this.paused > 1 || this.done || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.remainingMs -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.paused === 0) return;
    this.paused -= 1;
    if (this.paused === 0 && !this.done) this.run();
  }

  clear(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onTimeout();
    }, Math.max(0, this.remainingMs));
  }
}
