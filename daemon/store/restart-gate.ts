// Shared between the daemon's thread and its checkpoint thread: while the checkpoint thread holds the writers back to
// start the log over (a few milliseconds), a commit that finds the database busy waits for it instead of failing as it
// does when another process holds the database.
const CLOSED = 0;
const RESTARTS = 1;

export class RestartGate {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(buffer);
  }

  /** Checkpoint thread: about to take the write lock. */
  closing(): void {
    Atomics.store(this.cells, CLOSED, 1);
  }

  /** Checkpoint thread: the write lock is free again. */
  opened(): void {
    Atomics.add(this.cells, RESTARTS, 1);
    Atomics.store(this.cells, CLOSED, 0);
    Atomics.notify(this.cells, CLOSED);
  }

  /** How many times the gate has opened: read before a try, so a busy try can tell whether a restart overlapped it. */
  generation(): number {
    return Atomics.load(this.cells, RESTARTS);
  }

  /**
   * After a try found the database busy: true when the checkpoint thread held it (now or during the try), once it is
   * free again or `maxMs` passed; false when the writer was someone else, another process.
   */
  waitedFor(generationBefore: number, maxMs: number): boolean {
    const deadline = performance.now() + maxMs;
    let waited = false;
    while (Atomics.load(this.cells, CLOSED) === 1) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.cells, CLOSED, 1, left);
      waited = true;
    }
    return waited || this.generation() !== generationBefore;
  }
}
