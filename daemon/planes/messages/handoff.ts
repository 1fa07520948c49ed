// A send hands a parked receive what it brings inside the send's own transaction: one commit instead of a commit for
// the send and another for the woken receive's take, and the receiver answers as soon as the send has committed.
import type { Emit, Mutate } from '../../events/mutate.js';
import type { ReceivePage } from '../../store/messages.js';

/** One message.receive with wait: true, registered while it waits. */
export interface ParkedReceive<T> {
  project_id: string;
  agent_name: string;
  /** What it asked for: at most this many messages, from this page. */
  limit: number;
  page: ReceivePage;
  /** Ends the wait (the caller went away): nothing is handed to it then. */
  signal: AbortSignal;
  /** Runs fn as the receive's own call, so the take's audit row is the receive's. */
  within<R>(fn: () => R): R;
  /** What a committed send handed it; the receive answers with this. */
  handed: T | null;
  /** Set while the receive takes for itself: a send must not take for it at the same time. */
  taking: boolean;
  /** The transaction (try) that already took for it: one take per transaction. */
  claimedIn: object | null;
}

export class ParkedReceives<T> {
  private readonly byAgent = new Map<string, Array<ParkedReceive<T>>>();

  park(entry: Omit<ParkedReceive<T>, 'handed' | 'taking' | 'claimedIn'>): ParkedReceive<T> {
    const parked: ParkedReceive<T> = { ...entry, handed: null, taking: false, claimedIn: null };
    const key = keyOf(entry.project_id, entry.agent_name);
    const list = this.byAgent.get(key);
    if (list) list.push(parked);
    else this.byAgent.set(key, [parked]);
    return parked;
  }

  unpark(entry: ParkedReceive<T>): void {
    const key = keyOf(entry.project_id, entry.agent_name);
    const list = this.byAgent.get(key);
    if (!list) return;
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byAgent.delete(key);
  }

  /**
   * Inside a send's transaction, once its message is stored: just before the transaction commits (so with everything
   * the transaction sent), the longest-waiting receive of each recipient takes what is due for it, in a savepoint and as
   * its own call. It gets the result once the transaction commits. If the send's part rolls back, no take is made for
   * it; a take that fails is rolled back alone (the send never fails because of a receiver), and that receive waits on:
   * the send's event wakes it as before.
   */
  handOff(mutate: Mutate, projectId: string, recipients: readonly string[], take: (emit: Emit, entry: ParkedReceive<T>) => T | null): void {
    const waiting = recipients.filter((recipient) => this.byAgent.has(keyOf(projectId, recipient)));
    if (waiting.length > 0) mutate.beforeCommit(() => this.takeFor(mutate, projectId, waiting, take));
  }

  private takeFor(mutate: Mutate, projectId: string, recipients: readonly string[], take: (emit: Emit, entry: ParkedReceive<T>) => T | null): void {
    const transaction = mutate.openTransaction;
    for (const recipient of recipients) {
      const entry = this.byAgent.get(keyOf(projectId, recipient))?.find((e) => e.handed === null && !e.taking && e.claimedIn !== transaction && !e.signal.aborted);
      if (!entry) continue;
      entry.claimedIn = transaction;
      let taken: T | null;
      try {
        taken = entry.within(() => mutate((emit) => take(emit, entry)));
      } catch {
        continue;
      }
      if (taken !== null) mutate.afterCommit(() => (entry.handed = taken));
    }
  }
}

function keyOf(projectId: string, agentName: string): string {
  return `${projectId}\u0000${agentName}`;
}
