// The lock plane in-process on a real store, bus and mutate: expired-but-unswept leases, and grants whose transaction rolls back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate } from '../../daemon/events/mutate.js';
import { RuntimeSettings } from '../../daemon/settings.js';
import { createHooks } from '../../daemon/planes/shared/hooks.js';
import { locksHandlers } from '../../daemon/planes/locks/handlers.js';
import type { PlaneDeps } from '../../daemon/planes/shared/deps.js';
import { Access } from '../../daemon/principals/access.js';
import { OPERATOR_PRINCIPAL } from '../../daemon/principals/principal.js';
import { createLogger } from '../../daemon/log.js';
import { arrived } from '../helpers/rpc-assert.js';
import type { CallContext } from '../../daemon/planes/shared/call.js';
import type { EventRecord } from '../../rpc/contract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'blm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function plane() {
  const store = Store.open(join(dir, `m${++n}.sqlite`));
  const bus = new EventBus();
  const mutate = createMutate(store, bus);
  const log = createLogger({ format: 'human', level: 'error', color: false, write: () => {} });
  const deps = {
    store,
    bus,
    mutate,
    log,
    access: new Access(store),
    addService: () => {},
    settings: new RuntimeSettings(join(dir, 'no-config.json')),
    hooks: createHooks(),
  } as unknown as PlaneDeps;
  const handlers = locksHandlers(deps);
  const events: EventRecord[] = [];
  bus.listen(['lock.*'], (e) => events.push(e));
  const now = new Date().toISOString();
  store.sessions.ensureClient('c', null, now);
  for (const id of ['s1', 's2', 's3']) {
    store.sessions.insert({ session_id: id, client_id: 'c', tool: 'other', working_directory: null, pid: null, transcript_path: null, label: null, state: 'active', started_at: now, last_seen: now, ended_at: null, end_reason: null });
  }
  const ctx = { signal: new AbortController().signal, principal: OPERATOR_PRINCIPAL, within: <T>(fn: () => T) => fn() } as CallContext;
  const acquire = (key: string, session: string, wait = false) =>
    arrived(Promise.resolve(handlers['lock.acquire']({ key, holder: { session_id: session }, mode: 'exclusive', wait, timeout_seconds: 30 }, ctx)));
  return { store, mutate, handlers, events, acquire, hooks: deps.hooks, ctx };
}

/** Push a live lease's expiry into the past without the timer knowing: the state between a TTL passing and its sweep. */
function backdate(store: Store, key: string): void {
  const db = (store as unknown as { db: { prepare(sql: string): { run(...a: unknown[]): unknown } } }).db;
  db.prepare('UPDATE lock_leases SET expires_at = ? WHERE key = ? AND ended_at IS NULL').run(new Date(Date.now() - 1000).toISOString(), key);
}

test('an acquire that finds a lease past its TTL but not yet swept ends it first and takes the lock', async () => {
  const { store, events, acquire } = plane();
  const old = await acquire('k', 's1');
  backdate(store, 'k');
  const fresh = await acquire('k', 's2');
  assert.ok(fresh.fencing_token > old.fencing_token);
  assert.deepEqual(
    events.map((e) => e.type),
    ['lock.acquired', 'lock.expired', 'lock.acquired'],
  );
  store.close();
});

test('a release hands on a lock whose other holder expired unswept, instead of colliding with it', async () => {
  const { store, handlers, acquire, ctx } = plane();
  const shared = await acquire('a', 's1');
  const stale = await acquire('b', 's2');
  const waiting = acquire('**', 's3', true);
  backdate(store, 'b');
  const released = await handlers['lock.release']({ lease_id: shared.lease_id, fencing_token: shared.fencing_token }, ctx);
  assert.deepEqual(
    released.handed_to.map((h) => h.key),
    ['**'],
  );
  const got = await waiting;
  assert.ok(got.fencing_token > stale.fencing_token);
  assert.equal(store.locks.get(stale.lease_id)?.end_reason?.startsWith('expired'), true);
  store.close();
});

test('a waiter granted inside a transaction that rolls back keeps waiting, and gets the lock on the next release', async () => {
  const { store, mutate, handlers, events, acquire, hooks, ctx } = plane();
  const held = await acquire('k', 's1');
  let settled = false;
  const waiting = acquire('k', 's2', true).then((lease) => ((settled = true), lease));
  const session = store.sessions.get('s1')!;
  assert.throws(
    () =>
      mutate((emit) => {
        // A session ends inside another plane's transaction: the hook releases s1's lease and grants it to s2 ... then the change fails.
        store.sessions.end('s1', new Date().toISOString(), 'test');
        for (const hook of hooks.sessionGone) hook(emit, { ...session, state: 'gone', end_reason: 'test' }, [], true);
        assert.equal(store.locks.live()[0]?.session_id, 's2', 'granted inside the transaction');
        throw new Error('the outer change failed');
      }),
    /outer change failed/,
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'a grant that rolled back is not answered');
  assert.equal(store.locks.get(held.lease_id)?.ended_at, null, 'the release rolled back too');
  assert.equal(events.filter((e) => e.type !== 'lock.acquired' || e.subject !== 'k').length, 0, 'no event escaped the rolled-back transaction');
  await handlers['lock.release']({ lease_id: held.lease_id, fencing_token: held.fencing_token }, ctx);
  const lease = await waiting;
  assert.equal(lease.holder && 'session_id' in lease.holder ? lease.holder.session_id : null, 's2');
  assert.equal(store.locks.live().length, 1);
  assert.equal(events.filter((e) => e.type === 'lock.acquired').length, 2);
  store.close();
});
