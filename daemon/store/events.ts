// The event log's SQL: append, read after a seq, head and oldest, and retention pruning.
import type { Db } from './open.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { splitPatterns } from '../../rpc/event-types.js';
import { encodeBoundedJson } from './json-limits.js';

export const MAX_EVENT_DATA_BYTES = 64 * 1024;
const PRUNED_THROUGH_KEY = 'events.pruned_through';

interface EventRow {
  seq: number;
  time: string;
  type: string;
  subject: string | null;
  data: string;
}

function toRecord(row: EventRow): EventRecord {
  return { seq: row.seq, time: row.time, type: row.type, subject: row.subject, data: JSON.parse(row.data) as unknown };
}

export class EventLog {
  private readonly insert;
  private readonly headStmt;
  private readonly oldestStmt;
  private readonly countStmt;
  private readonly metaGet;
  private readonly metaSet;
  private readonly filteredReads = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO events (time, type, subject, data) VALUES (?, ?, ?, ?)');
    this.headStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck();
    this.oldestStmt = db.prepare('SELECT min(seq) FROM events').pluck();
    this.countStmt = db.prepare('SELECT count(*) FROM events').pluck();
    this.metaGet = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.metaSet = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  /** Append inside the caller's transaction; throws LIMIT_EXCEEDED for oversized or over-deep data. */
  append(type: string, subject: string | null, data: unknown): EventRecord {
    const encoded = encodeBoundedJson(data ?? null, `event data for ${type}`, MAX_EVENT_DATA_BYTES);
    const time = new Date().toISOString();
    const seq = Number(this.insert.run(time, type, subject, encoded).lastInsertRowid);
    return { seq, time, type, subject, data: data ?? null };
  }

  /** Kept events with seq > after, oldest first, optionally filtered by type patterns. */
  after(after: number, types: readonly string[] | undefined, limit: number): EventRecord[] {
    const rows = this.readStatement(types).all([after, ...filterArgs(types), limit]) as EventRow[];
    return rows.map(toRecord);
  }

  head(): number {
    return (this.headStmt.get() as number | undefined) ?? 0;
  }

  oldest(): number {
    return (this.oldestStmt.get() as number | null) ?? 0;
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  /** Highest seq removed by retention; a reader whose cursor is below it has missed events. */
  prunedThrough(): number {
    return Number((this.metaGet.get(PRUNED_THROUGH_KEY) as string | undefined) ?? 0);
  }

  /** Delete events older than the cutoff time and beyond the newest maxKept; returns how many went. */
  prune(olderThan: string | null, maxKept: number | null): number {
    let cutoff = 0;
    if (olderThan !== null) cutoff = Math.max(cutoff, this.lastSeqBefore(olderThan));
    if (maxKept !== null) cutoff = Math.max(cutoff, this.head() - maxKept);
    if (cutoff <= this.prunedThrough()) return 0;
    const removed = this.db.prepare('DELETE FROM events WHERE seq <= ?').run(cutoff).changes;
    this.metaSet.run(PRUNED_THROUGH_KEY, String(cutoff));
    return removed;
  }

  /**
   * The newest seq whose time is before the cutoff, by binary search over seq: events are appended in commit order,
   * so their times rise with seq, and no index on time is needed (it would cost a write per event).
   */
  private lastSeqBefore(time: string): number {
    const timeAt = this.db.prepare('SELECT seq, time FROM events WHERE seq >= ? ORDER BY seq LIMIT 1');
    let lo = this.oldest();
    let hi = this.head();
    if (lo === 0) return 0;
    let found = 0;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = timeAt.get(mid) as { seq: number; time: string } | undefined;
      if (!row) {
        hi = mid - 1;
      } else if (row.time < time) {
        found = row.seq;
        lo = row.seq + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private readStatement(types: readonly string[] | undefined) {
    const split = splitPatterns(types);
    const key = split ? `${split.exact.length}:${split.prefixes.length}` : '*';
    let stmt = this.filteredReads.get(key);
    if (!stmt) {
      const clauses: string[] = [];
      if (split) {
        if (split.exact.length > 0) clauses.push(`type IN (${split.exact.map(() => '?').join(', ')})`);
        for (let i = 0; i < split.prefixes.length; i += 1) clauses.push('substr(type, 1, length(?)) = ?');
      }
      const where = clauses.length > 0 ? ` AND (${clauses.join(' OR ')})` : '';
      stmt = this.db.prepare(`SELECT seq, time, type, subject, data FROM events WHERE seq > ?${where} ORDER BY seq LIMIT ?`);
      this.filteredReads.set(key, stmt);
    }
    return stmt;
  }
}

function filterArgs(types: readonly string[] | undefined): string[] {
  const split = splitPatterns(types);
  if (!split) return [];
  return [...split.exact, ...split.prefixes.flatMap((prefix) => [prefix, prefix])];
}
