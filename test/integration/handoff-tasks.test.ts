// Handoffs tied to tasks through a real daemon: submitted for a held task, approval marks it done, denial gives it back with
// the comment as a note, the task shows its handoff, and a task in review is not released when its session ends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { eventsSince, headSeq, invalidParams, projectWith, refusedWith } from '../helpers/rpc-assert.js';

const { client: c } = withDaemon();

async function heldTask(project: string, agent: string, title: string) {
  const created = await c.call('task.create', { project_id: project, title });
  const claimed = await c.call('task.claim', { project_id: project, agent_name: agent, task_id: created.task_id });
  return claimed.task!;
}

describe('handoff.submit with task_id', () => {
  test('approving the handoff marks its task done in the same call, with task.updated', async () => {
    await projectWith(c, 'hand-ok', ['lead', 'dev']);
    const task = await heldTask('hand-ok', 'dev', 'Write resolvers');
    const seq = await headSeq(c);
    const handoff = await c.call('handoff.submit', { project_id: 'hand-ok', agent_name: 'dev', title: 'Resolvers done', summary: 'tests pass', task_id: task.task_id });
    assert.equal(handoff.task_id, task.task_id);
    const pending = await c.call('task.get', { project_id: 'hand-ok', task_id: task.task_id });
    assert.deepEqual(pending.handoff, { approval_id: handoff.approval_id, status: 'pending' });
    assert.equal(pending.status, 'claimed');
    const listed = (await c.call('task.list', { project_id: 'hand-ok' })).tasks.find((t) => t.task_id === task.task_id)!;
    assert.deepEqual(listed.handoff, { approval_id: handoff.approval_id, status: 'pending' });
    const submitted = await eventsSince(c, seq, 'task.updated');
    assert.equal(submitted.length, 1);
    assert.equal((submitted[0]!.data as { handoff_id?: string }).handoff_id, handoff.approval_id);

    const afterSubmit = await headSeq(c);
    const decided = await c.call('approval.decide', { approval_id: handoff.approval_id, decision: 'approve', comment: 'ship it' });
    assert.equal(decided.status, 'approved');
    const done = await c.call('task.get', { project_id: 'hand-ok', task_id: task.task_id });
    assert.equal(done.status, 'done');
    assert.equal(done.claimed_by, 'dev');
    assert.deepEqual(done.handoff, { approval_id: handoff.approval_id, status: 'approved' });
    assert.match(done.notes.at(-1)!.text, /approved by operator: ship it/);
    const updates = await eventsSince(c, afterSubmit, 'task.updated');
    assert.equal(updates.length, 1);
    assert.deepEqual(
      { status: (updates[0]!.data as { status: string }).status, previous: (updates[0]!.data as { previous_status: string }).previous_status },
      { status: 'done', previous: 'claimed' },
    );
  });

  test('denying the handoff leaves the task claimed by its claimer, with the comment as a note and task.updated', async () => {
    await projectWith(c, 'hand-no', ['lead', 'dev']);
    const task = await heldTask('hand-no', 'dev', 'Paginate');
    const handoff = await c.call('handoff.submit', { project_id: 'hand-no', agent_name: 'dev', title: 'Paginated', summary: 'done', task_id: task.task_id });
    const seq = await headSeq(c);
    await c.call('approval.decide', { approval_id: handoff.approval_id, decision: 'deny', comment: 'add tests first' });
    const back = await c.call('task.get', { project_id: 'hand-no', task_id: task.task_id });
    assert.equal(back.status, 'claimed');
    assert.equal(back.claimed_by, 'dev');
    assert.deepEqual(back.handoff, { approval_id: handoff.approval_id, status: 'denied' });
    assert.equal(back.notes.at(-1)!.author, 'operator');
    assert.match(back.notes.at(-1)!.text, /denied by operator: add tests first/);
    const updates = await eventsSince(c, seq, 'task.updated');
    assert.equal(updates.length, 1);
    assert.equal((updates[0]!.data as { note_added?: boolean }).note_added, true);
    // Denied, it may be handed in again.
    const again = await c.call('handoff.submit', { project_id: 'hand-no', agent_name: 'dev', title: 'Paginated, with tests', summary: 'done', task_id: task.task_id });
    assert.deepEqual((await c.call('task.get', { project_id: 'hand-no', task_id: task.task_id })).handoff, { approval_id: again.approval_id, status: 'pending' });
  });

  test('a task in review stays claimed when the session that claimed it ends; denied then, it goes back to the queue', async () => {
    await projectWith(c, 'hand-gone', ['lead', 'dev']);
    const session = await c.call('session.start', { tool: 'other', client_id: 'hand-gone-dev' });
    const created = await c.call('task.create', { project_id: 'hand-gone', title: 'Migrate' });
    const spare = await c.call('task.create', { project_id: 'hand-gone', title: 'Not handed in' });
    await c.call('task.claim', { project_id: 'hand-gone', agent_name: 'dev', task_id: created.task_id, session_id: session.session_id });
    await c.call('task.claim', { project_id: 'hand-gone', agent_name: 'dev', task_id: spare.task_id, session_id: session.session_id });
    const handoff = await c.call('handoff.submit', { project_id: 'hand-gone', agent_name: 'dev', title: 'Migrated', summary: 'ok', task_id: created.task_id });
    await c.call('session.end', { session_id: session.session_id });
    assert.equal((await c.call('task.get', { project_id: 'hand-gone', task_id: spare.task_id })).status, 'open', 'a task not handed in goes back');
    assert.equal((await c.call('task.get', { project_id: 'hand-gone', task_id: created.task_id })).status, 'claimed', 'the one in review waits');
    const seq = await headSeq(c);
    await c.call('approval.decide', { approval_id: handoff.approval_id, decision: 'deny', comment: 'redo' });
    const back = await c.call('task.get', { project_id: 'hand-gone', task_id: created.task_id });
    assert.equal(back.status, 'open');
    assert.match(back.notes.at(-1)!.text, /denied by operator: redo/);
    assert.equal((await eventsSince(c, seq, 'task.released')).length, 1);
  });

  test('a handoff without task_id leaves tasks alone; approval.request has task_id null', async () => {
    await projectWith(c, 'hand-plain', ['lead', 'dev']);
    const task = await heldTask('hand-plain', 'dev', 'Untouched');
    const handoff = await c.call('handoff.submit', { project_id: 'hand-plain', agent_name: 'dev', title: 'Other work', summary: 'x' });
    assert.equal(handoff.task_id, null);
    await c.call('approval.decide', { approval_id: handoff.approval_id, decision: 'approve' });
    const after = await c.call('task.get', { project_id: 'hand-plain', task_id: task.task_id });
    assert.equal(after.status, 'claimed');
    assert.equal(after.handoff, null);
    assert.equal((await c.call('approval.request', { project_id: 'hand-plain', agent_name: 'dev', title: 'q' })).task_id, null);
  });

  test('cancelling the handoff leaves the task claimed, with no pending handoff', async () => {
    await projectWith(c, 'hand-cancel', ['lead', 'dev']);
    const task = await heldTask('hand-cancel', 'dev', 'Cancel me');
    const handoff = await c.call('handoff.submit', { project_id: 'hand-cancel', agent_name: 'dev', title: 't', summary: 's', task_id: task.task_id });
    await c.call('approval.cancel', { approval_id: handoff.approval_id, agent_name: 'dev' });
    const after = await c.call('task.get', { project_id: 'hand-cancel', task_id: task.task_id });
    assert.equal(after.status, 'claimed');
    assert.deepEqual(after.handoff, { approval_id: handoff.approval_id, status: 'cancelled' });
  });

  test('refuses a task that is not the submitter\'s to hand in, and a second pending handoff, storing nothing', async () => {
    await projectWith(c, 'hand-bad', ['lead', 'dev', 'other']);
    const held = await heldTask('hand-bad', 'dev', 'Held by dev');
    const open = await c.call('task.create', { project_id: 'hand-bad', title: 'Nobody holds it' });
    const submit = (agent: string, task_id: unknown) => c.call('handoff.submit', { project_id: 'hand-bad', agent_name: agent, title: 't', summary: 's', task_id } as never);
    const before = (await c.call('approval.list', { project_id: 'hand-bad' })).total;
    const missing = await refusedWith(submit('dev', 'task-999999'), 'NOT_FOUND');
    assert.match(missing.message, /task\.list/);
    assert.match((await refusedWith(submit('dev', open.task_id), 'CONFLICT')).message, /task\.claim/);
    assert.match((await refusedWith(submit('other', held.task_id), 'PERMISSION_DENIED')).message, /claimed by dev/);
    await projectWith(c, 'hand-elsewhere', ['dev']);
    await refusedWith(c.call('handoff.submit', { project_id: 'hand-elsewhere', agent_name: 'dev', title: 't', summary: 's', task_id: held.task_id }), 'NOT_FOUND');
    assert.equal((await c.call('approval.list', { project_id: 'hand-bad' })).total, before);
    const first = await submit('dev', held.task_id);
    const twice = await refusedWith(submit('dev', held.task_id), 'CONFLICT');
    assert.match(twice.message, new RegExp(`${first.approval_id}.*approval\\.wait.*approval\\.cancel`));
    for (const task_id of [42, '', 'task-0', 'task-1'.padEnd(40, '1'), 'x'.repeat(10_000), '../task-1', "task-1' OR 1=1 --", 'task-1\u0000', null, ['task-1']]) {
      await invalidParams(submit('dev', task_id));
    }
    assert.equal((await c.call('approval.list', { project_id: 'hand-bad' })).total, before + 1);
  });
});
