// Group commit: calls that arrive together (pipelined, or from several connections in one turn of the event loop) share
// one transaction, and so one commit, instead of paying a commit each. Every caller is answered only after the shared
// commit, so nothing is acknowledged that is not durable, and each call stays all-or-nothing:
// - first the whole group runs straight through in one transaction (the common case: every call succeeds);
// - if any call throws, that transaction is rolled back (nothing of it stored or published) and the group runs again
//   with each call in its own savepoint, so the failing one is rolled back alone and the others commit.
import type { Emit, Mutate } from '../../events/mutate.js';
import { currentCall, outsideCall, runInCall, type CallScope } from '../../principals/call-scope.js';

/** Bounds how long one shared transaction holds the event loop. */
const MAX_CALLS_PER_COMMIT = 256;

interface Queued {
  work: (emit: Emit) => unknown;
  /** The call it runs for: its audit row goes into the shared transaction with its change. */
  scope: CallScope | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

class SomeCallFailed extends Error {}

/**
 * When the shared transaction runs. `turn` (setImmediate): after every frame read in this turn of the event loop has
 * reached its handler, from every connection. `microtask`: as soon as the code that woke callers has finished, which
 * is how receivers woken by one commit take together before anything else (an audit flush, the next read) runs.
 */
export type Gathering = 'turn' | 'microtask';

export class GroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly schedule: (fn: () => void) => void;

  constructor(
    private readonly mutate: Mutate,
    gathering: Gathering,
  ) {
    this.schedule = gathering === 'turn' ? (fn) => void setImmediate(fn) : queueMicrotask;
  }

  /** Run `work` as a mutation in the next shared transaction; resolves with its result once that has committed. */
  run<T>(work: (emit: Emit) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, scope: currentCall(), resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_CALLS_PER_COMMIT);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) this.schedule(() => this.flush());
    let outcomes: Outcome[];
    try {
      // The flush runs in whichever call scheduled it: the shared transaction itself belongs to no call, each item to its own.
      outcomes = outsideCall(() => (batch.length === 1 ? [attempt(this.mutate, batch[0]!)] : this.runTogether(batch)));
    } catch (error) {
      // The shared commit itself failed: nothing of the group was stored.
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.error)));
  }

  private runTogether(batch: Queued[]): Outcome[] {
    try {
      return this.mutate(() =>
        batch.map((item): Outcome => {
          try {
            return { ok: true, value: inScope(item, () => this.mutate.step(item.work)) };
          } catch {
            throw new SomeCallFailed();
          }
        }),
      );
    } catch (error) {
      if (!(error instanceof SomeCallFailed)) throw error;
    }
    return this.mutate(() => batch.map((item) => attempt(this.mutate, item)));
  }
}

/** One call in its own mutation: a savepoint when inside the shared transaction. */
function attempt(mutate: Mutate, item: Queued): Outcome {
  try {
    return { ok: true, value: inScope(item, () => mutate(item.work)) };
  } catch (error) {
    return { ok: false, error };
  }
}

function inScope<T>(item: Queued, fn: () => T): T {
  return item.scope ? runInCall(item.scope, fn) : fn();
}
