// Everything the benchmark starts registers its undo here, so it is stopped and removed on success, on error, and on Ctrl-C.

type Step = () => unknown;

export class Cleanup {
  private readonly steps: Step[] = [];
  private running: Promise<void> | null = null;

  add(step: Step): void {
    this.steps.push(step);
  }

  /** Undo in reverse order; a failing step is reported and the rest still run. Safe to call twice. */
  runAll(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  /** Ctrl-C or a kill of the benchmark itself still stops the daemon and removes the temp dir. */
  onInterrupt(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`bench: ${signal}, cleaning up\n`);
        void this.runAll().finally(() => process.exit(130));
      });
    }
  }

  private async runSteps(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (error) {
        process.stderr.write(`bench: cleanup step failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
