// The locks plane through a real daemon: leases, fencing tokens, FIFO hand-over under a 20-client race, globs, TTLs, holders that go, restarts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { BrainsClient } from '../../rpc/client.js';
import type { EventRecord, Result } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { arrived, failure, invalidParams } from '../helpers/rpc-assert.js';

type Lease = Extract<Result<'lock.acquire'>, { timed_out: false }>;

async function refused(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<RpcCallError> {
  const error = await failure(promise);
  assert.equal(error.appCode, code, `expected ${code}, got ${error.appCode}: ${error.message}`);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

async function startSession(client: BrainsClient, clientId: string, pid?: number): Promise<string> {
  return (await client.call('session.start', { tool: 'other', client_id: clientId, ...(pid ? { pid } : {}) })).session_id;
}

async function lockEvents(client: BrainsClient, key: string, after = 0): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  let cursor = after;
  for (;;) {
    const page = await client.call('events.list', { after: cursor, types: ['lock.*'], limit: 1000 });
    out.push(...page.events.filter((e) => e.subject === key));
    if (page.events.length < 1000) return out;
    cursor = page.events[page.events.length - 1]!.seq;
  }
}

async function headSeq(client: BrainsClient): Promise<number> {
  return (await client.call('events.list', { after: 0, limit: 1 })).head_seq;
}

async function listed(client: BrainsClient, key: string) {
  const list = await client.call('lock.list', { key_prefix: key });
  const entry = list.locks.find((l) => l.key === key);
  return { holders: entry?.holders ?? [], waiters: entry?.waiters ?? [] };
}

type AcquireParams = { key: string; holder: { session_id: string } | { project_id: string; agent_name: string }; mode?: 'exclusive' | 'shared' };

/** Start an acquire with wait; once lock.list shows it parked, hand back the call still pending (wrapped, so awaiting this does not wait for the grant). */
async function parkedAcquire(waiter: BrainsClient, observer: BrainsClient, params: AcquireParams, waitersBefore: number): Promise<{ granted: Promise<Lease> }> {
  const granted = arrived(waiter.call('lock.acquire', { ...params, wait: true, timeout_seconds: 120 }));
  granted.catch(() => {});
  await waitFor(async () => (await listed(observer, params.key)).waiters.length > waitersBefore, 10_000, 'the acquire to park');
  return { granted };
}

describe('locks', () => {
  const { daemon, client: admin } = withDaemon();

  test('acquire, list, renew and release a lease held by a session, with events whose subject is the key', async () => {
    const sid = await startSession(admin, 'happy-client');
    const since = await headSeq(admin);
    const lease = await arrived(admin.call('lock.acquire', { key: './happy//a.ts', holder: { session_id: sid }, ttl_seconds: 60 }));
    assert.equal(lease.key, 'happy/a.ts');
    assert.equal(lease.mode, 'exclusive');
    assert.deepEqual(lease.holder, { session_id: sid });
    assert.equal(lease.ttl_seconds, 60);
    assert.equal(lease.waited_ms, 0);
    assert.ok(lease.fencing_token >= 1);
    assert.ok(Date.parse(lease.expires_at) > Date.parse(lease.acquired_at));

    const { holders, waiters } = await listed(admin, 'happy/a.ts');
    assert.equal(holders.length, 1);
    assert.equal(waiters.length, 0);
    assert.equal(holders[0]!.fencing_token, lease.fencing_token);
    assert.equal(holders[0]!.mode, 'exclusive');
    assert.ok(holders[0]!.age_seconds >= 0 && holders[0]!.time_left_seconds <= 60 && holders[0]!.time_left_seconds > 0);
    assert.equal((holders[0] as Record<string, unknown>).lease_id, undefined, 'lock.list does not hand out lease ids');

    const renewed = await admin.call('lock.renew', { lease_id: lease.lease_id, fencing_token: lease.fencing_token, ttl_seconds: 120 });
    assert.equal(renewed.fencing_token, lease.fencing_token, 'a renew keeps the token');
    assert.ok(Date.parse(renewed.expires_at) > Date.parse(lease.expires_at));
    assert.equal(renewed.ttl_seconds, 120);

    const byKey = await admin.call('lock.renew', { key: 'happy/a.ts', holder: { session_id: sid }, fencing_token: lease.fencing_token });
    assert.equal(byKey.ttl_seconds, 120, 'renew without ttl_seconds keeps the last length');

    const released = await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
    assert.deepEqual(released.handed_to, []);
    assert.equal(released.key, 'happy/a.ts');
    assert.equal((await listed(admin, 'happy/a.ts')).holders.length, 0);

    const events = await lockEvents(admin, 'happy/a.ts', since);
    assert.deepEqual(
      events.map((e) => e.type),
      ['lock.acquired', 'lock.renewed', 'lock.renewed', 'lock.released'],
    );
    assert.equal((events[3]!.data as { reason: string }).reason, 'released');
    assert.ok(events.every((e) => (e.data as { fencing_token: number }).fencing_token === lease.fencing_token));
  });

  test('agents in a project and the operator hold locks; the welcome packet lists an identity\'s leases', async () => {
    await admin.call('project.create', { project_id: 'wel', name: 'Welcome', agent_name: 'alice', client_id: 'wel-alice' });
    const aliceSession = await startSession(admin, 'wel-alice');
    const asMember = await arrived(admin.call('lock.acquire', { key: 'wel/member.ts', holder: { project_id: 'wel', agent_name: 'alice' }, mode: 'shared' }));
    assert.deepEqual(asMember.holder, { project_id: 'wel', agent_name: 'alice' });
    assert.equal(asMember.mode, 'shared');
    const asSession = await arrived(admin.call('lock.acquire', { key: 'wel/session.ts', holder: { session_id: aliceSession } }));
    const asOperator = await arrived(admin.call('lock.acquire', { key: 'wel/operator.ts', holder: { project_id: 'wel', agent_name: 'operator' } }));
    assert.deepEqual(asOperator.holder, { project_id: 'wel', agent_name: 'operator' });

    const status = await admin.call('session.status', { client_id: 'wel-alice' });
    const keys = status.locks.map((l) => l.key).sort();
    assert.deepEqual(keys, ['wel/member.ts', 'wel/session.ts']);
    const member = status.locks.find((l) => l.key === 'wel/member.ts')!;
    assert.equal(member.token, asMember.fencing_token);
    assert.equal(member.mode, 'shared');

    const byProject = await admin.call('lock.list', { project_id: 'wel' });
    assert.deepEqual(byProject.locks.map((l) => l.key).sort(), ['wel/member.ts', 'wel/operator.ts']);
    const byHolder = await admin.call('lock.list', { holder: { session_id: aliceSession } });
    assert.deepEqual(byHolder.locks.map((l) => l.key), ['wel/session.ts']);

    for (const lease of [asMember, asSession, asOperator]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
  });

  test('acquire refuses unknown or ended holders, closed projects, long leases, busy keys and your own overlap', async () => {
    const sid = await startSession(admin, 'err-client');
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { session_id: 'no-such-session' } }), 'NOT_FOUND', /session\.start/);
    const ended = await startSession(admin, 'err-ended');
    await admin.call('session.end', { session_id: ended });
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { session_id: ended } }), 'CONFLICT', /ended/);
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { project_id: 'no-such-project', agent_name: 'x' } }), 'NOT_FOUND', /project/);
    await admin.call('project.create', { project_id: 'errp', name: 'Errors', agent_name: 'erin', client_id: 'err-erin' });
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { project_id: 'errp', agent_name: 'stranger' } }), 'NOT_FOUND', /join first/);
    await admin.call('project.create', { project_id: 'errarch', name: 'Archived', agent_name: 'ann', client_id: 'err-ann' });
    await admin.call('project.archive', { project_id: 'errarch' });
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { project_id: 'errarch', agent_name: 'ann' } }), 'CONFLICT', /archived/);
    await refused(admin.call('lock.acquire', { key: 'err/a', holder: { session_id: sid }, ttl_seconds: 86401 }), 'LIMIT_EXCEEDED', /lock_max_ttl_seconds/);
    await refused(admin.call('lock.acquire', { key: 'src/../etc/passwd', holder: { session_id: sid } }), 'INVALID', /\.\./);
    await refused(admin.call('lock.acquire', { key: './/.', holder: { session_id: sid } }), 'INVALID', /names nothing/);

    const held = await arrived(admin.call('lock.acquire', { key: 'err/busy/**', holder: { project_id: 'errp', agent_name: 'erin' }, ttl_seconds: 600 }));
    const busy = await refused(admin.call('lock.acquire', { key: 'err/busy/file.ts', holder: { session_id: sid } }), 'CONFLICT', /held by erin in errp \(exclusive on err\/busy\/\*\*/);
    assert.match(busy.message, /wait: true/);
    const details = busy.data as { holders: Array<{ holder_label: string; expires_at: string; key: string }> };
    assert.equal(details.holders[0]!.expires_at, held.expires_at, 'the conflict says when the lease ends');
    assert.equal(details.holders[0]!.key, 'err/busy/**');
    assert.equal(JSON.stringify(busy.data).includes(held.lease_id), false, 'another holder\'s lease id is not disclosed');

    const own = await refused(admin.call('lock.acquire', { key: 'err/busy/x', holder: { project_id: 'errp', agent_name: 'erin' }, wait: true }), 'CONFLICT', /already holds/);
    assert.equal((own.data as { own_lease: { lease_id: string } }).own_lease.lease_id, held.lease_id, 'your own lease is named to you');

    // A wait that runs out is an answer, not an error: timed_out, with who still holds it.
    const timedOut = await admin.call('lock.acquire', { key: 'err/busy/file.ts', holder: { session_id: sid }, wait: true, timeout_seconds: 0.3 });
    assert.equal(timedOut.timed_out, true);
    if (!timedOut.timed_out) throw new Error('unreachable');
    assert.match(timedOut.message, /did not come free/);
    assert.equal(timedOut.key, 'err/busy/file.ts');
    assert.deepEqual(timedOut.holders.map((h) => h.holder_label), ['erin@errp']);
    assert.ok(timedOut.waited_ms >= 250);
    assert.equal(JSON.stringify(timedOut).includes(held.lease_id), false, 'another holder\'s lease id is not disclosed');
    await refused(admin.call('lock.acquire', { key: 'err/busy/file.ts', holder: { session_id: sid }, wait: true, timeout_seconds: 0 }), 'CONFLICT');
    assert.equal((await listed(admin, 'err/busy/file.ts')).waiters.length, 0, 'a timed-out waiter left the queue');
    await admin.call('lock.release', { lease_id: held.lease_id, fencing_token: held.fencing_token });
  });

  test('wrong, missing, oversized and hostile params are refused and change nothing', async () => {
    const sid = await startSession(admin, 'hostile-client');
    const marker = await arrived(admin.call('lock.acquire', { key: 'hostile/marker', holder: { session_id: sid } }));
    const before = await admin.call('lock.list', {});
    const holder = { session_id: sid };
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100; i += 1) cursor = (cursor.x = {}) as Record<string, unknown>;
    const badParams: unknown[] = [
      {},
      { holder },
      { key: 'a', project_id: '../etc', agent_name: 'x' },
      { key: 'a', project_id: 'p', agent_name: 'has space' },
      { key: 'a', session_id: 'x'.repeat(65) },
      { key: 'a', session_id: 42 },
      { key: '', holder },
      { key: 'x'.repeat(1025), holder },
      { key: 'a\u0000b', holder },
      { key: 'a\nb', holder },
      { key: 'tab\there', holder },
      { key: 42, holder },
      { key: 'a', holder, mode: 'both' },
      { key: 'a', holder: { session_id: sid, project_id: 'p', agent_name: 'x' } },
      { key: 'a', holder: { session_id: sid, extra: 1 } },
      { key: 'a', holder: { project_id: 'p' } },
      { key: 'a', holder: { project_id: '../etc', agent_name: 'x' } },
      { key: 'a', holder: { project_id: 'p', agent_name: 'has space' } },
      { key: 'a', holder: { project_id: 'x'.repeat(300), agent_name: 'x' } },
      { key: 'a', holder: { project_id: "p'; DROP TABLE lock_leases; --", agent_name: 'x' } },
      { key: 'a', holder: { session_id: 'x'.repeat(65) } },
      { key: 'a', holder: deep },
      { key: 'a', holder, ttl_seconds: 0 },
      { key: 'a', holder, ttl_seconds: 'long' },
      { key: 'a', holder, wait: true, timeout_seconds: 3601 },
      { key: 'a', holder, extra: true },
    ];
    for (const params of badParams) await invalidParams(admin.callRaw('lock.acquire', params));
    // Well-formed but naming no holder, or naming two that disagree: INVALID, saying how to name it.
    await refused(admin.callRaw('lock.acquire', { key: 'a' }), 'INVALID', /name the holder/);
    await refused(admin.callRaw('lock.acquire', { key: 'a', session_id: sid, holder: { project_id: 'p', agent_name: 'x' } }), 'INVALID', /name the holder once/);
    for (const params of [{}, { lease_id: marker.lease_id }, { lease_id: marker.lease_id, fencing_token: 0 }, { lease_id: marker.lease_id, fencing_token: 1.5 }, { lease_id: 'x'.repeat(65), fencing_token: 1 }, { key: 'a\nb', holder, fencing_token: 1 }]) {
      await invalidParams(admin.callRaw('lock.release', params));
      await invalidParams(admin.callRaw('lock.renew', params));
    }
    await invalidParams(admin.callRaw('lock.list', { holder: { session_id: sid, agent_name: 'x' } }));
    await invalidParams(admin.callRaw('lock.list', { limit: 0 }));

    // Hostile but well-formed: SQL-ish keys are just names; unknown sessions are not found.
    const sqlish = await arrived(admin.call('lock.acquire', { key: "'; DROP TABLE lock_leases; --", holder }));
    assert.equal(sqlish.key, "'; DROP TABLE lock_leases; --");
    assert.equal(sqlish.fencing_token, marker.fencing_token + 1, 'refused calls used no fencing token');
    await refused(admin.call('lock.acquire', { key: 'a', holder: { session_id: "' OR 1=1 --" } }), 'NOT_FOUND');
    await refused(admin.call('lock.acquire', { key: 'x/../../y', holder }), 'INVALID');
    await admin.call('lock.release', { lease_id: sqlish.lease_id, fencing_token: sqlish.fencing_token });

    const afterList = await admin.call('lock.list', {});
    assert.deepEqual(
      afterList.locks.map((l) => [l.key, l.holders.map((h) => h.fencing_token)]),
      before.locks.map((l) => [l.key, l.holders.map((h) => h.fencing_token)]),
    );
    await admin.call('lock.release', { lease_id: marker.lease_id, fencing_token: marker.fencing_token });
  });

  test('one holder may hold at most 1000 leases and park at most 100 acquires (LIMIT_EXCEEDED), and nothing changes when refused', async () => {
    const [hoarder, queuer] = await Promise.all([startSession(admin, 'limit-hoarder'), startSession(admin, 'limit-queuer')]);
    for (let batch = 0; batch < 10; batch += 1) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => arrived(admin.call('lock.acquire', { key: `limit/${batch * 100 + i}`, holder: { session_id: hoarder } }))));
    }
    await refused(admin.call('lock.acquire', { key: 'limit/one-more', holder: { session_id: hoarder } }), 'LIMIT_EXCEEDED', /1000 leases/);
    const parkedClient = await daemon.client();
    const parked = Array.from({ length: 100 }, (_, i) => arrived(parkedClient.call('lock.acquire', { key: `limit/${i}`, holder: { session_id: queuer }, wait: true, timeout_seconds: 120 })));
    for (const call of parked) call.catch(() => {});
    await waitFor(async () => (await admin.call('lock.list', { key_prefix: 'limit/' })).waiter_count === 100, 20_000, '100 parked acquires');
    await refused(admin.call('lock.acquire', { key: 'limit/100', holder: { session_id: queuer }, wait: true }), 'LIMIT_EXCEEDED', /100 locks/);
    const list = await admin.call('lock.list', { key_prefix: 'limit/', limit: 5000 });
    assert.equal(list.holder_count, 1000);
    assert.equal(list.waiter_count, 100);
    assert.equal(list.locks.some((l) => l.key === 'limit/one-more'), false);
    const few = await admin.call('lock.list', { key_prefix: 'limit/', limit: 10 });
    assert.equal(few.locks.length, 10);
    assert.equal(few.truncated, true);
    await parkedClient.close();
    await admin.call('session.end', { session_id: hoarder });
    await waitFor(async () => (await admin.call('lock.list', { key_prefix: 'limit/' })).locks.length === 0, 20_000, 'the limit test to clear');
  });

  test('renew and release refuse a stale holder: ended lease, wrong or old token, unknown lease, ambiguous reference', async () => {
    const sid = await startSession(admin, 'stale-client');
    const holder = { session_id: sid };
    const first = await arrived(admin.call('lock.acquire', { key: 'stale/k', holder }));
    await refused(admin.call('lock.renew', { lease_id: first.lease_id, fencing_token: first.fencing_token + 1000 }), 'CONFLICT', /fencing token/);
    await refused(admin.call('lock.release', { lease_id: first.lease_id, fencing_token: first.fencing_token + 1000 }), 'CONFLICT', /fencing token/);
    await refused(admin.call('lock.renew', { lease_id: first.lease_id, key: 'stale/k', holder, fencing_token: first.fencing_token }), 'INVALID', /not both/);
    await refused(admin.call('lock.release', { fencing_token: first.fencing_token }), 'INVALID', /lease_id/);
    // A key with its fencing token names one lease (tokens are never reused); with a token it never had, nothing.
    await refused(admin.call('lock.release', { key: 'stale/k', fencing_token: first.fencing_token + 1000 }), 'NOT_FOUND', /fencing token/);
    await refused(admin.call('lock.renew', { lease_id: first.lease_id, fencing_token: first.fencing_token, ttl_seconds: 90000 }), 'LIMIT_EXCEEDED');
    await refused(admin.call('lock.release', { lease_id: '00000000-0000-0000-0000-000000000000', fencing_token: 1 }), 'NOT_FOUND');
    await refused(admin.call('lock.release', { key: 'stale/never', holder, fencing_token: 1 }), 'NOT_FOUND');
    assert.equal((await listed(admin, 'stale/k')).holders.length, 1, 'refused calls left the lease alone');

    await admin.call('lock.release', { key: 'stale/k', fencing_token: first.fencing_token });
    await refused(admin.call('lock.release', { lease_id: first.lease_id, fencing_token: first.fencing_token }), 'CONFLICT', /already ended.*released/);
    await refused(admin.call('lock.renew', { lease_id: first.lease_id, fencing_token: first.fencing_token }), 'CONFLICT', /already ended/);
    await refused(admin.call('lock.renew', { key: 'stale/k', holder, fencing_token: first.fencing_token }), 'CONFLICT', /already ended/);

    const second = await arrived(admin.call('lock.acquire', { key: 'stale/k', holder }));
    assert.ok(second.fencing_token > first.fencing_token);
    await refused(admin.call('lock.release', { key: 'stale/k', holder, fencing_token: first.fencing_token }), 'CONFLICT', /older lease/);
    await admin.call('lock.release', { key: 'stale/k', holder, fencing_token: second.fencing_token });

    const short = await arrived(admin.call('lock.acquire', { key: 'stale/short', holder, ttl_seconds: 1 }));
    await waitFor(async () => (await lockEvents(admin, 'stale/short')).some((e) => e.type === 'lock.expired'), 10_000, 'the lease to expire');
    await refused(admin.call('lock.renew', { lease_id: short.lease_id, fencing_token: short.fencing_token }), 'CONFLICT', /expired/);
    await refused(admin.call('lock.release', { lease_id: short.lease_id, fencing_token: short.fencing_token }), 'CONFLICT', /expired/);
  });

  test('shared leases coexist and block an exclusive one; a waiting exclusive is not overtaken by later shared requests', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => daemon.client()));
    const [a, b, c, d] = await Promise.all(clients.map((cl, i) => startSession(cl, `shared-${i}`)));
    const key = 'shared/doc.md';
    const leaseA = await arrived(clients[0]!.call('lock.acquire', { key, holder: { session_id: a! }, mode: 'shared' }));
    const leaseB = await arrived(clients[1]!.call('lock.acquire', { key, holder: { session_id: b! }, mode: 'shared' }));
    assert.equal((await listed(admin, key)).holders.length, 2);
    await refused(clients[2]!.call('lock.acquire', { key, holder: { session_id: c! } }), 'CONFLICT', /shared/);

    const exclusive = await parkedAcquire(clients[2]!, admin, { key, holder: { session_id: c! } }, 0);
    const overtaking = await refused(clients[3]!.call('lock.acquire', { key, holder: { session_id: d! }, mode: 'shared' }), 'CONFLICT', /earlier waiter/);
    assert.equal((overtaking.data as { waiters_ahead: unknown[] }).waiters_ahead.length, 1);
    const laterShared = await parkedAcquire(clients[3]!, admin, { key, holder: { session_id: d! }, mode: 'shared' }, 1);
    const queue = (await listed(admin, key)).waiters;
    assert.deepEqual(
      queue.map((w) => [w.mode, w.blocked_by]),
      [
        ['exclusive', [key]],
        ['shared', [key]],
      ],
    );

    const afterA = await clients[0]!.call('lock.release', { lease_id: leaseA.lease_id, fencing_token: leaseA.fencing_token });
    assert.deepEqual(afterA.handed_to, [], 'B still holds it shared');
    const afterB = await clients[1]!.call('lock.release', { lease_id: leaseB.lease_id, fencing_token: leaseB.fencing_token });
    assert.deepEqual(
      afterB.handed_to.map((h) => h.holder),
      [{ session_id: c! }],
    );
    const leaseC = await exclusive.granted;
    assert.ok(leaseC.fencing_token > leaseB.fencing_token);
    assert.ok(leaseC.waited_ms >= 0);
    assert.equal((await listed(admin, key)).waiters.length, 1, 'the shared request still waits behind the exclusive holder');
    await clients[2]!.call('lock.release', { lease_id: leaseC.lease_id, fencing_token: leaseC.fencing_token });
    const leaseD = await laterShared.granted;
    assert.equal(leaseD.mode, 'shared');
    await clients[3]!.call('lock.release', { lease_id: leaseD.lease_id, fencing_token: leaseD.fencing_token });
  });

  test('a glob conflicts with the paths it covers and with globs that can cover a common path', async () => {
    const [x, y] = await Promise.all([startSession(admin, 'glob-x'), startSession(admin, 'glob-y')]);
    const api = await arrived(admin.call('lock.acquire', { key: 'g/src/api/**', holder: { session_id: x } }));
    const other = { session_id: y };
    await refused(admin.call('lock.acquire', { key: 'g/src/api/users.ts', holder: other }), 'CONFLICT', /g\/src\/api\/\*\*/);
    await refused(admin.call('lock.acquire', { key: 'g/src/api', holder: other }), 'CONFLICT');
    await refused(admin.call('lock.acquire', { key: 'g/**/*.ts', holder: other }), 'CONFLICT');
    await refused(admin.call('lock.acquire', { key: 'g/src/*/users.ts', holder: other }), 'CONFLICT');
    await refused(admin.call('lock.acquire', { key: 'g/src/api/users.ts', holder: other, mode: 'shared' }), 'CONFLICT');
    const free: string[] = ['g/src/lib/x.ts', 'g/src/*.ts', 'g/docs/**', 'g/src/apix/y.ts'];
    const leases = [];
    for (const key of free) leases.push(await arrived(admin.call('lock.acquire', { key, holder: other })));
    await refused(admin.call('lock.acquire', { key: 'g/src/lib/**', holder: { session_id: x } }), 'CONFLICT', /g\/src\/lib\/x\.ts/);
    await refused(admin.call('lock.acquire', { key: 'g/src/b*.ts', holder: { session_id: x } }), 'CONFLICT', /g\/src\/\*\.ts/);
    leases.push(await arrived(admin.call('lock.acquire', { key: 'g/src/*.js', holder: { session_id: x } })));
    const sharedGlob = await arrived(admin.call('lock.acquire', { key: 'g/shared/**', holder: other, mode: 'shared' }));
    const sharedPath = await arrived(admin.call('lock.acquire', { key: 'g/shared/a.ts', holder: { session_id: x }, mode: 'shared' }));
    for (const lease of [api, ...leases, sharedGlob, sharedPath]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
  });

  test('20 clients race for one exclusive lock: one wins, the rest queue and get it in FIFO order, never two at once', async () => {
    const key = 'race/target.txt';
    const clients = await Promise.all(Array.from({ length: 20 }, () => daemon.client()));
    const sessions = await Promise.all(clients.map((c, i) => startSession(c, `racer-${i}`)));
    const since = await headSeq(admin);
    const granted: Array<{ index: number; lease: Lease }> = [];
    const calls = clients.map((c, index) =>
      arrived(c.call('lock.acquire', { key, holder: { session_id: sessions[index]! }, wait: true, timeout_seconds: 120 })).then((lease) => {
        granted.push({ index, lease });
        return lease;
      }),
    );
    await waitFor(
      async () => {
        const { holders, waiters } = await listed(admin, key);
        return holders.length === 1 && waiters.length === 19;
      },
      20_000,
      'one holder and 19 waiters',
    );
    const queued = await listed(admin, key);
    await waitFor(() => granted.length === 1, 10_000, 'the winner\'s answer');
    const winner = queued.holders[0]!.holder as { session_id: string };
    assert.equal(sessions[granted[0]!.index], winner.session_id);
    const order = [winner.session_id, ...[...queued.waiters].sort((p, q) => p.position - q.position).map((w) => (w.holder as { session_id: string }).session_id)];
    assert.equal(new Set(order).size, 20);

    let previousToken = 0;
    for (let step = 0; step < 20; step += 1) {
      await waitFor(() => granted.length >= step + 1, 20_000, `grant ${step + 1}`);
      assert.equal(granted.length, step + 1, 'only one holder at a time');
      const current = granted[step]!;
      assert.equal(sessions[current.index], order[step], `grant ${step + 1} follows the queue order`);
      assert.ok(current.lease.fencing_token > previousToken, 'fencing tokens strictly increase');
      previousToken = current.lease.fencing_token;
      const now = await listed(admin, key);
      assert.equal(now.holders.length, 1);
      assert.deepEqual(now.holders[0]!.holder, { session_id: order[step] });
      assert.equal(now.waiters.length, 19 - step);
      assert.equal(now.holders[0]!.fencing_token, previousToken);
      await clients[current.index]!.call('lock.release', { lease_id: current.lease.lease_id, fencing_token: current.lease.fencing_token });
    }
    await Promise.all(calls);
    assert.equal((await listed(admin, key)).holders.length, 0);

    // The log agrees: acquired and released alternate, one holder at a time, tokens rising.
    const events = await lockEvents(admin, key, since);
    assert.equal(events.length, 40);
    let held: number | null = null;
    let lastToken = 0;
    for (const event of events) {
      const token = (event.data as { fencing_token: number }).fencing_token;
      if (event.type === 'lock.acquired') {
        assert.equal(held, null, 'acquired while someone held it');
        assert.ok(token > lastToken);
        held = lastToken = token;
      } else {
        assert.equal(event.type, 'lock.released');
        assert.equal(token, held);
        held = null;
      }
    }
  });

  test('an expired lease frees the lock and wakes a waiter', async () => {
    const [s1, s2] = await Promise.all([startSession(admin, 'ttl-1'), startSession(admin, 'ttl-2')]);
    const key = 'ttl/file';
    const waiterClient = await daemon.client();
    const first = await arrived(admin.call('lock.acquire', { key, holder: { session_id: s1 }, ttl_seconds: 1 }));
    const waiting = arrived(waiterClient.call('lock.acquire', { key, holder: { session_id: s2 }, wait: true, timeout_seconds: 60 }));
    const second = await waiting;
    assert.ok(second.fencing_token > first.fencing_token);
    const events = await lockEvents(admin, key);
    const expired = events.find((e) => e.type === 'lock.expired')!;
    assert.ok(expired, 'lock.expired was emitted');
    assert.equal((expired.data as { reason: string }).reason, 'expired');
    assert.ok(expired.seq < events.find((e) => e.type === 'lock.acquired' && (e.data as { fencing_token: number }).fencing_token === second.fencing_token)!.seq);
    await admin.call('lock.release', { lease_id: second.lease_id, fencing_token: second.fencing_token });
  });

  test('a waiting acquire whose connection closes leaves the queue and never gets the lock', async () => {
    const [s1, s2] = await Promise.all([startSession(admin, 'close-1'), startSession(admin, 'close-2')]);
    const key = 'close/file';
    const held = await arrived(admin.call('lock.acquire', { key, holder: { session_id: s1 } }));
    const leaving = await daemon.client();
    const since = await headSeq(admin);
    await parkedAcquire(leaving, admin, { key, holder: { session_id: s2 } }, 0);
    await leaving.close();
    await waitFor(async () => (await listed(admin, key)).waiters.length === 0, 10_000, 'the waiter to leave the queue');
    await admin.call('lock.release', { lease_id: held.lease_id, fencing_token: held.fencing_token });
    assert.deepEqual(await listed(admin, key), { holders: [], waiters: [] });
    assert.deepEqual(
      (await lockEvents(admin, key, since)).map((e) => e.type),
      ['lock.released'],
    );
  });

  test('a session that ends loses its leases (and its identity\'s agent leases when it was the last session); waiters get them', async () => {
    await admin.call('project.create', { project_id: 'endp', name: 'End', agent_name: 'ed', client_id: 'end-ed' });
    const first = await startSession(admin, 'end-ed');
    const second = await startSession(admin, 'end-ed');
    const other = await startSession(admin, 'end-other');
    const waiterClient = await daemon.client();
    const bySession = await arrived(admin.call('lock.acquire', { key: 'end/session', holder: { session_id: first } }));
    const byAgent = await arrived(admin.call('lock.acquire', { key: 'end/agent', holder: { project_id: 'endp', agent_name: 'ed' } }));
    const since = await headSeq(admin);
    const waitsForSession = await parkedAcquire(waiterClient, admin, { key: 'end/session', holder: { session_id: other } }, 0);

    await admin.call('session.end', { session_id: first });
    const handed = await waitsForSession.granted;
    assert.ok(handed.fencing_token > bySession.fencing_token);
    const released = (await lockEvents(admin, 'end/session', since)).find((e) => e.type === 'lock.released')!;
    assert.equal((released.data as { reason: string }).reason, 'holder_gone');
    assert.equal((await listed(admin, 'end/agent')).holders.length, 1, 'another session of the identity still runs: the agent keeps its lease');

    const waitsForAgent = await parkedAcquire(waiterClient, admin, { key: 'end/agent', holder: { session_id: other } }, 0);
    await admin.call('session.end', { session_id: second });
    const agentLease = await waitsForAgent.granted;
    assert.ok(agentLease.fencing_token > byAgent.fencing_token);
    await refused(admin.call('lock.renew', { lease_id: byAgent.lease_id, fencing_token: byAgent.fencing_token }), 'CONFLICT', /holder gone/);
    for (const lease of [handed, agentLease]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
  });

  test('a member that leaves its project loses its leases there, and its parked acquires end', async () => {
    await admin.call('project.create', { project_id: 'leavep', name: 'Leave', agent_name: 'lea', client_id: 'leave-lea' });
    await admin.call('project.join', { project_id: 'leavep', agent_name: 'bo', client_id: 'leave-bo' });
    const waiterClient = await daemon.client();
    const leaseLea = await arrived(admin.call('lock.acquire', { key: 'leave/file', holder: { project_id: 'leavep', agent_name: 'lea' } }));
    const boWaits = await parkedAcquire(waiterClient, admin, { key: 'leave/file', holder: { project_id: 'leavep', agent_name: 'bo' } }, 0);
    await admin.call('project.leave', { project_id: 'leavep', agent_name: 'lea' });
    const leaseBo = await boWaits.granted;
    assert.ok(leaseBo.fencing_token > leaseLea.fencing_token);
    const released = (await lockEvents(admin, 'leave/file')).find((e) => e.type === 'lock.released')!;
    assert.equal((released.data as { reason: string }).reason, 'member_left');

    const operatorWaits = await parkedAcquire(waiterClient, admin, { key: 'leave/file', holder: { project_id: 'leavep', agent_name: 'operator' } }, 0);
    await admin.call('project.delete', { project_id: 'leavep' });
    await refused(operatorWaits.granted, 'CONFLICT', /deleted/);
    assert.equal((await admin.call('lock.list', { project_id: 'leavep' })).holder_count, 0);
  });
});

describe('locks across restarts and reaped sessions', () => {
  test('fencing tokens survive a daemon restart and keep increasing; leases still held are kept', async () => {
    const first = await startDaemon();
    const home = first.home;
    let second: TestDaemon | null = null;
    try {
      const c1 = await first.client();
      const sid = await startSession(c1, 'restart-client');
      const tokens: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const lease = await arrived(c1.call('lock.acquire', { key: `restart/${i}`, holder: { session_id: sid } }));
        tokens.push(lease.fencing_token);
        if (i < 2) await c1.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
      }
      await c1.close();
      assert.equal(await first.stop(), 0);
      second = await startDaemon({ home });
      const c2 = await second.client();
      const kept = await listed(c2, 'restart/2');
      assert.equal(kept.holders[0]!.fencing_token, tokens[2], 'the unreleased lease survived the restart');
      const after = await arrived(c2.call('lock.acquire', { key: 'restart/0', holder: { session_id: sid } }));
      assert.ok(after.fencing_token > Math.max(...tokens), `token ${after.fencing_token} after ${tokens.join(',')}`);
      await refused(c2.call('lock.acquire', { key: 'restart/2', holder: { session_id: sid } }), 'CONFLICT', /already holds/);
    } finally {
      await second?.cleanup();
      if (!second) await first.cleanup();
    }
  });

  test('a session whose process dies is reaped: its leases are released and a waiter gets the lock', async () => {
    const daemon = await startDaemon();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const client = await daemon.client();
      const waiterClient = await daemon.client();
      await client.call('config.set', { key: 'reaper_interval_seconds', value: 0.2 });
      const doomed = await startSession(client, 'reap-doomed', child.pid!);
      const survivor = await startSession(client, 'reap-survivor');
      const held = await arrived(client.call('lock.acquire', { key: 'reap/file', holder: { session_id: doomed }, ttl_seconds: 3600 }));
      const waiting = await parkedAcquire(waiterClient, client, { key: 'reap/file', holder: { session_id: survivor } }, 0);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const lease = await waiting.granted;
      assert.ok(lease.fencing_token > held.fencing_token);
      const released = (await lockEvents(client, 'reap/file')).find((e) => e.type === 'lock.released')!;
      assert.equal((released.data as { reason: string }).reason, 'holder_gone');
      assert.match((released.data as { detail: string }).detail, /exited/);
    } finally {
      child.kill('SIGKILL');
      await daemon.cleanup();
    }
  });
});
