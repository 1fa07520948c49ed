// The lock table's own guards in SQLite: one exclusive holder per key, no exclusive beside shared, tokens only forward, ended stays ended.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import type { LeaseRow } from '../../daemon/store/locks.js';

const dir = mkdtempSync(join(tmpdir(), 'bls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => Store.open(join(dir, `locks${++n}.sqlite`));

function lease(store: Store, key: string, mode: 'exclusive' | 'shared', session: string, scope = 'global'): LeaseRow {
  const now = new Date().toISOString();
  return {
    lease_id: `lease-${key}-${mode}-${session}-${Math.random()}`,
    key,
    scope,
    root: null,
    asked_key: null,
    holder_tool: null,
    holder_directory: null,
    mode,
    holder_kind: 'session',
    session_id: session,
    project_id: null,
    agent_name: null,
    client_id: null,
    fencing_token: store.locks.nextFencingToken(),
    ttl_seconds: 60,
    acquired_at: now,
    renewed_at: null,
    expires_at: new Date(Date.now() + 60_000).toISOString(),
    ended_at: null,
    end_reason: null,
  };
}

test('the database refuses a second exclusive holder, and an exclusive beside a shared one, on the same key', () => {
  const store = fresh();
  store.transaction(() => store.locks.insert(lease(store, 'k', 'exclusive', 's1')));
  assert.throws(() => store.transaction(() => store.locks.insert(lease(store, 'k', 'exclusive', 's2'))), /lock conflict|UNIQUE/);
  assert.throws(() => store.transaction(() => store.locks.insert(lease(store, 'k', 'shared', 's2'))), /lock conflict/);
  store.transaction(() => store.locks.insert(lease(store, 's', 'shared', 's1')));
  store.transaction(() => store.locks.insert(lease(store, 's', 'shared', 's2')));
  assert.throws(() => store.transaction(() => store.locks.insert(lease(store, 's', 'exclusive', 's3'))), /lock conflict/);
  assert.equal(store.locks.live().length, 3);
  store.close();
});

test('the database keeps those guards per scope: one key held exclusively in two repositories at once is two locks', () => {
  const store = fresh();
  store.transaction(() => store.locks.insert(lease(store, 'src/api/x.ts', 'exclusive', 's1', '/w/shop/.git')));
  store.transaction(() => store.locks.insert(lease(store, 'src/api/x.ts', 'exclusive', 's2', '/w/blog/.git')));
  store.transaction(() => store.locks.insert(lease(store, 'src/api/x.ts', 'exclusive', 's3')));
  assert.throws(() => store.transaction(() => store.locks.insert(lease(store, 'src/api/x.ts', 'shared', 's4', '/w/shop/.git'))), /lock conflict/);
  assert.equal(store.locks.live().length, 3);
  store.close();
});

test('an ended lease frees its key, stays ended, and fencing tokens never go back or repeat', () => {
  const store = fresh();
  const first = lease(store, 'k', 'exclusive', 's1');
  store.transaction(() => store.locks.insert(first));
  store.transaction(() => store.locks.end(first.lease_id, new Date().toISOString(), 'released'));
  const second = lease(store, 'k', 'exclusive', 's2');
  store.transaction(() => store.locks.insert(second));
  assert.ok(second.fencing_token > first.fencing_token);
  assert.equal(store.locks.end(first.lease_id, new Date().toISOString(), 'again'), false, 'ending twice changes nothing');
  const raw = (store as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).db;
  assert.throws(() => raw.prepare('UPDATE lock_leases SET ended_at = NULL WHERE lease_id = ?').run(first.lease_id), /cannot be revived/);
  assert.throws(() => raw.prepare('UPDATE lock_fence SET last_token = 0').run(), /only go forward/);
  assert.throws(() => raw.prepare('UPDATE lock_leases SET fencing_token = ? WHERE lease_id = ?').run(first.fencing_token, second.lease_id), /UNIQUE/);
  store.close();
});

test('the fencing counter survives closing and reopening the database', () => {
  const path = join(dir, 'reopen.sqlite');
  const store = Store.open(path);
  const tokens = [store.locks.nextFencingToken(), store.locks.nextFencingToken()];
  store.close();
  const again = Store.open(path);
  assert.equal(again.locks.lastFencingToken(), tokens[1]);
  assert.ok(again.locks.nextFencingToken() > tokens[1]!);
  again.close();
});
