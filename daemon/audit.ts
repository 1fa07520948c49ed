// The audit trail: every mutating call leaves a row whose HMAC links it to the previous one, so editing the file shows.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from './store/index.js';
import type { AuditRow, NewAuditRow } from './store/audit.js';

const GENESIS = '0'.repeat(64);
const ACTOR_FIELDS = ['agent_name', 'from_agent', 'created_by', 'holder', 'requested_by', 'decided_by', 'claimer'] as const;

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
  return createHash('sha256').update(JSON.stringify(params ?? null)).digest('hex');
}

/** Who a call acts as: the agent its params name, else the operator at the socket. */
export function actorOf(params: unknown): { actor: string; session_id: string | null; subject: string | null } {
  const p = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  const actorField = ACTOR_FIELDS.find((f) => typeof p[f] === 'string');
  const project = typeof p.project_id === 'string' ? p.project_id : null;
  const named = actorField ? (p[actorField] as string) : 'operator';
  return {
    actor: project && named !== 'operator' ? `${project}/${named}` : named,
    session_id: typeof p.session_id === 'string' ? p.session_id : null,
    subject: project ?? (typeof p.key === 'string' ? p.key : typeof p.id === 'string' ? p.id : null),
  };
}

/**
 * Rows wait at most this long (or until this many queue) so that a burst of calls shares one commit. A crash can
 * lose the rows of the last few milliseconds; a clean stop writes them.
 */
const FLUSH_AFTER_MS = 20;
const FLUSH_AT_ROWS = 500;

export class AuditTrail {
  private queue: NewAuditRow[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly key: Buffer,
  ) {}

  rowHash(prevHash: string, seq: number, row: NewAuditRow): string {
    // A flat array of strings and numbers: JSON.stringify is already canonical for it.
    const body = JSON.stringify([seq, row.time, row.actor, row.session_id, row.method, row.subject, row.params_digest, row.outcome]);
    return createHmac('sha256', this.key).update(`${prevHash}\n${body}`).digest('hex');
  }

  /** Queue a row; queued rows are written together in one transaction. */
  record(method: string, params: unknown, outcome: string): void {
    const who = actorOf(params);
    this.queue.push({ time: new Date().toISOString(), method, outcome, params_digest: digestParams(params), ...who });
    if (this.queue.length >= FLUSH_AT_ROWS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    const audit = this.store.audit;
    this.store.transaction(() => {
      let prev = audit.tail()?.hash ?? GENESIS;
      let seq = audit.nextSeq();
      for (const row of rows) {
        const hash = this.rowHash(prev, seq, row);
        audit.append({ ...row, prev_hash: prev, hash });
        prev = hash;
        seq += 1;
      }
    });
  }

  /** Walk the chain; the first row whose link or hash does not check out is where tampering happened. */
  verify(): { ok: boolean; checked: number; first_broken_seq: number | null; reason: string | null } {
    this.flush();
    let prev = GENESIS;
    let checked = 0;
    for (const row of this.store.audit.walk()) {
      const reason = this.problemWith(row, prev);
      if (reason) return { ok: false, checked, first_broken_seq: row.seq, reason };
      prev = row.hash;
      checked += 1;
    }
    return { ok: true, checked, first_broken_seq: null, reason: null };
  }

  private problemWith(row: AuditRow, prev: string): string | null {
    if (row.prev_hash !== prev) return 'its link to the previous row is broken (a row before it was removed or altered)';
    if (this.rowHash(prev, row.seq, row) !== row.hash) return 'its contents do not match its hash (the row was edited)';
    return null;
  }
}
