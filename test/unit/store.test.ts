// The store on real SQLite files: migrations, the event log's reads and pruning, and mutate's commit-then-publish rule.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { LATEST_SCHEMA_VERSION, SchemaTooNewError, migrations } from '../../daemon/store/migrations/index.js';
import { resolveIdentity } from '../../daemon/planes/sessions/identity.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate } from '../../daemon/events/mutate.js';
import { jsonDepth } from '../../daemon/store/json-limits.js';
import { BrainsError } from '../../rpc/errors.js';
import type { EventRecord } from '../../rpc/contract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => Store.open(join(dir, `db${++n}.sqlite`));

test('a new database is migrated to the latest version, in WAL mode with foreign keys on', () => {
  const path = join(dir, 'pragmas.sqlite');
  const store = Store.open(path);
  assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
  store.close();
  const raw = new Database(path, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  const again = Store.open(path);
  assert.equal(again.schemaVersion(), LATEST_SCHEMA_VERSION, 'reopening applies nothing twice');
  again.close();
});

test('a database from a newer brains is refused and left untouched', () => {
  const path = join(dir, 'newer.sqlite');
  const raw = new Database(path);
  raw.pragma('user_version = 999');
  raw.exec('CREATE TABLE keep (x)');
  raw.close();
  assert.throws(() => Store.open(path), (e: unknown) => e instanceof SchemaTooNewError && /upgrade brains/.test(e.message));
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), 999);
  assert.equal((check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get() as { n: number }).n, 0);
  check.close();
});

test('events: append, read after a seq with filters, head, oldest and count', () => {
  const store = fresh();
  store.transaction(() => {
    for (const type of ['a.one', 'a.two', 'b.one', 'a_b.x', 'ab.y']) store.events.append(type, null, { type });
  });
  const log = store.events;
  assert.equal(log.head(), 5);
  assert.equal(log.oldest(), 1);
  assert.equal(log.count(), 5);
  assert.deepEqual(log.after(0, ['a.*'], 10).map((e) => e.type), ['a.one', 'a.two']);
  assert.deepEqual(log.after(0, ['a_b.*'], 10).map((e) => e.type), ['a_b.x'], 'underscore is literal, not a wildcard');
  assert.deepEqual(log.after(0, ['b.one', 'ab.*'], 10).map((e) => e.type), ['b.one', 'ab.y']);
  assert.deepEqual(log.after(2, undefined, 2).map((e) => e.seq), [3, 4]);
  assert.deepEqual(log.after(0, ['*'], 1)[0]!.data, { type: 'a.one' });
  store.close();
});

test('pruning by count and by age records pruned_through, and seqs are never reused', () => {
  const store = fresh();
  store.transaction(() => {
    for (let i = 0; i < 10; i += 1) store.events.append('t.x', null, i);
  });
  assert.equal(store.transaction(() => store.events.prune(null, 3)), 7);
  assert.equal(store.events.prunedThrough(), 7);
  assert.equal(store.events.oldest(), 8);
  assert.equal(store.transaction(() => store.events.prune(null, 3)), 0, 'nothing more to prune');
  assert.equal(store.transaction(() => store.events.prune(new Date(Date.now() + 60_000).toISOString(), null)), 3);
  assert.equal(store.events.count(), 0);
  assert.equal(store.events.head(), 10, 'the head survives an empty log');
  const next = store.transaction(() => store.events.append('t.x', null, 'next'));
  assert.equal(next.seq, 11);
  store.close();
});

test('pruning by age finds the cutoff between batches written at different times', async () => {
  const store = fresh();
  for (let batch = 0; batch < 5; batch += 1) {
    store.transaction(() => {
      for (let i = 0; i < 7; i += 1) store.events.append('t.age', null, { batch, i });
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  const firstOfBatch3 = store.events.after(0, undefined, 100).find((e) => (e.data as { batch: number }).batch === 3)!;
  assert.equal(store.transaction(() => store.events.prune(firstOfBatch3.time, null)), 21, 'batches 0-2 are older than batch 3');
  assert.equal(store.events.oldest(), firstOfBatch3.seq);
  assert.equal(store.events.prunedThrough(), firstOfBatch3.seq - 1);
  assert.equal(store.transaction(() => store.events.prune('2000-01-01T00:00:00.000Z', null)), 0, 'a cutoff before everything prunes nothing');
  store.close();
});

test('mutate publishes after commit; a rolled-back mutation publishes nothing and stores nothing', () => {
  const store = fresh();
  const bus = new EventBus();
  const heard: EventRecord[] = [];
  bus.listen(undefined, (e) => heard.push(e));
  let commits = 0;
  const mutate = createMutate(store, bus, { onCommit: () => (commits += 1) });

  mutate((emit) => {
    emit('user.t.one', 's', 1);
    assert.equal(heard.length, 0, 'not published inside the transaction');
  });
  assert.equal(heard.length, 1);

  assert.throws(() =>
    mutate((emit) => {
      emit('user.t.two', null, 2);
      emit('user.t.three', null, 3);
      throw new BrainsError('CONFLICT', 'changed my mind');
    }),
  );
  assert.equal(heard.length, 1, 'nothing published for the rollback');
  assert.equal(store.events.count(), 1, 'nothing stored for the rollback');
  assert.equal(commits, 1);

  mutate((emit) => {
    emit('user.t.outer', null, 0);
    try {
      mutate((inner) => {
        inner('user.t.inner.lost', null, 0);
        throw new Error('inner fails');
      });
    } catch {
      /* the outer mutation goes on */
    }
    mutate((inner) => inner('user.t.inner.kept', null, 0));
  });
  assert.deepEqual(heard.map((e) => e.type), ['user.t.one', 'user.t.outer', 'user.t.inner.kept']);
  assert.deepEqual(store.events.after(0, undefined, 10).map((e) => e.type), ['user.t.one', 'user.t.outer', 'user.t.inner.kept']);
  store.close();
});

test('event data over the size or depth limit is refused', () => {
  const store = fresh();
  assert.throws(() => store.transaction(() => store.events.append('t.big', null, 'x'.repeat(70_000))), /byte limit/);
  let deep: unknown = 1;
  for (let i = 0; i < 200; i += 1) deep = [deep];
  assert.throws(() => store.transaction(() => store.events.append('t.deep', null, deep)), /levels deep/);
  assert.equal(store.events.count(), 0);
  store.close();
});

test('jsonDepth counts nesting without recursion, even very deep', () => {
  assert.equal(jsonDepth(1), 0);
  assert.equal(jsonDepth({ a: [1, { b: 2 }] }), 3);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i += 1) deep = [deep];
  assert.ok(jsonDepth(deep) > 100);
});

test('identities made before principals (named by a hash of their directory) are found by that directory after the migration', () => {
  const path = join(dir, 'v10.sqlite');
  const raw = new Database(path);
  for (const migration of migrations.filter((m) => m.version <= 10)) raw.exec(migration.sql);
  raw.pragma('user_version = 10');
  const oldId = createHash('sha256').update('/w/old').digest('hex').slice(0, 16);
  raw.prepare("INSERT INTO clients (client_id, working_directory, created_at) VALUES (?, '/w/old', '2026-01-01T00:00:00Z')").run(oldId);
  raw.prepare("INSERT INTO projects (project_id, name, created_by, created_at) VALUES ('legacy', 'legacy', 'operator', '2026-01-01T00:00:00Z')").run();
  raw.prepare("INSERT INTO members (project_id, agent_name, agent_id, client_id, role, joined_at, last_seen) VALUES ('legacy', 'veteran', 'a1', ?, 'coordinator', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").run(oldId);
  raw.prepare("INSERT INTO audit (time, actor, session_id, method, subject, params_digest, outcome, prev_hash, hash) VALUES ('2026-01-01T00:00:00Z', 'legacy/veteran', NULL, 'project.join', 'legacy', 'd', 'ok', ?, 'h')").run('0'.repeat(64));
  raw.close();

  const store = Store.open(path);
  try {
    assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
    const resolved = resolveIdentity(store, { working_directory: '/w/old' }, null, new Date().toISOString());
    assert.deepEqual(resolved, { client_id: oldId, pending: false }, 'the old identity is resumed from its directory');
    assert.deepEqual(store.projects.membershipsOfClient(oldId).map((m) => m.agent_name), ['veteran']);
    const [row] = store.audit.list({ after_seq: 0, limit: 10 });
    assert.deepEqual([row!.v, row!.acting_as], [1, null], 'old audit rows keep how they were hashed');
  } finally {
    store.close();
  }
});
