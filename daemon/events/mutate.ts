// One mutating call = one transaction that appends its events; the bus hears of them only after commit.
import type { EventRecord } from '../../rpc/contract/index.js';
import type { Store } from '../store/index.js';
import type { EventBus } from './bus.js';

export type Emit = (type: string, subject: string | null, data?: unknown) => EventRecord;
export type Mutate = <T>(fn: (emit: Emit) => T) => T;

export function createMutate(store: Store, bus: EventBus, onCommit: () => void = () => {}): Mutate {
  let pending: EventRecord[] | null = null;
  return <T>(fn: (emit: Emit) => T): T => {
    if (pending) {
      // Nested inside another mutation: its events join the outer transaction and publish with it.
      const outer = pending;
      const mark = outer.length;
      try {
        return store.transaction(() => fn((type, subject, data) => pushed(outer, store.events.append(type, subject, data))));
      } catch (error) {
        outer.length = mark; // the savepoint rolled these back
        throw error;
      }
    }
    const events: EventRecord[] = [];
    pending = events;
    let result: T;
    try {
      result = store.transaction(() => fn((type, subject, data) => pushed(events, store.events.append(type, subject, data))));
    } finally {
      pending = null;
    }
    onCommit();
    bus.publish(events);
    return result;
  };
}

function pushed(list: EventRecord[], event: EventRecord): EventRecord {
  list.push(event);
  return event;
}
