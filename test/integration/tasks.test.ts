// The task queue through a real daemon: priority then age, one winner per task under load, permissions, and release when holders go.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { BrainsClient } from '../../rpc/client.js';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith, invalidParams, projectWith, headSeq, eventsSince, waitingCount, parkedBeyond } from '../helpers/rpc-assert.js';

async function create(c: BrainsClient, projectId: string, title: string, extra: { priority?: 'p0' | 'p1' | 'p2' | 'p3'; labels?: string[]; created_by?: string } = {}) {
  return c.call('task.create', { project_id: projectId, title, ...extra });
}

const { daemon, client: c } = withDaemon();

describe('task.create', () => {
  test('makes an open p2 task by the operator, numbered task-N, and emits task.created', async () => {
    await projectWith(c, 'mk', ['lead', 'dev']);
    const seq = await headSeq(c);
    const task = await create(c, 'mk', 'Write the parser');
    assert.match(task.task_id, /^task-\d+$/);
    assert.equal(task.status, 'open');
    assert.equal(task.priority, 'p2');
    assert.equal(task.created_by, 'operator');
    assert.equal(task.body, null);
    assert.deepEqual(task.labels, []);
    assert.deepEqual(task.notes, []);
    assert.equal(task.claimed_by, null);
    assert.equal(task.claimed_session, null);
    assert.equal(task.claimed_at, null);
    assert.equal(task.created_at, task.updated_at);
    const full = await c.call('task.create', { project_id: 'mk', title: 'Ship it', body: 'details', priority: 'p0', labels: ['ui', 'ui', 'x:y'], created_by: 'dev' });
    assert.equal(full.created_by, 'dev');
    assert.equal(full.body, 'details');
    assert.deepEqual(full.labels, ['ui', 'x:y'], 'labels are kept once each');
    const created = await eventsSince(c, seq, 'task.created');
    assert.deepEqual(
      created.map((e) => [e.subject, (e.data as { task_id: string }).task_id]),
      [
        ['mk', task.task_id],
        ['mk', full.task_id],
      ],
    );
    assert.deepEqual(await c.call('task.get', { project_id: 'mk', task_id: full.task_id }), full);
  });

  test('refuses unknown projects, non-members, archived projects, oversized bodies and bad params, storing nothing', async () => {
    await projectWith(c, 'mkbad', ['lead']);
    await create(c, 'mkbad', 'existing');
    await refusedWith(create(c, 'nope', 'x'), 'NOT_FOUND');
    await refusedWith(create(c, 'mkbad', 'x', { created_by: 'stranger' }), 'NOT_FOUND');
    const big = await refusedWith(c.call('task.create', { project_id: 'mkbad', title: 'big', body: '€'.repeat(30_000) }), 'LIMIT_EXCEEDED');
    assert.match(big.message, /65536-byte limit/);
    await c.call('task.create', { project_id: 'mkbad', title: 'exactly at the limit', body: 'a'.repeat(64 * 1024) });
    const bad: unknown[] = [
      { project_id: 'mkbad' },
      { project_id: 'mkbad', title: '' },
      { project_id: 'mkbad', title: '   ' },
      { project_id: 'mkbad', title: 'x'.repeat(501) },
      { project_id: 'mkbad', title: 'x', priority: 'p4' },
      { project_id: 'mkbad', title: 'x', priority: 0 },
      { project_id: 'mkbad', title: 'x', labels: Array.from({ length: 51 }, (_, i) => `l${i}`) },
      { project_id: 'mkbad', title: 'x', labels: ['has space'] },
      { project_id: 'mkbad', title: 'x', labels: [''] },
      { project_id: 'mkbad', title: 'x', labels: 'ui' },
      { project_id: 'mkbad', title: 'x', body: { deep: [[[1]]] } },
      { project_id: 'mkbad', title: 'x', extra: 1 },
      { project_id: 'mkbad', title: 'x', created_by: '../lead' },
      { project_id: '../mkbad', title: 'x' },
      { project_id: 'mk bad', title: 'x' },
      { project_id: "mkbad'; DROP TABLE tasks; --", title: 'x' },
      { project_id: 'p'.repeat(300), title: 'x' },
      { project_id: 'mkbad/..', title: 'x' },
    ];
    for (const params of bad) await invalidParams(c.callRaw('task.create', params));
    await invalidParams(c.callRaw('task.create', [1, 2]));
    const listed = await c.call('task.list', { project_id: 'mkbad' });
    assert.equal(listed.total, 2, 'only the two accepted tasks are stored');
    await c.call('project.archive', { project_id: 'mkbad' });
    await refusedWith(create(c, 'mkbad', 'late'), 'CONFLICT');
    await refusedWith(c.call('task.claim', { project_id: 'mkbad', agent_name: 'lead' }), 'CONFLICT');
    assert.equal((await c.call('task.list', { project_id: 'mkbad' })).total, 2);
  });
});

describe('task.claim', () => {
  test('gives p0 first, then the oldest of a priority, then null when nothing is open', async () => {
    await projectWith(c, 'order', ['lead', 'dev']);
    const a = await create(c, 'order', 'a', { priority: 'p2' });
    const b = await create(c, 'order', 'b', { priority: 'p0' });
    const cc = await create(c, 'order', 'c', { priority: 'p1' });
    const d = await create(c, 'order', 'd', { priority: 'p0' });
    const e = await create(c, 'order', 'e', { priority: 'p3' });
    const claimed: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { task } = await c.call('task.claim', { project_id: 'order', agent_name: 'dev' });
      assert.ok(task);
      assert.equal(task.status, 'claimed');
      assert.equal(task.claimed_by, 'dev');
      assert.ok(task.claimed_at);
      claimed.push(task.task_id);
    }
    assert.deepEqual(claimed, [b.task_id, d.task_id, cc.task_id, a.task_id, e.task_id]);
    assert.deepEqual(await c.call('task.claim', { project_id: 'order', agent_name: 'dev' }), { task: null, waited_ms: 0, timed_out: false });
  });

  test('labels restrict the claim to tasks that carry all of them', async () => {
    await projectWith(c, 'lab', ['lead', 'dev']);
    await create(c, 'lab', 'plain', { priority: 'p0' });
    await create(c, 'lab', 'ui only', { labels: ['ui'] });
    const both = await create(c, 'lab', 'ui and db', { priority: 'p3', labels: ['db', 'ui'] });
    const { task } = await c.call('task.claim', { project_id: 'lab', agent_name: 'dev', labels: ['ui', 'db'] });
    assert.equal(task?.task_id, both.task_id);
    assert.equal((await c.call('task.claim', { project_id: 'lab', agent_name: 'dev', labels: ['db'] })).task, null);
    assert.equal((await c.call('task.claim', { project_id: 'lab', agent_name: 'dev', labels: ['ui'] })).task?.title, 'ui only');
    await refusedWith(c.call('task.claim', { project_id: 'lab', agent_name: 'dev', labels: ['ui'], task_id: both.task_id }), 'INVALID');
  });

  test('a named claim takes that task; a held one is CONFLICT naming the holder', async () => {
    await projectWith(c, 'named', ['lead', 'dev', 'qa']);
    await create(c, 'named', 'first', { priority: 'p0' });
    const wanted = await create(c, 'named', 'wanted', { priority: 'p3' });
    const { task } = await c.call('task.claim', { project_id: 'named', agent_name: 'qa', task_id: wanted.task_id });
    assert.equal(task?.task_id, wanted.task_id);
    const held = await refusedWith(c.call('task.claim', { project_id: 'named', agent_name: 'dev', task_id: wanted.task_id }), 'CONFLICT');
    assert.match(held.message, /claimed by qa/);
    await refusedWith(c.call('task.claim', { project_id: 'named', agent_name: 'dev', task_id: 'task-999999999' }), 'NOT_FOUND');
    await projectWith(c, 'named2', ['other']);
    await refusedWith(c.call('task.claim', { project_id: 'named2', agent_name: 'other', task_id: wanted.task_id }), 'NOT_FOUND');
    await c.call('task.update', { project_id: 'named', task_id: wanted.task_id, agent_name: 'qa', status: 'done' });
    assert.match((await refusedWith(c.call('task.claim', { project_id: 'named', agent_name: 'dev', task_id: wanted.task_id }), 'CONFLICT')).message, /is done/);
  });

  test('refuses non-members, foreign, unknown or ended sessions and bad params, and claims nothing then', async () => {
    await projectWith(c, 'claimbad', ['lead', 'dev']);
    const t = await create(c, 'claimbad', 'only');
    await refusedWith(c.call('task.claim', { project_id: 'claimbad', agent_name: 'ghost' }), 'NOT_FOUND');
    await refusedWith(c.call('task.claim', { project_id: 'nowhere', agent_name: 'dev' }), 'NOT_FOUND');
    await refusedWith(c.call('task.claim', { project_id: 'claimbad', agent_name: 'dev', session_id: 'no-such-session' }), 'NOT_FOUND');
    const leadSession = await c.call('session.start', { tool: 'other', client_id: 'claimbad-lead' });
    await refusedWith(c.call('task.claim', { project_id: 'claimbad', agent_name: 'dev', session_id: leadSession.session_id }), 'PERMISSION_DENIED');
    await refusedWith(c.call('task.claim', { project_id: 'claimbad', agent_name: 'operator', session_id: leadSession.session_id }), 'INVALID');
    const devSession = await c.call('session.start', { tool: 'other', client_id: 'claimbad-dev' });
    await c.call('session.end', { session_id: devSession.session_id });
    await refusedWith(c.call('task.claim', { project_id: 'claimbad', agent_name: 'dev', session_id: devSession.session_id }), 'CONFLICT');
    const bad: unknown[] = [
      { agent_name: 'dev' },
      { project_id: 'claimbad', agent_name: 'dev', task_id: '../task-1' },
      { project_id: 'claimbad', agent_name: 'dev', task_id: 'task-0' },
      { project_id: 'claimbad', agent_name: 'dev', task_id: "task-1' OR 1=1 --" },
      { project_id: 'claimbad', agent_name: 'dev', task_id: `task-${'9'.repeat(20)}` },
      { project_id: 'claimbad', agent_name: 'dev', session_id: 's'.repeat(300) },
      { project_id: 'claimbad', agent_name: 'dev', labels: [{}] },
      { project_id: 'claimbad', agent_name: 'dev', wait: true, timeout_seconds: 3601 },
      { project_id: 'claimbad', agent_name: 'dev/..' },
    ];
    for (const params of bad) await invalidParams(c.callRaw('task.claim', params));
    assert.equal((await c.call('task.get', { project_id: 'claimbad', task_id: t.task_id })).status, 'open');
    const withOwnSession = await c.call('session.start', { tool: 'other', client_id: 'claimbad-dev' });
    const { task } = await c.call('task.claim', { project_id: 'claimbad', agent_name: 'dev', session_id: withOwnSession.session_id });
    assert.equal(task?.claimed_session, withOwnSession.session_id);
  });

  for (const queue of [10, 30]) {
    test(`20 clients claiming at once from a queue of ${queue}: every claim answered, no task claimed twice`, async () => {
      const project = `race${queue}`;
      const agents = Array.from({ length: 20 }, (_, i) => `w${i}`);
      await projectWith(c, project, agents);
      for (let i = 0; i < queue; i += 1) await create(c, project, `job ${i}`, { priority: (['p0', 'p1', 'p2', 'p3'] as const)[i % 4]! });
      const clients = await Promise.all(agents.map(() => daemon.client()));
      const seq = await headSeq(c);
      const results = await Promise.all(clients.map((client, i) => client.call('task.claim', { project_id: project, agent_name: agents[i]! })));
      assert.equal(results.length, 20, 'every claim was answered');
      const won = results.flatMap((r, i) => (r.task ? [{ task: r.task.task_id, by: r.task.claimed_by, agent: agents[i] }] : []));
      assert.equal(won.length, Math.min(queue, 20));
      assert.equal(new Set(won.map((w) => w.task)).size, won.length, 'no task claimed twice');
      for (const w of won) assert.equal(w.by, w.agent);
      const claimedEvents = await eventsSince(c, seq, 'task.claimed');
      assert.equal(claimedEvents.length, won.length);
      const listed = await c.call('task.list', { project_id: project, status: 'claimed', limit: 1000 });
      assert.equal(listed.total, won.length);
      assert.deepEqual(new Set(listed.tasks.map((t) => t.task_id)), new Set(won.map((w) => w.task)));
      assert.equal((await c.call('task.list', { project_id: project, status: 'open' })).total, queue - won.length);
      if (queue > 20) {
        const open = (await c.call('task.list', { project_id: project, status: 'open', limit: 1000 })).tasks;
        assert.ok(open.every((t) => t.priority === 'p3' || t.priority === 'p2'), 'the most urgent went first');
      }
    });
  }

  test('with wait: parks until a task opens, or answers null at the timeout', async () => {
    await projectWith(c, 'waitq', ['lead', 'dev']);
    const waiter = await daemon.client();
    const idle = await waitingCount(c);
    const parked = waiter.call('task.claim', { project_id: 'waitq', agent_name: 'dev', wait: true, timeout_seconds: 30 });
    await parkedBeyond(c, idle);
    const made = await create(c, 'waitq', 'arrives later');
    const { task } = await parked;
    assert.equal(task?.task_id, made.task_id);
    assert.equal(task?.claimed_by, 'dev');
    const timedOut = await c.call('task.claim', { project_id: 'waitq', agent_name: 'dev', wait: true, timeout_seconds: 0.2 });
    assert.equal(timedOut.task, null);
    assert.equal(timedOut.timed_out, true);
  });

  test('several parked claimers: each new task wakes exactly one of them', async () => {
    const agents = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await projectWith(c, 'parkq', ['lead', ...agents]);
    const idle = await waitingCount(c);
    const clients = await Promise.all(agents.map(() => daemon.client()));
    const claims = clients.map((client, i) => client.call('task.claim', { project_id: 'parkq', agent_name: agents[i]!, wait: true, timeout_seconds: 60 }));
    await waitFor(async () => (await waitingCount(c)) >= idle + agents.length, 10_000, 'five parked claims');
    const made = [];
    for (let i = 0; i < agents.length; i += 1) made.push((await create(c, 'parkq', `arrival ${i}`)).task_id);
    const results = await Promise.all(claims);
    const got = results.map((r) => r.task?.task_id);
    assert.deepEqual([...got].sort(), [...made].sort(), 'every task went to exactly one waiter');
    results.forEach((r, i) => assert.equal(r.task?.claimed_by, agents[i]));
  });
});

describe('task.update and task.release', () => {
  test('the claimer, the coordinator or the operator may finish; others are refused; final is final', async () => {
    await projectWith(c, 'flow', ['lead', 'dev', 'qa']);
    const t1 = await create(c, 'flow', 'one');
    await c.call('task.claim', { project_id: 'flow', agent_name: 'dev', task_id: t1.task_id });
    const seq = await headSeq(c);
    await refusedWith(c.call('task.update', { project_id: 'flow', task_id: t1.task_id, agent_name: 'qa', status: 'done' }), 'PERMISSION_DENIED');
    assert.equal((await c.call('task.get', { project_id: 'flow', task_id: t1.task_id })).status, 'claimed');
    const done = await c.call('task.update', { project_id: 'flow', task_id: t1.task_id, agent_name: 'dev', status: 'done', note: 'merged in abc123' });
    assert.equal(done.status, 'done');
    assert.equal(done.claimed_by, 'dev', 'who finished it stays recorded');
    assert.equal(done.notes.length, 1);
    assert.equal(done.notes[0]!.author, 'dev');
    assert.equal(done.notes[0]!.text, 'merged in abc123');
    const updated = await eventsSince(c, seq, 'task.updated');
    assert.equal(updated.length, 1);
    assert.deepEqual(updated[0]!.data, { task_id: t1.task_id, agent_name: 'dev', status: 'done', previous_status: 'claimed', claimed_by: 'dev' });
    for (const status of ['done', 'failed', 'cancelled', 'open'] as const) {
      const refused = await refusedWith(c.call('task.update', { project_id: 'flow', task_id: t1.task_id, agent_name: 'lead', status }), 'CONFLICT');
      assert.match(refused.message, /final/);
    }
    await refusedWith(c.call('task.release', { project_id: 'flow', task_id: t1.task_id, agent_name: 'dev' }), 'CONFLICT');

    const t2 = await create(c, 'flow', 'two');
    await refusedWith(c.call('task.update', { project_id: 'flow', task_id: t2.task_id, agent_name: 'lead', status: 'failed' }), 'CONFLICT');
    await c.call('task.claim', { project_id: 'flow', agent_name: 'dev', task_id: t2.task_id });
    assert.equal((await c.call('task.update', { project_id: 'flow', task_id: t2.task_id, agent_name: 'lead', status: 'failed' })).status, 'failed');

    const t3 = await create(c, 'flow', 'three');
    await c.call('task.claim', { project_id: 'flow', agent_name: 'qa', task_id: t3.task_id });
    assert.equal((await c.call('task.update', { project_id: 'flow', task_id: t3.task_id, agent_name: 'operator', status: 'done' })).status, 'done');
  });

  test('cancel: by the creator, the coordinator or the operator, on open or claimed tasks', async () => {
    await projectWith(c, 'cancel', ['lead', 'dev', 'qa']);
    const mine = await create(c, 'cancel', 'by dev', { created_by: 'dev' });
    await refusedWith(c.call('task.update', { project_id: 'cancel', task_id: mine.task_id, agent_name: 'qa', status: 'cancelled' }), 'PERMISSION_DENIED');
    assert.equal((await c.call('task.update', { project_id: 'cancel', task_id: mine.task_id, agent_name: 'dev', status: 'cancelled' })).status, 'cancelled');
    const held = await create(c, 'cancel', 'held by qa');
    await c.call('task.claim', { project_id: 'cancel', agent_name: 'qa', task_id: held.task_id });
    await refusedWith(c.call('task.update', { project_id: 'cancel', task_id: held.task_id, agent_name: 'qa', status: 'cancelled' }), 'PERMISSION_DENIED');
    assert.equal((await c.call('task.update', { project_id: 'cancel', task_id: held.task_id, agent_name: 'lead', status: 'cancelled' })).status, 'cancelled');
    const third = await create(c, 'cancel', 'operator cancels');
    assert.equal((await c.call('task.update', { project_id: 'cancel', task_id: third.task_id, agent_name: 'operator', status: 'cancelled' })).status, 'cancelled');
    assert.equal((await c.call('task.claim', { project_id: 'cancel', agent_name: 'dev' })).task, null, 'cancelled tasks are not in the queue');
  });

  test('notes: any member, any time, kept in order with author and time; bounded in size and number', async () => {
    await projectWith(c, 'notes', ['lead', 'dev']);
    const t = await create(c, 'notes', 'noted');
    const seq = await headSeq(c);
    await c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: 'first' });
    const second = await c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'operator', note: 'second' });
    assert.deepEqual(
      second.notes.map((n) => [n.author, n.text]),
      [
        ['dev', 'first'],
        ['operator', 'second'],
      ],
    );
    assert.ok(second.notes.every((n) => !Number.isNaN(Date.parse(n.time))));
    assert.equal(second.status, 'open');
    assert.ok(second.updated_at >= t.updated_at);
    assert.equal((await eventsSince(c, seq, 'task.updated')).length, 2);
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev' }), 'INVALID');
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: '€'.repeat(6000) }), 'LIMIT_EXCEEDED');
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', status: 'claimed' }), 'INVALID');
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', status: 'open' }), 'CONFLICT');
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'ghost', note: 'hi' }), 'NOT_FOUND');
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: 'task-987654321', agent_name: 'dev', note: 'hi' }), 'NOT_FOUND');
    for (const params of [
      { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: '' },
      { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', status: 'finished' },
      { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: { text: 'x' } },
      { project_id: 'notes', task_id: t.task_id.replace('task-', 'task/'), agent_name: 'dev', note: 'x' },
      { project_id: 'notes', task_id: t.task_id, agent_name: 'a'.repeat(257), note: 'x' },
    ]) {
      await invalidParams(c.callRaw('task.update', params));
    }
    const still = await c.call('task.get', { project_id: 'notes', task_id: t.task_id });
    assert.equal(still.notes.length, 2, 'refused updates stored nothing');
    for (let i = still.notes.length; i < 500; i += 1) await c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: `n${i}` });
    await refusedWith(c.call('task.update', { project_id: 'notes', task_id: t.task_id, agent_name: 'dev', note: 'one too many' }), 'LIMIT_EXCEEDED');
    assert.equal((await c.call('task.list', { project_id: 'notes' })).tasks[0]!.note_count, 500);
  });

  test('release: the claimer, the coordinator or the operator put a claimed task back, with task.released', async () => {
    await projectWith(c, 'rel', ['lead', 'dev', 'qa']);
    const t = await create(c, 'rel', 'bounce');
    await c.call('task.claim', { project_id: 'rel', agent_name: 'dev' });
    await refusedWith(c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'qa' }), 'PERMISSION_DENIED');
    await refusedWith(c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'ghost' }), 'NOT_FOUND');
    const seq = await headSeq(c);
    const back = await c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'dev' });
    assert.equal(back.status, 'open');
    assert.equal(back.claimed_by, null);
    assert.equal(back.claimed_session, null);
    assert.equal(back.claimed_at, null);
    const released = await eventsSince(c, seq, 'task.released');
    assert.deepEqual(released.map((e) => e.data), [{ task_id: t.task_id, agent_name: 'dev', session_id: null, released_by: 'dev', reason: 'released by dev' }]);
    await refusedWith(c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'dev' }), 'CONFLICT');
    await c.call('task.claim', { project_id: 'rel', agent_name: 'qa' });
    assert.equal((await c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'lead' })).status, 'open');
    await c.call('task.claim', { project_id: 'rel', agent_name: 'qa' });
    assert.equal((await c.call('task.release', { project_id: 'rel', task_id: t.task_id, agent_name: 'operator' })).status, 'open');
    await c.call('task.claim', { project_id: 'rel', agent_name: 'qa' });
    const viaUpdate = await c.call('task.update', { project_id: 'rel', task_id: t.task_id, agent_name: 'qa', status: 'open', note: 'blocked on review' });
    assert.equal(viaUpdate.status, 'open');
    assert.equal(viaUpdate.notes.at(-1)?.text, 'blocked on review');
    await invalidParams(c.callRaw('task.release', { task_id: t.task_id, agent_name: 'qa' }));
    // The operator may leave itself out; the task is open, so there is nothing to release.
    await refusedWith(c.callRaw('task.release', { project_id: 'rel', task_id: t.task_id }), 'CONFLICT');
  });
});

describe('task.list and task.get', () => {
  test('queue order, filters, paging and totals; summaries without body and notes', async () => {
    await projectWith(c, 'lst', ['lead', 'dev']);
    const low = await c.call('task.create', { project_id: 'lst', title: 'low', body: 'long body', priority: 'p3', labels: ['ui'] });
    const high = await create(c, 'lst', 'high', { priority: 'p0', labels: ['ui', 'db'] });
    const mid = await create(c, 'lst', 'mid', { priority: 'p1' });
    await c.call('task.claim', { project_id: 'lst', agent_name: 'dev', task_id: mid.task_id });
    const all = await c.call('task.list', { project_id: 'lst' });
    assert.deepEqual(
      all.tasks.map((t) => t.task_id),
      [high.task_id, mid.task_id, low.task_id],
    );
    assert.equal(all.total, 3);
    assert.ok(!('body' in all.tasks[0]!) && !('notes' in all.tasks[0]!));
    assert.equal(all.tasks[0]!.note_count, 0);
    const ids = async (filter: Record<string, unknown>) => (await c.call('task.list', { project_id: 'lst', ...filter })).tasks.map((t) => t.task_id);
    assert.deepEqual(await ids({ status: 'claimed' }), [mid.task_id]);
    assert.deepEqual(await ids({ claimed_by: 'dev' }), [mid.task_id]);
    assert.deepEqual(await ids({ labels: ['ui'] }), [high.task_id, low.task_id]);
    assert.deepEqual(await ids({ labels: ['db', 'ui'] }), [high.task_id]);
    assert.deepEqual(await ids({ priority: 'p3' }), [low.task_id]);
    assert.deepEqual(await ids({ status: 'open', priority: 'p1' }), []);
    const page = await c.call('task.list', { project_id: 'lst', offset: 1, limit: 1 });
    assert.deepEqual(
      page.tasks.map((t) => t.task_id),
      [mid.task_id],
    );
    assert.equal(page.total, 3);
    assert.equal((await c.call('task.get', { project_id: 'lst', task_id: low.task_id })).body, 'long body');
    await refusedWith(c.call('task.list', { project_id: 'nowhere' }), 'NOT_FOUND');
    await refusedWith(c.call('task.get', { project_id: 'lst', task_id: 'task-999999999' }), 'NOT_FOUND');
    for (const params of [{ project_id: 'lst', limit: 0 }, { project_id: 'lst', limit: 1001 }, { project_id: 'lst', offset: -1 }, { project_id: 'lst', status: 'gone' }, {}]) {
      await invalidParams(c.callRaw('task.list', params));
    }
  });

  test('deleting the project deletes its tasks', async () => {
    await projectWith(c, 'gone', ['lead']);
    const t = await create(c, 'gone', 'doomed');
    await c.call('project.delete', { project_id: 'gone' });
    await refusedWith(c.call('task.get', { project_id: 'gone', task_id: t.task_id }), 'NOT_FOUND');
  });
});

describe('holders that go away', () => {
  test('a member leaving releases its claimed tasks with a reason', async () => {
    await projectWith(c, 'leave', ['lead', 'dev']);
    const t = await create(c, 'leave', 'abandoned');
    await c.call('task.claim', { project_id: 'leave', agent_name: 'dev' });
    const seq = await headSeq(c);
    await c.call('project.leave', { project_id: 'leave', agent_name: 'dev' });
    const back = await c.call('task.get', { project_id: 'leave', task_id: t.task_id });
    assert.equal(back.status, 'open');
    assert.equal(back.claimed_by, null);
    const released = await eventsSince(c, seq, 'task.released');
    assert.equal(released.length, 1);
    assert.match(String((released[0]!.data as { reason: string }).reason), /dev left the project/);
  });

  test('session.end releases what the session claimed, and what the agent claimed once no session of it is left', async () => {
    await projectWith(c, 'ends', ['lead', 'dev']);
    const bySession = await create(c, 'ends', 'session-bound', { priority: 'p0' });
    const byAgent = await create(c, 'ends', 'agent-bound', { priority: 'p1' });
    const first = await c.call('session.start', { tool: 'codex', client_id: 'ends-dev' });
    const second = await c.call('session.start', { tool: 'codex', client_id: 'ends-dev' });
    await c.call('task.claim', { project_id: 'ends', agent_name: 'dev', session_id: first.session_id });
    await c.call('task.claim', { project_id: 'ends', agent_name: 'dev' });
    const welcome = await c.call('session.status', { client_id: 'ends-dev' });
    assert.deepEqual(welcome.tasks.map((t) => t.task_id).sort(), [bySession.task_id, byAgent.task_id].sort());
    const seq = await headSeq(c);
    await c.call('session.end', { session_id: first.session_id, reason: 'closed the terminal' });
    assert.equal((await c.call('task.get', { project_id: 'ends', task_id: bySession.task_id })).status, 'open');
    assert.equal((await c.call('task.get', { project_id: 'ends', task_id: byAgent.task_id })).status, 'claimed', 'another session of dev is live');
    await c.call('session.end', { session_id: second.session_id });
    assert.equal((await c.call('task.get', { project_id: 'ends', task_id: byAgent.task_id })).status, 'open');
    const reasons = (await eventsSince(c, seq, 'task.released')).map((e) => (e.data as { reason: string }).reason);
    assert.equal(reasons.length, 2);
    assert.match(reasons[0]!, /closed the terminal/);
    assert.match(reasons[1]!, /no live session left/);
    assert.deepEqual((await c.call('session.status', { client_id: 'ends-dev' })).tasks, []);
  });
});

describe('the reaper', () => {
  test('a task claimed by a session whose process dies returns to the queue with task.released', async () => {
    const own = await startDaemon();
    try {
      const rc = await own.client();
      await rc.call('config.set', { key: 'reaper_interval_seconds', value: 0.2 });
      await projectWith(rc, 'reap', ['lead', 'dev']);
      const t = await create(rc, 'reap', 'fragile');
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const session = await rc.call('session.start', { tool: 'claude-code', client_id: 'reap-dev', pid: child.pid! });
      const { task } = await rc.call('task.claim', { project_id: 'reap', agent_name: 'dev', session_id: session.session_id });
      assert.equal(task?.claimed_session, session.session_id);
      const seq = await headSeq(rc);
      child.kill('SIGKILL');
      await exited;
      const woke = await rc.call('events.wait', { types: ['task.released'], after: seq, timeout_seconds: 60 });
      assert.ok(woke.event, 'task.released arrived');
      const data = woke.event.data as { task_id: string; agent_name: string; session_id: string; reason: string };
      assert.equal(data.task_id, t.task_id);
      assert.equal(data.agent_name, 'dev');
      assert.equal(data.session_id, session.session_id);
      assert.match(data.reason, /exited/);
      const back = await rc.call('task.get', { project_id: 'reap', task_id: t.task_id });
      assert.equal(back.status, 'open');
      await waitFor(async () => (await rc.call('task.claim', { project_id: 'reap', agent_name: 'lead' })).task?.task_id === t.task_id, 5000, 'the task to be claimable again');
    } finally {
      await own.cleanup();
    }
  });
});
