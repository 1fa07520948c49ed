// Approvals and handoffs through a real daemon: request, list, a single decision by the operator, the waiting requester woken, handoffs cc'd.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith, invalidParams, projectWith, headSeq, eventsSince, waitingCount, parkedBeyond } from '../helpers/rpc-assert.js';

const { daemon, client: c } = withDaemon();

describe('approval.request', () => {
  test('makes a pending approval to the operator with approve/deny, and emits approval.requested', async () => {
    await projectWith(c, 'req', ['lead', 'dev']);
    const seq = await headSeq(c);
    const a = await c.call('approval.request', { project_id: 'req', agent_name: 'dev', title: 'Drop the legacy table?', body: 'It has no readers.', resource_refs: ['schema-v2', 'schema-v2'] });
    assert.match(a.approval_id, /^approval-\d+$/);
    assert.equal(a.kind, 'approval');
    assert.equal(a.project_id, 'req');
    assert.equal(a.requested_by, 'dev');
    assert.equal(a.status, 'pending');
    assert.equal(a.addressed_to, 'operator');
    assert.deepEqual(a.cc, []);
    assert.deepEqual(a.options, ['approve', 'deny']);
    assert.deepEqual(a.resource_refs, ['schema-v2']);
    assert.equal(a.body, 'It has no readers.');
    for (const field of ['decision', 'decided_by', 'decided_at', 'comment'] as const) assert.equal(a[field], null);
    const events = await eventsSince(c, seq, 'approval.requested');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.subject, 'req');
    assert.deepEqual(events[0]!.data, { approval_id: a.approval_id, kind: 'approval', requested_by: 'dev', title: a.title, addressed_to: 'operator', cc: [], options: ['approve', 'deny'] });
    const custom = await c.call('approval.request', { project_id: 'req', agent_name: 'lead', title: 'Which database?', options: ['postgres', 'sqlite', 'wait a week'] });
    assert.deepEqual(custom.options, ['postgres', 'sqlite', 'wait a week']);
    assert.equal(custom.body, null);
    assert.deepEqual(await c.call('approval.get', { approval_id: a.approval_id }), a);
  });

  test('refuses the operator, non-members, unknown or archived projects, oversized bodies and bad params, storing nothing', async () => {
    await projectWith(c, 'reqbad', ['lead', 'dev']);
    const before = (await c.call('approval.list', { project_id: 'reqbad' })).total;
    await refusedWith(c.call('approval.request', { project_id: 'reqbad', agent_name: 'operator', title: 'x' }), 'INVALID');
    await refusedWith(c.call('approval.request', { project_id: 'reqbad', agent_name: 'ghost', title: 'x' }), 'NOT_FOUND');
    await refusedWith(c.call('approval.request', { project_id: 'nowhere', agent_name: 'dev', title: 'x' }), 'NOT_FOUND');
    await refusedWith(c.call('approval.request', { project_id: 'reqbad', agent_name: 'dev', title: 'x', body: '€'.repeat(30_000) }), 'LIMIT_EXCEEDED');
    const bad: unknown[] = [
      { project_id: 'reqbad', agent_name: 'dev' },
      { project_id: 'reqbad', agent_name: 'dev', title: '' },
      { project_id: 'reqbad', agent_name: 'dev', title: 't'.repeat(501) },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['only one'] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: Array.from({ length: 11 }, (_, i) => `o${i}`) },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['same', 'same'] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['ok', ''] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['ok', 'o'.repeat(65)] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['ok', ' padded '] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', options: ['ok', 'bell\u0007'] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', resource_refs: ['../etc/passwd'] },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', resource_refs: Array.from({ length: 51 }, (_, i) => `r${i}`) },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', body: 42 },
      { project_id: 'reqbad', agent_name: 'dev', title: 'x', kind: 'handoff' },
      { project_id: 'reqbad', agent_name: "dev'; DELETE FROM approvals; --", title: 'x' },
      { project_id: 'r'.repeat(300), agent_name: 'dev', title: 'x' },
      { project_id: 'reqbad', agent_name: 'dev bad', title: 'x' },
    ];
    for (const params of bad) await invalidParams(c.callRaw('approval.request', params));
    assert.equal((await c.call('approval.list', { project_id: 'reqbad' })).total, before, 'nothing stored');
    await c.call('project.archive', { project_id: 'reqbad' });
    await refusedWith(c.call('approval.request', { project_id: 'reqbad', agent_name: 'dev', title: 'x' }), 'CONFLICT');
    await refusedWith(c.call('handoff.submit', { project_id: 'reqbad', agent_name: 'dev', title: 'x', summary: 'y' }), 'CONFLICT');
  });
});

describe('handoff.submit', () => {
  test("a contributor's handoff goes to the operator with the coordinator in cc; the coordinator's own has no cc", async () => {
    await projectWith(c, 'hand', ['lead', 'dev']);
    const seq = await headSeq(c);
    const h = await c.call('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'Parser done', summary: 'All tests pass; see parser-notes.', resource_refs: ['parser-notes'] });
    assert.equal(h.kind, 'handoff');
    assert.equal(h.status, 'pending');
    assert.equal(h.addressed_to, 'operator');
    assert.deepEqual(h.cc, ['lead']);
    assert.equal(h.body, 'All tests pass; see parser-notes.');
    assert.deepEqual(h.options, ['approve', 'deny']);
    const requested = await eventsSince(c, seq, 'approval.requested');
    assert.deepEqual((requested[0]!.data as { cc: string[]; kind: string }).cc, ['lead']);
    assert.equal((requested[0]!.data as { kind: string }).kind, 'handoff');
    const own = await c.call('handoff.submit', { project_id: 'hand', agent_name: 'lead', title: 'Release notes', summary: 'Drafted.' });
    assert.deepEqual(own.cc, []);

    const coordinatorWelcome = await c.call('session.status', { client_id: 'hand-lead' });
    const seen = coordinatorWelcome.pending_approvals.map((p) => [p.approval_id, (p as { relation?: string }).relation]);
    assert.deepEqual(seen, [
      [h.approval_id, 'cc'],
      [own.approval_id, 'requested'],
    ]);
    const devWelcome = await c.call('session.start', { tool: 'codex', client_id: 'hand-dev' });
    assert.deepEqual(
      devWelcome.pending_approvals.map((p) => p.approval_id),
      [h.approval_id],
    );
    await refusedWith(c.call('handoff.submit', { project_id: 'hand', agent_name: 'operator', title: 'x', summary: 'y' }), 'INVALID');
    await refusedWith(c.call('handoff.submit', { project_id: 'hand', agent_name: 'ghost', title: 'x', summary: 'y' }), 'NOT_FOUND');
    await refusedWith(c.call('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'x', summary: 'a'.repeat(64 * 1024 + 1) }), 'LIMIT_EXCEEDED');
    await invalidParams(c.callRaw('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'x' }));
    await invalidParams(c.callRaw('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'x', summary: '' }));
    await invalidParams(c.callRaw('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'x', summary: 'y', options: ['a', 'b'] }));
    const devInbox = await daemon.client();
    const idle = await waitingCount(c);
    const parkedReceive = devInbox.call('message.receive', { project_id: 'hand', agent_name: 'dev', wait: true, timeout_seconds: 60 });
    await parkedBeyond(c, idle);
    await c.call('approval.decide', { approval_id: h.approval_id, decision: 'approve', comment: 'ship it' });
    const received = await parkedReceive;
    assert.equal(received.messages.length, 1, "the contributor's parked receive wakes with the decision");
    assert.equal((received.messages[0]!.payload as { approval_id: string }).approval_id, h.approval_id);
    const leadInbox = await c.call('message.receive', { project_id: 'hand', agent_name: 'lead' });
    assert.deepEqual(
      leadInbox.messages.map((m) => (m.payload as { decision: string; comment: string }).decision),
      ['approve'],
      'the coordinator in cc is told too, to relay it',
    );

    const gone = await c.call('handoff.submit', { project_id: 'hand', agent_name: 'dev', title: 'Leaving soon', summary: 'bye' });
    await c.call('project.leave', { project_id: 'hand', agent_name: 'dev' });
    const seq2 = await headSeq(c);
    await c.call('approval.decide', { approval_id: gone.approval_id, decision: 'deny' });
    const decidedGone = await eventsSince(c, seq2, 'approval.decided');
    assert.deepEqual((decidedGone[0]!.data as { message_ids: string[] }).message_ids.length, 1, 'only the coordinator is still there to be told');
    assert.deepEqual(
      (await c.call('session.status', { client_id: 'hand-lead' })).pending_approvals.map((p) => p.approval_id),
      [own.approval_id],
    );
    assert.deepEqual(
      (await c.call('session.status', { client_id: 'hand-dev' })).pending_approvals,
      [],
      'decided ones leave the welcome packet',
    );
  });
});

describe('approval.list', () => {
  test('pending first, then newest first; filters by project, status and requester; pages with totals', async () => {
    await projectWith(c, 'lst', ['lead', 'dev']);
    await projectWith(c, 'lst2', ['solo']);
    const first = await c.call('approval.request', { project_id: 'lst', agent_name: 'dev', title: 'first' });
    const second = await c.call('approval.request', { project_id: 'lst', agent_name: 'lead', title: 'second' });
    const third = await c.call('approval.request', { project_id: 'lst', agent_name: 'dev', title: 'third' });
    const other = await c.call('approval.request', { project_id: 'lst2', agent_name: 'solo', title: 'elsewhere' });
    await c.call('approval.decide', { approval_id: third.approval_id, decision: 'deny' });
    const listed = await c.call('approval.list', { project_id: 'lst' });
    assert.deepEqual(
      listed.approvals.map((a) => a.approval_id),
      [second.approval_id, first.approval_id, third.approval_id],
    );
    assert.equal(listed.total, 3);
    assert.ok(!('body' in listed.approvals[0]!));
    const ids = async (filter: Record<string, unknown>) => (await c.call('approval.list', filter)).approvals.map((a) => a.approval_id);
    assert.deepEqual(await ids({ project_id: 'lst', status: 'denied' }), [third.approval_id]);
    assert.deepEqual(await ids({ project_id: 'lst', requested_by: 'dev' }), [first.approval_id, third.approval_id]);
    assert.deepEqual(await ids({ requested_by: 'solo' }), [other.approval_id]);
    const everywhere = await ids({ status: 'pending', limit: 1000 });
    assert.ok(everywhere.includes(other.approval_id) && everywhere.includes(first.approval_id), 'without project_id: every project');
    const page = await c.call('approval.list', { project_id: 'lst', offset: 1, limit: 1 });
    assert.deepEqual(
      page.approvals.map((a) => a.approval_id),
      [first.approval_id],
    );
    assert.equal(page.total, 3);
    await refusedWith(c.call('approval.list', { project_id: 'nowhere' }), 'NOT_FOUND');
    for (const params of [{ status: 'maybe' }, { limit: 0 }, { limit: 1001 }, { project_id: '../lst' }, { requested_by: 'a b' }]) {
      await invalidParams(c.callRaw('approval.list', params));
    }
  });
});

describe('approval.decide and approval.wait', () => {
  test('request -> list -> decide: the waiting requester wakes with the decision, once; a second decision is CONFLICT', async () => {
    await projectWith(c, 'flow', ['lead', 'dev']);
    const a = await c.call('approval.request', { project_id: 'flow', agent_name: 'dev', title: 'Deploy to prod?' });
    const requester = await daemon.client();
    const idle = await waitingCount(c);
    const waiting = requester.call('approval.wait', { approval_id: a.approval_id, timeout_seconds: 60 });
    await parkedBeyond(c, idle);
    const pending = await c.call('approval.list', { status: 'pending', project_id: 'flow' });
    assert.deepEqual(
      pending.approvals.map((x) => x.approval_id),
      [a.approval_id],
    );
    const seq = await headSeq(c);
    const decided = await c.call('approval.decide', { approval_id: a.approval_id, decision: 'approve', comment: 'go ahead' });
    assert.equal(decided.status, 'approved');
    assert.equal(decided.decision, 'approve');
    assert.equal(decided.decided_by, 'operator');
    assert.equal(decided.comment, 'go ahead');
    assert.ok(decided.decided_at);
    const woke = await waiting;
    assert.equal(woke.timed_out, false);
    assert.equal(woke.status, 'approved');
    assert.equal(woke.decision, 'approve');
    assert.equal(woke.comment, 'go ahead');
    const events = await eventsSince(c, seq, 'approval.decided');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.subject, 'flow');
    const { message_ids, ...notice } = events[0]!.data as { message_ids: string[] };
    assert.deepEqual(notice, {
      approval_id: a.approval_id,
      kind: 'approval',
      requested_by: 'dev',
      to_agent: 'dev',
      cc: [],
      title: 'Deploy to prod?',
      decision: 'approve',
      status: 'approved',
      decided_by: 'operator',
      comment: 'go ahead',
    });
    assert.equal(message_ids.length, 1);
    const inbox = await c.call('message.receive', { project_id: 'flow', agent_name: 'dev' });
    assert.equal(inbox.messages.length, 1, 'the requester receives the decision as a message');
    const message = inbox.messages[0]!;
    assert.equal(message.message_id, message_ids[0]);
    assert.equal(message.from_agent, 'operator');
    assert.equal(message.to_agent, 'dev');
    const { to_agent: _addressee, ...carried } = notice as Record<string, unknown>;
    assert.deepEqual(message.payload, { type: 'approval.decided', ...carried });
    assert.equal((await c.call('message.receive', { project_id: 'flow', agent_name: 'lead' })).messages.length, 0, 'nobody else is told');
    const again = await refusedWith(c.call('approval.decide', { approval_id: a.approval_id, decision: 'deny' }), 'CONFLICT');
    assert.match(again.message, /already decided \(approve\) by operator/);
    assert.equal((await c.call('approval.get', { approval_id: a.approval_id })).status, 'approved', 'the first decision stands');
    const late = await c.call('approval.wait', { approval_id: a.approval_id, timeout_seconds: 30 });
    assert.equal(late.timed_out, false, 'waiting on a decided approval answers at once');
    assert.equal(late.status, 'approved');
  });

  test('only the operator decides; only an offered option; comment bounded; unknown is NOT_FOUND', async () => {
    await projectWith(c, 'perm', ['lead', 'dev']);
    const a = await c.call('approval.request', { project_id: 'perm', agent_name: 'dev', title: 'Merge?', options: ['merge', 'rework'] });
    const seq = await headSeq(c);
    for (const agent of ['dev', 'lead']) {
      await refusedWith(c.call('approval.decide', { approval_id: a.approval_id, decision: 'merge', decided_by: agent }), 'PERMISSION_DENIED');
    }
    await refusedWith(c.call('approval.decide', { approval_id: a.approval_id, decision: 'approve' }), 'INVALID');
    await refusedWith(c.call('approval.decide', { approval_id: a.approval_id, decision: 'merge', comment: '€'.repeat(6000) }), 'LIMIT_EXCEEDED');
    await refusedWith(c.call('approval.decide', { approval_id: 'approval-999999999', decision: 'approve' }), 'NOT_FOUND');
    for (const params of [
      { approval_id: a.approval_id },
      { approval_id: a.approval_id, decision: '' },
      { approval_id: a.approval_id, decision: 'x'.repeat(65) },
      { approval_id: '../approval-1', decision: 'merge' },
      { approval_id: 'approval-0', decision: 'merge' },
      { approval_id: "approval-1' OR '1'='1", decision: 'merge' },
      { approval_id: a.approval_id, decision: 'merge', decided_by: 'operator/..' },
      { approval_id: a.approval_id, decision: 'merge', extra: true },
    ]) {
      await invalidParams(c.callRaw('approval.decide', params));
    }
    const untouched = await c.call('approval.get', { approval_id: a.approval_id });
    assert.equal(untouched.status, 'pending', 'refused decisions changed nothing');
    assert.equal(untouched.decided_by, null);
    assert.deepEqual(await eventsSince(c, seq, 'approval.decided'), []);
    const decided = await c.call('approval.decide', { approval_id: a.approval_id, decision: 'rework', decided_by: 'operator' });
    assert.equal(decided.status, 'decided', 'a custom option leaves the status decided');
    assert.equal(decided.decision, 'rework');
    const deny = await c.call('approval.request', { project_id: 'perm', agent_name: 'dev', title: 'Delete it?' });
    assert.equal((await c.call('approval.decide', { approval_id: deny.approval_id, decision: 'deny' })).status, 'denied');
    await refusedWith(c.call('approval.get', { approval_id: 'approval-999999999' }), 'NOT_FOUND');
  });

  test('wait: times out with the approval still pending; refuses bad timeouts and unknown ids', async () => {
    await projectWith(c, 'slow', ['lead', 'dev']);
    const a = await c.call('approval.request', { project_id: 'slow', agent_name: 'dev', title: 'Later' });
    const timedOut = await c.call('approval.wait', { approval_id: a.approval_id, timeout_seconds: 0.3 });
    assert.equal(timedOut.timed_out, true);
    assert.equal(timedOut.status, 'pending');
    assert.equal(timedOut.approval_id, a.approval_id);
    await refusedWith(c.call('approval.wait', { approval_id: 'approval-999999999', timeout_seconds: 1 }), 'NOT_FOUND');
    for (const params of [{ approval_id: a.approval_id, timeout_seconds: 3601 }, { approval_id: a.approval_id, timeout_seconds: -1 }, { approval_id: a.approval_id, timeout_seconds: '5' }, {}]) {
      await invalidParams(c.callRaw('approval.wait', params));
    }
  });

  test('a wait ends with NOT_FOUND when the project (and so the approval) is deleted', async () => {
    await projectWith(c, 'doomed', ['lead', 'dev']);
    const a = await c.call('approval.request', { project_id: 'doomed', agent_name: 'dev', title: 'Soon gone' });
    const idle = await waitingCount(c);
    const waiting = (await daemon.client()).call('approval.wait', { approval_id: a.approval_id, timeout_seconds: 60 });
    await parkedBeyond(c, idle);
    await c.call('project.delete', { project_id: 'doomed' });
    await refusedWith(waiting, 'NOT_FOUND');
  });
});

describe('approval.cancel', () => {
  test('the requester withdraws a pending approval; the waiter wakes; others are refused; then it is final', async () => {
    await projectWith(c, 'cnl', ['lead', 'dev']);
    const a = await c.call('approval.request', { project_id: 'cnl', agent_name: 'dev', title: 'Never mind' });
    const idle = await waitingCount(c);
    const waiting = (await daemon.client()).call('approval.wait', { approval_id: a.approval_id, timeout_seconds: 60 });
    await parkedBeyond(c, idle);
    await refusedWith(c.call('approval.cancel', { approval_id: a.approval_id, agent_name: 'lead' }), 'PERMISSION_DENIED');
    await refusedWith(c.call('approval.cancel', { approval_id: a.approval_id, agent_name: 'operator' }), 'PERMISSION_DENIED');
    await refusedWith(c.call('approval.cancel', { approval_id: 'approval-999999999', agent_name: 'dev' }), 'NOT_FOUND');
    // The operator must name the requester; an agent may leave itself out.
    assert.match((await refusedWith(c.callRaw('approval.cancel', { approval_id: a.approval_id }), 'INVALID')).message, /pass agent_name: the requester/);
    await invalidParams(c.callRaw('approval.cancel', { approval_id: a.approval_id, agent_name: 'dev', reason: 'r'.repeat(2001) }));
    const seq = await headSeq(c);
    const cancelled = await c.call('approval.cancel', { approval_id: a.approval_id, agent_name: 'dev', reason: 'solved it another way' });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.decided_by, 'dev');
    assert.equal(cancelled.comment, 'solved it another way');
    assert.equal(cancelled.decision, null);
    const woke = await waiting;
    assert.equal(woke.status, 'cancelled');
    assert.equal(woke.timed_out, false);
    const events = await eventsSince(c, seq, 'approval.cancelled');
    assert.deepEqual(events.map((e) => e.data), [{ approval_id: a.approval_id, kind: 'approval', requested_by: 'dev', reason: 'solved it another way' }]);
    await refusedWith(c.call('approval.cancel', { approval_id: a.approval_id, agent_name: 'dev' }), 'CONFLICT');
    await refusedWith(c.call('approval.decide', { approval_id: a.approval_id, decision: 'approve' }), 'CONFLICT');
  });
});
