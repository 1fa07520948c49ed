// Keeps the write-ahead log short without making calls wait: while writes come in, a thread of its own folds the log back
// (SQLite's own way folds it inside whichever commit crosses the limit, holding that call and every other one ~20 ms);
// once the daemon has been idle for a while, it folds and truncates the log itself.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { AUTO_CHECKPOINT_PAGES } from '../store/open.js';
import type { Store } from '../store/index.js';
import type { FoldAnswer } from '../store/checkpoint-worker.js';
import { RestartGate } from '../store/restart-gate.js';
import { JobGuard } from './backoff.js';
import type { Service } from './registry.js';

/** How long after a commit the log is folded: the writes of this window are folded together. */
const FOLD_AFTER_MS = 250;
/** Fewer commits than this since the last fold are left to the idle truncate: a few writes never start the thread. */
const FOLD_AFTER_COMMITS = 64;

/** A fold still unanswered after this is a hung thread: it is ended, and the commits fold the log themselves. */
const FOLD_TIMEOUT_MS = 60_000;

/** Starts the checkpoint thread for a database file (tests give one that fails). */
export type CheckpointThreadFactory = (dbPath: string, gate: SharedArrayBuffer) => Worker;

const checkpointThread: CheckpointThreadFactory = (dbPath, gate) => new Worker(new URL('../store/checkpoint-worker.js', import.meta.url), { workerData: { path: dbPath, gate } });

export class WalCheckpoints implements Service {
  readonly name = 'checkpoint';
  private worker: Worker | null = null;
  /** Set while the thread cannot be used: commits then fold the log themselves until the next idle truncate. */
  private threadFailed = false;
  private toldThreadFailed = false;
  private folding = false;
  private foldTimer: NodeJS.Timeout | null = null;
  private hungTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private commitsSinceFold = 0;
  private readonly gate = new RestartGate();
  /** Folds the thread has finished, for system.info and the tests. */
  folds = 0;
  /** Folds that left the log to start over from its beginning. */
  restarts = 0;
  private readonly idleGuard: JobGuard;
  private readonly foldGuard: JobGuard;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly idleMs: number,
    private readonly spawnThread: CheckpointThreadFactory = checkpointThread,
  ) {
    this.idleGuard = new JobGuard('checkpoint', log);
    this.foldGuard = new JobGuard('checkpoint thread', log);
  }

  start(): void {
    this.store.autoCheckpoint(0);
    this.store.waitForOwnCheckpoints(this.gate);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.foldTimer, this.idleTimer, this.hungTimer]) if (timer) clearTimeout(timer);
    this.foldTimer = this.idleTimer = this.hungTimer = null;
    await this.endThread();
  }

  /** After each commit: fold soon on the thread, and truncate once the daemon has gone idle. */
  afterCommit(): void {
    if (this.stopped) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.truncateWhenIdle(), this.idleMs);
      this.idleTimer.unref();
    }
    this.commitsSinceFold += 1;
    if (!this.foldTimer && !this.threadFailed && this.commitsSinceFold >= FOLD_AFTER_COMMITS) {
      this.foldTimer = setTimeout(() => {
        this.foldTimer = null;
        this.fold();
      }, Math.max(FOLD_AFTER_MS, this.foldGuard.retryDelayMs()));
      this.foldTimer.unref();
    }
  }

  private fold(): void {
    if (this.stopped || this.folding) return;
    const worker = this.thread();
    if (!worker) return;
    this.folding = true;
    this.commitsSinceFold = 0;
    worker.postMessage('fold');
    this.hungTimer = setTimeout(() => {
      this.hungTimer = null;
      void this.endThread();
      this.threadLost(new Error(`a checkpoint did not finish in ${FOLD_TIMEOUT_MS / 1000} s`));
    }, FOLD_TIMEOUT_MS);
    this.hungTimer.unref();
  }

  private thread(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const worker = this.spawnThread(this.store.path, this.gate.buffer);
      worker.unref();
      worker.on('message', (answer: FoldAnswer) => this.folded(answer));
      worker.on('error', (error) => this.threadLost(error));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.threadLost(new Error(`the checkpoint thread exited with ${code}`));
      });
      this.worker = worker;
      return worker;
    } catch (error) {
      this.threadLost(error);
      return null;
    }
  }

  private folded(answer: FoldAnswer): void {
    this.folding = false;
    if (this.hungTimer) clearTimeout(this.hungTimer);
    this.hungTimer = null;
    const done = this.foldGuard.run(() => {
      if (!answer.ok) throw Object.assign(new Error(answer.error ?? 'the checkpoint failed'), { code: answer.code });
    });
    if (done) this.folds += 1;
    if (done && answer.restarted) this.restarts += 1;
  }

  /** Without the thread, commits fold the log themselves as SQLite does by default: slower calls, never a growing log. */
  private threadLost(error: unknown): void {
    if (this.stopped) return;
    this.worker = null;
    this.folding = false;
    if (!this.toldThreadFailed) {
      this.toldThreadFailed = true;
      this.log.warn('the checkpoint thread stopped; commits fold the write-ahead log themselves until the daemon is idle', { error: error instanceof Error ? error.message : String(error) });
    }
    this.threadFailed = true;
    this.store.autoCheckpoint(AUTO_CHECKPOINT_PAGES);
  }

  private truncateWhenIdle(): void {
    this.idleTimer = null;
    if (this.stopped) return;
    if (this.folding) {
      this.afterCommit();
      return;
    }
    // Idle: the thread's memory goes back, and it is tried again (a failed one too) when writes come back.
    void this.endThread();
    this.commitsSinceFold = 0;
    if (this.threadFailed) {
      this.threadFailed = false;
      this.store.autoCheckpoint(0);
    }
    this.idleGuard.run(() => this.store.checkpoint());
  }

  private async endThread(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.folding = false;
    if (this.hungTimer) clearTimeout(this.hungTimer);
    this.hungTimer = null;
    if (worker) await worker.terminate();
  }
}
