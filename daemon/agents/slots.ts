// The global limit on managed agents running a turn at once: a turn takes a slot before it starts and gives it back after.
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: () => number) {}

  get inUse(): number {
    return this.used;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free; rejects if the signal aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new Error('aborted'));
    if (this.used < this.limit()) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const ready = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(this.take());
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(ready);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(ready);
    });
  }

  private take(): () => void {
    this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= 1;
      this.admit();
    };
  }

  /** Let waiters in while there is room (also after the limit was raised). */
  admit(): void {
    while (this.waiting.length > 0 && this.used < this.limit()) this.waiting.shift()!();
  }
}
