// Projects and members through the real daemon: create, join, info (with wait), leave, archive, delete, and one coordinator under races.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { arrived, failure } from '../helpers/rpc-assert.js';

const { daemon, client: c } = withDaemon();

const wd = (name: string) => `/work/${name}`;
let n = 0;
const fresh = () => `p${++n}-${process.pid}`;

describe('create and join', () => {
  test('the creating agent becomes coordinator; joiners are contributors; info shows members and context', async () => {
    const id = fresh();
    const created = await c.call('project.create', { project_id: id, name: 'API', context: { goal: 'graphql' }, agent_name: 'backend', working_directory: wd('be') });
    assert.equal(created.coordinator, 'backend');
    const joined = await c.call('project.join', { project_id: id, agent_name: 'frontend', working_directory: wd('fe'), capabilities: ['react'], labels: { team: 'web' } });
    assert.equal(joined.role, 'contributor');
    assert.match(joined.role_description, /contributor/);
    assert.ok(!joined.suggested_names.includes('frontend') && !joined.suggested_names.includes('backend'));
    const info = await arrived(c.call('project.info', { project_id: id }));
    assert.deepEqual(info.project.context, { goal: 'graphql' });
    assert.equal(info.coordinator, 'backend');
    assert.deepEqual(
      info.members.map((m) => [m.agent_name, m.role]),
      [
        ['backend', 'coordinator'],
        ['frontend', 'contributor'],
      ],
    );
    assert.deepEqual(info.members[1]!.capabilities, ['react']);
    assert.deepEqual(info.members[1]!.labels, { team: 'web' });
  });

  test('project_id is derived safely from the name, and made unique', async () => {
    const a = await c.call('project.create', { name: 'Ünïcode & Spaces / Slashes!' });
    assert.match(a.project_id, /^[a-z0-9-]+$/);
    const b = await c.call('project.create', { name: 'Ünïcode & Spaces / Slashes!' });
    assert.notEqual(a.project_id, b.project_id);
    assert.equal(b.coordinator, null);
    const first = await c.call('project.join', { project_id: b.project_id, agent_name: 'first', client_id: 'client-first' });
    assert.equal(first.role, 'coordinator', 'with no creating agent the first to join coordinates');
  });

  test('rejoining from the same identity resumes; the same name from another identity is refused', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x', agent_name: 'lead', working_directory: wd('lead') });
    const again = await c.call('project.join', { project_id: id, agent_name: 'lead', working_directory: wd('lead') });
    assert.equal(again.rejoined, true);
    assert.equal(again.role, 'coordinator');
    const clash = await failure(c.call('project.join', { project_id: id, agent_name: 'lead', working_directory: wd('other') }));
    assert.equal(clash.appCode, 'CONFLICT');
    assert.match(clash.message, /already taken/);
  });

  test('errors: duplicate id, missing project (listing what exists), reserved operator name, no identity', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x' });
    assert.equal((await failure(c.call('project.create', { project_id: id, name: 'y' }))).appCode, 'CONFLICT');
    const missing = await failure(c.call('project.join', { project_id: 'nope', agent_name: 'a', client_id: 'c1' }));
    assert.equal(missing.appCode, 'NOT_FOUND');
    assert.match(missing.message, new RegExp(id));
    assert.equal((await failure(c.call('project.join', { project_id: id, agent_name: 'operator', client_id: 'c1' }))).appCode, 'INVALID');
    assert.equal((await failure(c.call('project.create', { name: 'z', agent_name: 'solo' }))).appCode, 'INVALID');
  });

  test('hostile and oversized input is refused before anything is written', async () => {
    const before = (await c.call('system.info')).counts.projects;
    for (const bad of ['a/b', '..', 'has space', "x'; DROP TABLE projects;--", 'x'.repeat(257), '', 'ünï']) {
      assert.equal((await failure(c.callRaw('project.create', { project_id: bad, name: 'n' }))).code, -32602, bad);
    }
    assert.equal((await failure(c.callRaw('project.create', { name: 'x'.repeat(201) }))).code, -32602);
    assert.equal((await failure(c.callRaw('project.create', {}))).code, -32602);
    assert.equal((await failure(c.callRaw('project.create', { name: 'n', working_directory: 'relative/path', agent_name: 'a' }))).code, -32602);
    let deep: unknown = 1;
    for (let i = 0; i < 150; i += 1) deep = { d: deep };
    assert.equal((await failure(c.call('project.create', { name: 'deep', context: { deep } }))).appCode, 'LIMIT_EXCEEDED');
    assert.equal((await failure(c.call('project.create', { name: 'big', context: { s: 'x'.repeat(70_000) } }))).appCode, 'LIMIT_EXCEEDED');
    assert.equal((await c.call('system.info')).counts.projects, before);
  });
});

describe('info, list and wait', () => {
  test('info waits for a project created later by another client, without polling', async () => {
    const id = fresh();
    const waiter = await daemon.client();
    const waiting = arrived(waiter.call('project.info', { project_id: id, wait: true, timeout_seconds: 30 }));
    await waitFor(async () => ((await c.call('system.info')).counts.waiting ?? 0) >= 1, 5000, 'the wait to park');
    await c.call('project.create', { project_id: id, name: 'late' });
    const info = await waiting;
    assert.equal(info.project.project_id, id);
    assert.ok(info.waited_ms > 0);
  });

  test('a wait that runs out answers timed_out; without wait a missing project is NOT_FOUND', async () => {
    const waited = await c.call('project.info', { project_id: 'never-made', wait: true, timeout_seconds: 0.2 });
    assert.deepEqual([waited.timed_out, (waited as { project_id: string }).project_id], [true, 'never-made']);
    assert.match((waited as { message: string }).message, /was not created within/);
    assert.equal((await failure(c.call('project.info', { project_id: 'never-made' }))).appCode, 'NOT_FOUND');
  });

  test('list pages and hides archived unless asked', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'to archive' });
    await c.call('project.archive', { project_id: id, archive_reason: 'done' });
    const visible = await c.call('project.list', { limit: 1000 });
    assert.ok(!visible.projects.some((p) => p.project_id === id));
    const all = await c.call('project.list', { include_archived: true, limit: 1000 });
    assert.ok(all.projects.some((p) => p.project_id === id && p.archived));
    const page = await c.call('project.list', { include_archived: true, offset: 1, limit: 1 });
    assert.equal(page.projects.length, 1);
    assert.equal(page.total, all.total);
  });
});

describe('leave, archive, delete, handover', () => {
  test('a leaving coordinator passes the role to the longest-standing member', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x', agent_name: 'a', client_id: 'ca' });
    await c.call('project.join', { project_id: id, agent_name: 'b', client_id: 'cb' });
    await c.call('project.join', { project_id: id, agent_name: 'c', client_id: 'cc' });
    const left = await c.call('project.leave', { project_id: id, agent_name: 'a' });
    assert.equal(left.new_coordinator, 'b');
    assert.equal((await arrived(c.call('project.info', { project_id: id }))).coordinator, 'b');
    assert.equal((await failure(c.call('project.leave', { project_id: id, agent_name: 'a' }))).appCode, 'NOT_FOUND');
  });

  test('archive: creator, coordinator or operator only; an archived project takes no joins; twice is CONFLICT', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x', agent_name: 'own', client_id: 'co' });
    await c.call('project.join', { project_id: id, agent_name: 'helper', client_id: 'ch' });
    assert.equal((await failure(c.call('project.archive', { project_id: id, agent_name: 'helper' }))).appCode, 'PERMISSION_DENIED');
    const archived = await c.call('project.archive', { project_id: id, agent_name: 'own', archive_reason: 'shipped' });
    assert.ok(archived.archived_at);
    assert.equal((await failure(c.call('project.archive', { project_id: id }))).appCode, 'CONFLICT');
    assert.equal((await failure(c.call('project.join', { project_id: id, agent_name: 'late', client_id: 'cl' }))).appCode, 'CONFLICT');
    const info = await arrived(c.call('project.info', { project_id: id }));
    assert.equal(info.project.archive_reason, 'shipped');
  });

  test('delete: only the creator or operator; it removes the members too', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x', agent_name: 'maker', client_id: 'cm' });
    await c.call('project.join', { project_id: id, agent_name: 'other', client_id: 'cx' });
    assert.equal((await failure(c.call('project.delete', { project_id: id, agent_name: 'other' }))).appCode, 'PERMISSION_DENIED');
    await c.call('project.delete', { project_id: id, agent_name: 'maker' });
    assert.equal((await failure(c.call('project.info', { project_id: id }))).appCode, 'NOT_FOUND');
    const status = await c.call('session.status', { client_id: 'cx' });
    assert.ok(!status.projects.some((p) => p.project_id === id), 'memberships went with the project');
  });

  test('handover: only the coordinator, only to a member, and concurrent attempts leave exactly one coordinator', async () => {
    const id = fresh();
    await c.call('project.create', { project_id: id, name: 'x', agent_name: 'boss', client_id: 'cboss' });
    const names = Array.from({ length: 8 }, (_, i) => `m${i}`);
    for (const name of names) await c.call('project.join', { project_id: id, agent_name: name, client_id: `c-${name}` });
    assert.equal((await failure(c.call('project.handover', { project_id: id, from_agent: 'm0', to_agent: 'm1' }))).appCode, 'PERMISSION_DENIED');
    assert.equal((await failure(c.call('project.handover', { project_id: id, from_agent: 'boss', to_agent: 'ghost' }))).appCode, 'NOT_FOUND');
    const clients = await Promise.all(names.map(() => daemon.client()));
    const outcomes = await Promise.allSettled(names.map((to, i) => clients[i]!.call('project.handover', { project_id: id, from_agent: 'boss', to_agent: to })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'exactly one handover wins');
    const info = await arrived(c.call('project.info', { project_id: id }));
    assert.equal(info.members.filter((m) => m.role === 'coordinator').length, 1);
    const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ to_agent: string }>).value.to_agent;
    assert.equal(info.coordinator, winner);
    const events = await c.call('events.list', { types: ['project.coordinator_changed'], limit: 1000 });
    assert.equal(events.events.filter((e) => e.subject === id).length, 1);
  });
});
