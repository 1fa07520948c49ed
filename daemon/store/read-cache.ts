// Rows that nearly every call reads and few calls change (an agent's session, its memberships), kept in memory.
import type { Db } from './open.js';

/** Enough entries for every live agent of a busy machine; past it the cache starts over. */
const MAX_ENTRIES = 4_096;

/**
 * The repository that owns the rows drops an entry (or all) on each of its writes. Reads made inside a transaction are
 * not kept, so a rollback can never leave a row behind that the database does not hold.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly db: Db) {}

  get(key: string, load: () => T): T {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = load();
    if (!this.db.inTransaction) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, deepFreeze(value));
    }
    return value;
  }

  drop(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** A kept row is shared by every later reader: none may change it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
