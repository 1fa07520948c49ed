// The audit trail: every mutating call leaves a row naming the principal that called, written in the same transaction as
// its change (or in one of its own when it changed nothing), its HMAC linked to the row before, so editing the file shows.
import { createHmac, hash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import type { AuditRow, NewAuditRow } from '../store/audit.js';
import { principalLabel } from '../principals/principal.js';
import type { CallScope } from '../principals/call-scope.js';

const GENESIS = '0'.repeat(64);
/** How rows are hashed: 1 before principals (actor was what params claimed), 2 with the agent acted as. */
const ROW_VERSION = 2;

/** The chain key: 32 random bytes in keys/audit.key (0600), made on first start. */
export function loadAuditKey(keysDir: string): Buffer {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  chmodSync(keysDir, 0o700);
  const path = join(keysDir, 'audit.key');
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
}

/** JSON with object keys sorted, so the same params always give the same digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

/** SHA-256 of the params as the caller sent them (hashing, not re-sorting, keeps big payloads cheap). */
export function digestParams(params: unknown): string {
  return hash('sha256', JSON.stringify(params ?? null), 'hex');
}

export class AuditTrail {
  /** The chain's newest row as this process wrote it; undefined when unknown (at start, after a rollback). */
  private head: { seq: number; hash: string } | null | undefined;

  constructor(
    private readonly store: Store,
    private readonly key: Buffer,
  ) {}

  /** A transaction that held rows of ours rolled back: the stored chain is the truth again. */
  rolledBack(): void {
    this.head = undefined;
  }

  rowHash(prevHash: string, seq: number, row: NewAuditRow & { v?: number }): string {
    // A flat array of strings and numbers: JSON.stringify is already canonical for it.
    const fields: unknown[] = [seq, row.time, row.actor, row.session_id, row.method, row.subject, row.params_digest, row.outcome];
    if ((row.v ?? 1) >= 2) fields.push(row.acting_as ?? null, row.v);
    return createHmac('sha256', this.key).update(`${prevHash}\n${JSON.stringify(fields)}`).digest('hex');
  }

  /**
   * What the next row chains to: the table's newest row, numbered on from the high-water mark when the newest rows were
   * cut off, so the gap stays visible to verify instead of being papered over.
   */
  private chainHead(): { seq: number; hash: string } | null {
    const tail = this.store.audit.tail();
    const seq = Math.max(this.store.audit.highWater(), tail?.seq ?? 0);
    return seq === 0 ? null : { seq, hash: tail?.hash ?? GENESIS };
  }

  /** Append the call's row inside the caller's transaction (the one that stores its change). */
  appendInTransaction(scope: CallScope, outcome: string): void {
    const audit = this.store.audit;
    if (this.head === undefined) this.head = this.chainHead();
    const seq = (this.head?.seq ?? 0) + 1;
    const prev = this.head?.hash ?? GENESIS;
    const row = this.rowOf(scope, outcome, seq, prev);
    const hash = (row.hash = this.rowHash(prev, seq, row));
    try {
      audit.append(row);
    } catch (error) {
      this.head = undefined;
      throw error;
    }
    this.head = { seq, hash };
  }

  /** A call that stored nothing (refused, or nothing to change): its row in a transaction of its own. */
  writeAlone(scope: CallScope, outcome: string): void {
    try {
      this.store.transaction(() => this.appendInTransaction(scope, outcome));
    } catch (error) {
      this.head = undefined;
      throw error;
    }
  }

  private rowOf(scope: CallScope, outcome: string, seq: number, prev: string): NewAuditRow & { v: number; seq: number; prev_hash: string; hash: string } {
    return {
      seq,
      prev_hash: prev,
      hash: '',
      time: new Date().toISOString(),
      actor: principalLabel(scope.principal),
      acting_as: scope.actingAs,
      session_id: scope.sessionId,
      method: scope.method,
      subject: scope.subject,
      params_digest: digestParams(scope.rawParams),
      outcome,
      v: ROW_VERSION,
    };
  }

  /** Walk the chain; the first row whose number, link or hash does not check out is where tampering happened. */
  verify(): { ok: boolean; checked: number; first_broken_seq: number | null; reason: string | null } {
    let prev = GENESIS;
    let prevSeq = 0;
    let checked = 0;
    for (const row of this.store.audit.walk()) {
      const reason = this.problemWith(row, prev, prevSeq);
      if (reason) return { ok: false, checked, first_broken_seq: row.seq, reason };
      prev = row.hash;
      prevSeq = row.seq;
      checked += 1;
    }
    // Every row links to the one before, so only the high-water mark can tell that the newest rows were cut off.
    const highWater = this.store.audit.highWater();
    if (highWater > prevSeq) {
      const cut = highWater - prevSeq;
      return {
        ok: false,
        checked,
        first_broken_seq: prevSeq + 1,
        reason: `the newest ${cut} row${cut === 1 ? ' was' : 's were'} removed: the chain reached seq ${highWater}, the table ends at ${prevSeq === 0 ? 'nothing' : `seq ${prevSeq}`}`,
      };
    }
    return { ok: true, checked, first_broken_seq: null, reason: null };
  }

  private problemWith(row: AuditRow, prev: string, prevSeq: number): string | null {
    if (row.prev_hash !== prev || row.seq !== prevSeq + 1) return 'its link to the previous row is broken (a row before it was removed or altered)';
    if (this.rowHash(prev, row.seq, row) !== row.hash) return 'its contents do not match its hash (the row was edited)';
    return null;
  }
}
