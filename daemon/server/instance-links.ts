// Which agent instances have a connection open: an instance registered by `brains mcp` lives as long as its process
// keeps a connection, and ends shortly after the last one closes (a brief gap, such as a reconnect, does not end it).
export class InstanceLinks {
  private readonly open = new Map<string, number>();
  private readonly ending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    /** Read fresh at each close: a runtime setting. */
    private readonly graceMs: () => number,
    /** The last connection of this instance closed and none came back within the grace. */
    private readonly onAllClosed: (sessionId: string) => void,
  ) {}

  opened(sessionId: string): void {
    this.open.set(sessionId, (this.open.get(sessionId) ?? 0) + 1);
    const timer = this.ending.get(sessionId);
    if (timer) clearTimeout(timer);
    this.ending.delete(sessionId);
  }

  closed(sessionId: string): void {
    const left = (this.open.get(sessionId) ?? 1) - 1;
    if (left > 0) {
      this.open.set(sessionId, left);
      return;
    }
    this.open.delete(sessionId);
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.ending.delete(sessionId);
      if (!this.open.has(sessionId)) this.onAllClosed(sessionId);
    }, this.graceMs());
    timer.unref();
    this.ending.set(sessionId, timer);
  }

  isConnected(sessionId: string): boolean {
    return this.open.has(sessionId);
  }

  /** At shutdown: connections close because the daemon stops, which must not end the instances. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.ending.values()) clearTimeout(timer);
    this.ending.clear();
  }
}
