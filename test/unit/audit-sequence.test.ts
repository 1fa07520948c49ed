// The audit chain's high-water mark: kept in sqlite_sequence from migration 17 on, carried over from the head older
// databases kept in meta, so a cut made before or after the upgrade is named by verify and new rows do not hide it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { migrations } from '../../daemon/store/migrations/index.js';
import { AuditTrail } from '../../daemon/audit/trail.js';
import type { CallScope } from '../../daemon/principals/call-scope.js';

const dir = mkdtempSync(join(tmpdir(), 'bas-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = randomBytes(32);

function scope(method: string): CallScope {
  return { method, mutates: true, emits: [], principal: { kind: 'operator' }, rawParams: { n: method }, actingAs: null, sessionId: null, subject: null, audited: false, finished: false } as CallScope;
}

/** Another connection to the store's file, as a person with sqlite3 would have. */
function withRaw<T>(store: Store, use: (raw: Database.Database) => T): T {
  const raw = new Database(store.path);
  try {
    return use(raw);
  } finally {
    raw.close();
  }
}

const metaHeads = (store: Store) => withRaw(store, (raw) => raw.prepare("SELECT count(*) FROM meta WHERE key = 'audit.head'").pluck().get());

/** A schema-16 database holding `rows` chained audit rows, its head in meta as brains 16 kept it, minus the newest `cut`. */
function version16(name: string, rows: number, cut: number): string {
  const path = join(dir, `${name}.sqlite`);
  const raw = new Database(path);
  for (const migration of migrations.filter((m) => m.version <= 16)) raw.exec(migration.sql);
  raw.pragma('user_version = 16');
  const hasher = new AuditTrail(null as unknown as Store, key);
  const insert = raw.prepare('INSERT INTO audit (seq, time, actor, session_id, method, subject, params_digest, outcome, acting_as, v, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?)');
  let prev = '0'.repeat(64);
  for (let seq = 1; seq <= rows; seq += 1) {
    const row = { time: '2026-01-01T00:00:00Z', actor: 'operator', session_id: null, method: `m${seq}`, subject: null, params_digest: 'd', outcome: 'ok', acting_as: null, v: 2 };
    const hash = hasher.rowHash(prev, seq, row);
    insert.run(seq, row.time, row.actor, row.session_id, row.method, row.subject, row.params_digest, row.outcome, row.acting_as, prev, hash);
    raw.prepare("INSERT INTO meta (key, value) VALUES ('audit.head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(`${seq}:${hash}`);
    prev = hash;
  }
  raw.prepare('DELETE FROM audit WHERE seq > ?').run(rows - cut);
  raw.close();
  return path;
}

test('an intact chain from schema 16 verifies after the upgrade and goes on from its newest row', () => {
  const store = Store.open(version16('intact', 4, 0));
  try {
    const trail = new AuditTrail(store, key);
    assert.deepEqual(trail.verify(), { ok: true, checked: 4, first_broken_seq: null, reason: null });
    trail.writeAlone(scope('after.upgrade'), 'ok');
    assert.deepEqual(trail.verify(), { ok: true, checked: 5, first_broken_seq: null, reason: null });
    assert.equal(store.audit.tail()!.seq, 5);
    assert.equal(store.audit.highWater(), 5);
    assert.equal(metaHeads(store), 0, 'the old head is gone from meta');
  } finally {
    store.close();
  }
});

test('rows cut off before the upgrade are still named after it, and a new row does not hide the gap', () => {
  const store = Store.open(version16('cut-before', 6, 2));
  try {
    const trail = new AuditTrail(store, key);
    const cut = trail.verify();
    assert.deepEqual([cut.ok, cut.checked, cut.first_broken_seq], [false, 4, 5]);
    assert.match(cut.reason!, /the newest 2 rows were removed/);
    trail.writeAlone(scope('after.cut'), 'ok');
    const later = trail.verify();
    assert.deepEqual([later.ok, later.first_broken_seq], [false, 7], 'the new row is numbered after the high-water mark');
    assert.match(later.reason!, /link to the previous row is broken/);
  } finally {
    store.close();
  }
});

test('a cut after the upgrade is caught, and a rolled-back append leaves the high-water mark where it was', () => {
  const store = Store.open(version16('cut-after', 3, 0));
  try {
    const trail = new AuditTrail(store, key);
    assert.throws(() =>
      store.transaction(() => {
        trail.appendInTransaction(scope('rolled.back'), 'ok');
        throw new Error('the change failed');
      }),
    );
    trail.rolledBack();
    assert.equal(store.audit.highWater(), 3);
    assert.equal(trail.verify().ok, true);
    withRaw(store, (raw) => raw.prepare('DELETE FROM audit WHERE seq = 3').run());
    const cut = trail.verify();
    assert.deepEqual([cut.ok, cut.first_broken_seq], [false, 3]);
    assert.match(cut.reason!, /the newest 1 row was removed/);
  } finally {
    store.close();
  }
});
