// The audit trail's SQL: append rows, page through them with filters, and walk them in order for verification.
import type { Db } from './open.js';

export interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  session_id: string | null;
  method: string;
  subject: string | null;
  params_digest: string;
  outcome: string;
  /** The agent the call acted as (`project/agent`), when it acted as one; null on rows written before principals. */
  acting_as: string | null;
  /** How the row is hashed (1: before principals; 2: with acting_as). */
  v: number;
  prev_hash: string;
  hash: string;
}

export type NewAuditRow = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash' | 'v'> & { v?: number };

export interface AuditFilter {
  actor?: string | undefined;
  acting_as?: string | undefined;
  method?: string | undefined;
  subject?: string | undefined;
  after_seq: number;
  limit: number;
}

export class AuditRepo {
  private readonly insert;
  private readonly last;
  private readonly maxSeq;
  private readonly highWaterStmt;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO audit (seq, time, actor, session_id, method, subject, params_digest, outcome, acting_as, v, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.maxSeq = db.prepare('SELECT max(seq) FROM audit').pluck();
    this.highWaterStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck();
  }

  /**
   * The highest seq ever appended (AUTOINCREMENT keeps it in sqlite_sequence, written by the same commit as the row):
   * deleting the newest rows does not lower it, so a cut of the table leaves a gap verify can name.
   */
  highWater(): number {
    return (this.highWaterStmt.get() as number | undefined) ?? 0;
  }

  /** The newest row's seq and hash, the link the next row chains to. */
  tail(): { seq: number; hash: string } | null {
    return (this.last.get() as { seq: number; hash: string } | undefined) ?? null;
  }

  nextSeq(): number {
    return ((this.maxSeq.get() as number | null) ?? 0) + 1;
  }

  /** Append with the seq its hash was computed for (a seq taken meanwhile fails the insert instead of breaking the chain). */
  append(row: NewAuditRow & { seq?: number; prev_hash: string; hash: string }): number {
    const { time, actor, session_id, method, subject, params_digest, outcome, acting_as, prev_hash, hash } = row;
    return Number(this.insert.run(row.seq ?? null, time, actor, session_id, method, subject, params_digest, outcome, acting_as ?? null, row.v ?? 1, prev_hash, hash).lastInsertRowid);
  }

  list(filter: AuditFilter): AuditRow[] {
    const where = ['seq > @after_seq'];
    if (filter.actor !== undefined) where.push('actor = @actor');
    if (filter.acting_as !== undefined) where.push('acting_as = @acting_as');
    if (filter.method !== undefined) where.push('method = @method');
    if (filter.subject !== undefined) where.push('subject = @subject');
    return this.db.prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`).all(filter) as AuditRow[];
  }

  /** Every row in order, a page at a time (verification walks the whole chain). */
  *walk(pageSize = 1000): Generator<AuditRow> {
    let after = 0;
    const page = this.db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
    for (;;) {
      const rows = page.all(after, pageSize) as AuditRow[];
      for (const row of rows) yield row;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
  }
}
