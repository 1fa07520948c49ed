// A project deleted while the cockpit is open leaves every pane and header count at once (brains demo --clean), and what
// was being typed to it is closed; an archived one keeps only what can still be answered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { agentRows } from '../../tui/rows.js';

describe('a deleted project', () => {
  const { daemon, client } = withDaemon();

  test('leaves the header counts, Sessions, Inbox, Approvals, Locks, Tasks and the conversation, and keys act on what is left', async () => {
    await client.call('project.create', { name: 'Doomed', agent_name: 'asker', working_directory: '/tmp' });
    await client.call('approval.request', { project_id: 'doomed', agent_name: 'asker', title: 'Doomed ask' });
    await client.call('message.send', { project_id: 'doomed', from_agent: 'asker', to_agent: 'operator', payload: 'doomed question', reply_expected: true });
    await client.call('task.create', { project_id: 'doomed', title: 'Doomed task' });
    await client.call('lock.acquire', { key: 'doomed/**', project_id: 'doomed', agent_name: 'asker', ttl_seconds: 600 });
    await client.call('project.create', { name: 'Kept', agent_name: 'keeper', working_directory: '/tmp' });
    const kept = await client.call('approval.request', { project_id: 'kept', agent_name: 'keeper', title: 'Kept ask' });
    const ui = await renderCockpit(daemon, { agent: 'asker', project: 'doomed' });
    try {
      await ui.waitForFrame(
        (f) => f.includes('⚑ 2 pending') && f.includes('✉ 1 unread') && f.includes('doomed question') && f.includes('Doomed task') && f.includes('doomed/**'),
        'both projects on screen',
      );
      await ui.press('i', ...'half a thought'.split(''));
      await ui.waitForFrame((f) => f.includes('to asker›') && f.includes('half a thought'), 'typing to asker');

      await client.call('project.delete', { project_id: 'doomed' });
      const frame = await ui.waitForFrame((f) => f.includes('⚑ 1 pending') && f.includes('✉ 0 unread'), 'the header counts without the deleted project');
      for (const gone of ['Doomed ask', 'doomed question', 'Doomed task', 'doomed/**', 'to asker›']) assert.ok(!frame.includes(gone), `${gone} is gone:\n${frame}`);
      assert.ok(!agentRows(ui.cockpit.current).some((r) => r.project_id === 'doomed'), 'its agents left Sessions');
      assert.match(frame, /pick an agent in Sessions/, 'its conversation closed');
      assert.match(frame, /project doomed was deleted; what you typed is in the input line's history/);
      assert.ok(frame.includes('Kept ask'), 'the other project stays');

      // What is left is what keys act on: 5 then a decides the kept project's approval.
      await ui.press('5', 'a');
      await waitFor(async () => (await client.call('approval.get', { approval_id: kept.approval_id })).status === 'approved', 10_000, 'the kept approval decided');
      await ui.waitForFrame((f) => f.includes('⚑ 0 pending'), 'nothing pending');
    } finally {
      await ui.close();
    }
  });

  test('an archived project leaves Sessions and Tasks; its approval and mail stay, since they can still be answered', async () => {
    await client.call('project.create', { name: 'Shelved', agent_name: 'old', working_directory: '/tmp' });
    await client.call('approval.request', { project_id: 'shelved', agent_name: 'old', title: 'Shelved ask' });
    await client.call('task.create', { project_id: 'shelved', title: 'Shelved task' });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('Shelved ask') && f.includes('Shelved task') && agentRows(ui.cockpit.current).some((r) => r.name === 'old'), 'the project on screen');
      await client.call('project.archive', { project_id: 'shelved' });
      const frame = await ui.waitForFrame((f) => !f.includes('Shelved task') && !agentRows(ui.cockpit.current).some((r) => r.name === 'old'), 'its agents and tasks gone');
      assert.ok(frame.includes('Shelved ask'), 'its approval stays: it can still be decided');
    } finally {
      await ui.close();
    }
  });
});
