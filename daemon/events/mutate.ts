// One mutating call = one transaction that appends its events; the bus hears of them only after commit.
import type { EventRecord } from '../../rpc/contract/index.js';
import { eventDef, type EventData, type EventType } from '../../rpc/contract/catalogue.js';
import type { EventDef } from '../../rpc/contract/define.js';
import type { Store } from '../store/index.js';
import type { EventBus } from './bus.js';
import { matchesTypes } from '../../rpc/event-types.js';
import { callUnknown, currentCall, type CallScope } from '../principals/call-scope.js';

export type Emit = <T extends EventType>(type: T, subject: string | null, data: EventData<T>) => EventRecord;
export interface Mutate {
  <T>(fn: (emit: Emit) => T): T;
  /**
   * Inside an open mutation only: run one call's part of it (its audit row included) with no savepoint of its own. If it
   * throws, the caller must roll the whole transaction back (the group commit does, then retries each call alone).
   */
  step<T>(fn: (emit: Emit) => T): T;
  /**
   * Inside an open mutation only: run fn once the outermost transaction has committed, before its events are published.
   * Dropped if the part that queued it rolls back (its savepoint, or the whole transaction).
   */
  afterCommit(fn: () => void): void;
  /**
   * Inside an open mutation only: run fn inside the outermost transaction once all of its work has run, just before it
   * commits (work that gathers what the whole transaction did). Dropped if the part that queued it rolls back; fn must
   * not throw (whatever it does that may fail goes in a savepoint of its own).
   */
  beforeCommit(fn: () => void): void;
  /** The open outermost transaction, a new object for each try of one; null outside any. */
  readonly openTransaction: object | null;
}

export interface MutateOptions {
  /** After each commit (the WAL checkpoint timer). */
  onCommit?: () => void;
  /** Check each event's data against its declared schema (on in tests: a mismatch is a bug). */
  checkEvents?: boolean;
  /** How to look a type up; the catalogue unless a test brings its own. */
  lookup?: (type: string) => EventDef | null;
  /** Writes a call's audit row inside the transaction that stores its change; told when a transaction rolled back. */
  audit?: { appendInTransaction(scope: CallScope, outcome: string): void; rolledBack(): void };
}

export class UndeclaredEventError extends Error {
  override name = 'UndeclaredEventError';
}

export function createMutate(store: Store, bus: EventBus, opts: MutateOptions = {}): Mutate {
  const lookup = opts.lookup ?? eventDef;
  let pending: EventRecord[] | null = null;
  /** Calls whose audit row went into the open transaction: if it rolls back, they have none yet. */
  let auditedHere: CallScope[] = [];
  let commitHooks: Array<() => void> = [];
  let finishing: Array<() => void> = [];
  let open: object | null = null;

  /** Run the work; if it changed anything for a call that has no audit row yet, the row goes into this same transaction. */
  const audited = <T>(work: () => T): T => {
    const scope = currentCall();
    if (!opts.audit || !scope || !scope.mutates || scope.audited) return work();
    const before = store.totalChanges();
    const result = work();
    if (!scope.audited && store.totalChanges() !== before) {
      opts.audit.appendInTransaction(scope, 'ok');
      scope.audited = true;
      auditedHere.push(scope);
    }
    return result;
  };

  const record = (list: EventRecord[], type: string, subject: string | null, data: unknown): EventRecord => {
    const def = lookup(type);
    if (!def) throw new UndeclaredEventError(`event type ${type} is not declared in rpc/contract/catalogue.ts`);
    if (opts.checkEvents) {
      const call = currentCall();
      if (call && !matchesTypes(type, call.emits)) throw new UndeclaredEventError(`${call.method} emitted ${type}, which its contract entry does not list in emits`);
      const checked = def.data.safeParse(data);
      if (!checked.success) throw new UndeclaredEventError(`data of ${type} does not match its declared schema: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const event: EventRecord =
      def.delivery === 'live'
        ? { seq: store.events.head(), time: new Date().toISOString(), type, subject, data: data ?? null, live: true }
        : store.events.append(type, subject, data);
    list.push(event);
    return event;
  };

  const mutate = (<T>(fn: (emit: Emit) => T): T => {
    if (opts.checkEvents && callUnknown()) {
      throw new UndeclaredEventError('a change outside any call: continue a call after an await with ctx.within, or mark background work with outsideCall');
    }
    if (pending) {
      // Nested inside another mutation: its events join the outer transaction and publish with it.
      const outer = pending;
      const mark = outer.length;
      const auditMark = auditedHere.length;
      const hookMark = commitHooks.length;
      const finishMark = finishing.length;
      try {
        return store.transaction(() => audited(() => fn((type, subject, data) => record(outer, type, subject, data))));
      } catch (error) {
        outer.length = mark; // the savepoint rolled these back
        commitHooks.length = hookMark;
        finishing.length = finishMark;
        for (const scope of auditedHere.splice(auditMark)) scope.audited = false;
        opts.audit?.rolledBack();
        throw error;
      }
    }
    const events: EventRecord[] = [];
    pending = events;
    auditedHere = [];
    const hooks: Array<() => void> = [];
    commitHooks = hooks;
    finishing = [];
    open = {};
    let result: T;
    try {
      result = store.transaction(() => {
        const value = audited(() => fn((type, subject, data) => record(events, type, subject, data)));
        for (let i = 0; i < finishing.length; i += 1) finishing[i]!();
        return value;
      });
    } catch (error) {
      for (const scope of auditedHere) scope.audited = false;
      opts.audit?.rolledBack();
      throw error;
    } finally {
      pending = null;
      auditedHere = [];
      commitHooks = [];
      finishing = [];
      open = null;
    }
    opts.onCommit?.();
    for (const hook of hooks) hook();
    bus.publish(events);
    return result;
  }) as Mutate;

  mutate.step = <T>(fn: (emit: Emit) => T): T => {
    const list = pending;
    if (!list) throw new Error('mutate.step runs only inside a mutation');
    return audited(() => fn((type, subject, data) => record(list, type, subject, data)));
  };
  mutate.afterCommit = (fn: () => void): void => {
    if (!pending) throw new Error('mutate.afterCommit runs only inside a mutation');
    commitHooks.push(fn);
  };
  mutate.beforeCommit = (fn: () => void): void => {
    if (!pending) throw new Error('mutate.beforeCommit runs only inside a mutation');
    finishing.push(fn);
  };
  Object.defineProperty(mutate, 'openTransaction', { get: () => open });
  return mutate;
}
