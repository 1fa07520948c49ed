// The cockpit's selection follows the chosen item, not its row number: re-sorts, inserts and removals in every list pane
// never move it to another item (nor the conversation, nor the input line's agent with it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { agentRows, lockRows } from '../../tui/rows.js';

/** Whether the frame shows a selected row (›) holding this text, within one pane (no border between them). */
function selected(frame: string, text: string): boolean {
  return frame.split('\n').some((line) => new RegExp(`›[^│║]*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(line));
}

describe('the selection follows its item', () => {
  const { daemon, client } = withDaemon();

  test('Sessions: an agent that starts waiting moves to the top, and the selected agent (its conversation, the input line) stays', async () => {
    await client.call('project.create', { name: 'Sel', agent_name: 'alpha', working_directory: '/tmp' });
    for (const agent_name of ['bravo', 'charlie']) await client.call('project.join', { project_id: 'sel', agent_name, working_directory: '/tmp' });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('charlie'), 'the three agents');
      await ui.press('1', 'j');
      await ui.waitForFrame((f) => selected(f, 'bravo') && f.includes('bravo in sel'), 'bravo selected, its conversation open');
      // charlie asks for a decision: it moves to the top of Sessions, above the selected row.
      await client.call('approval.request', { project_id: 'sel', agent_name: 'charlie', title: 'Ship it?' });
      let frame = await ui.waitForFrame((f) => f.includes('⚑ 1 pending') && agentRows(ui.cockpit.current)[0]?.name === 'charlie', 'charlie on top');
      assert.ok(selected(frame, 'bravo'), `bravo is still the selected row:\n${frame}`);
      assert.ok(frame.includes('bravo in sel'), 'the conversation is still bravo\'s');
      // A newcomer listed above it changes nothing either.
      await client.call('project.join', { project_id: 'sel', agent_name: 'aaron', working_directory: '/tmp' });
      frame = await ui.waitForFrame((f) => f.includes('aaron'), 'the newcomer');
      assert.ok(selected(frame, 'bravo') && frame.includes('bravo in sel'), 'bravo after an insert');
      // i types to the agent the human chose.
      await ui.press('i');
      await ui.waitForFrame((f) => f.includes('to bravo›'), 'the input line for bravo');
      await client.call('approval.request', { project_id: 'sel', agent_name: 'aaron', title: 'Me too?' });
      await ui.waitForFrame((f) => f.includes('⚑ 2 pending'), 'another re-sort while typing');
      await ui.press(...'hello bravo'.split(''));
      frame = await ui.waitForFrame((f) => f.includes('hello bravo'), 'the typed text');
      assert.ok(frame.includes('to bravo›'), 'the input line still names bravo');
      await ui.press(KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'sel', member: 'bravo' })).messages.some((m) => m.payload === 'hello bravo'), 10_000, 'the message to bravo');
      assert.equal((await client.call('message.list', { project_id: 'sel', member: 'alpha' })).messages.length, 0, 'nothing went to another agent');
      // When the selected agent goes, a neighbour is selected (bravo was last: the one above it).
      await ui.press(KEYS.escape, '1');
      await client.call('project.leave', { project_id: 'sel', agent_name: 'bravo' });
      await waitFor(() => !agentRows(ui.cockpit.current).some((r) => r.name === 'bravo'), 10_000, 'bravo gone from Sessions');
      await ui.waitForFrame((f) => selected(f, 'alpha') && f.includes('alpha in sel'), 'its neighbour selected, and its conversation');
    } finally {
      await ui.close();
    }
  });

  test('Approvals and Inbox: a decision elsewhere or new mail keeps the selected one selected, and keys act on it', async () => {
    // What the first test left waiting is decided, so the pane holds only this test's approvals.
    for (const left of (await client.call('approval.list', { status: 'pending' })).approvals) await client.call('approval.decide', { approval_id: left.approval_id, decision: 'deny' });
    await client.call('project.create', { name: 'Sel Two', agent_name: 'dev', working_directory: '/tmp' });
    const [first, second, third] = [
      await client.call('approval.request', { project_id: 'sel-two', agent_name: 'dev', title: 'First ask' }),
      await client.call('approval.request', { project_id: 'sel-two', agent_name: 'dev', title: 'Second ask' }),
      await client.call('approval.request', { project_id: 'sel-two', agent_name: 'dev', title: 'Third ask' }),
    ];
    const older = await client.call('message.send', { project_id: 'sel-two', from_agent: 'dev', to_agent: 'operator', payload: 'older note' });
    await client.call('message.send', { project_id: 'sel-two', from_agent: 'dev', to_agent: 'operator', payload: 'newer note' });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('Third ask') && f.includes('✉ 2 unread'), 'approvals and mail');
      await ui.press('5', 'j');
      await ui.waitForFrame((f) => selected(f, second!.approval_id), 'the second approval selected');
      // The oldest is decided elsewhere: the row above goes.
      await client.call('approval.decide', { approval_id: first!.approval_id, decision: 'approve' });
      // Its row leaves the Approvals pane (the decision's note to dev, in the conversation, still names it).
      let frame = await ui.waitForFrame((f) => !new RegExp(`${first!.approval_id}\\s+dev`).test(f), 'the first approval gone');
      assert.ok(selected(frame, second!.approval_id), `the second is still selected:\n${frame}`);
      await ui.press('a');
      await waitFor(async () => (await client.call('approval.get', { approval_id: second!.approval_id })).status === 'approved', 10_000, 'a approving the selected one');
      assert.equal((await client.call('approval.get', { approval_id: third!.approval_id })).status, 'pending', 'not its neighbour');

      // Inbox: newest first; select the older note, then new mail arrives on top.
      await ui.press('3', 'j');
      await ui.waitForFrame((f) => selected(f, 'older note'), 'the older note selected');
      await client.call('message.send', { project_id: 'sel-two', from_agent: 'dev', to_agent: 'operator', payload: 'newest note' });
      frame = await ui.waitForFrame((f) => f.includes('✉ 3 unread') && f.includes('newest note'), 'the new mail in the inbox');
      assert.ok(selected(frame, 'older note'), `the older note is still selected:\n${frame}`);
      await ui.press('x');
      await waitFor(async () => !(await client.call('message.inbox', { unread_only: true })).messages.some((m) => m.message_id === older.message_id), 10_000, 'x marking the selected one read');
      assert.equal((await client.call('message.inbox', { unread_only: true })).messages.length, 2, 'the other two are still unread');
    } finally {
      await ui.close();
    }
  });

  test('Tasks and Locks: a claim that re-sorts the queue, or a lock released above, keeps the selected row', async () => {
    await client.call('project.create', { name: 'Sel Three', agent_name: 'worker', working_directory: '/tmp' });
    for (const [title, priority] of [['Task one', 'p1'], ['Task two', 'p2'], ['Task three', 'p3']] as const) await client.call('task.create', { project_id: 'sel-three', title, priority });
    for (const key of ['docs/**', 'src/**', 'test/**']) await client.call('lock.acquire', { key, project_id: 'sel-three', agent_name: 'worker', ttl_seconds: 600 });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('Task three') && f.includes('test/**'), 'tasks and locks');
      await ui.press('6', 'j');
      await ui.waitForFrame((f) => selected(f, 'Task two'), 'the second task selected');
      await client.call('task.claim', { project_id: 'sel-three', agent_name: 'worker', task_id: (await client.call('task.list', { project_id: 'sel-three' })).tasks.find((t) => t.title === 'Task three')!.task_id });
      let frame = await ui.waitForFrame((f) => /claimed/.test(f) && f.indexOf('Task three') < f.indexOf('Task one'), 'the claimed task on top');
      assert.ok(selected(frame, 'Task two'), `Task two is still selected:\n${frame}`);
      await ui.press(KEYS.enter);
      await ui.waitForFrame((f) => f.includes('"title": "Task two"'), 'Enter showing the selected task');
      await ui.press(KEYS.escape);

      const rows = lockRows(ui.cockpit.current);
      await ui.press('4', 'j');
      await ui.waitForFrame((f) => selected(f, rows[1]!.key), 'the second lock selected');
      const top = (await client.call('lock.list', {})).locks.find((l) => l.key === rows[0]!.key)!;
      await client.call('lock.release', { key: top.key, holder: { project_id: 'sel-three', agent_name: 'worker' }, fencing_token: top.holders[0]!.fencing_token });
      frame = await ui.waitForFrame((f) => !f.includes(rows[0]!.key), 'the lock above released');
      assert.ok(selected(frame, rows[1]!.key), `the same lock is still selected:\n${frame}`);
    } finally {
      await ui.close();
    }
  });
});
