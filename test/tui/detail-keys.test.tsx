// The keys a detail view advertises act there, on the item it shows: a, d and c on an approval opened with Enter, r and
// x on an open message; the line that lists them comes from the key table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { detailKeysLine } from '../../tui/keys.js';

describe('detail views', () => {
  const { daemon, client } = withDaemon();

  test('a approves, d denies and c comments on the approval open in the detail; r replies to and x marks read the message open', async () => {
    await client.call('project.create', { name: 'Det', agent_name: 'asker', working_directory: '/tmp' });
    const [approveMe, denyMe, commentMe] = [
      await client.call('approval.request', { project_id: 'det', agent_name: 'asker', title: 'Approve me', body: 'the first body' }),
      await client.call('approval.request', { project_id: 'det', agent_name: 'asker', title: 'Deny me', body: 'the second body' }),
      await client.call('approval.request', { project_id: 'det', agent_name: 'asker', title: 'Comment me', body: 'the third body' }),
    ];
    const status = async (id: string) => (await client.call('approval.get', { approval_id: id })).status;
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('Comment me'), 'the approvals');
      await ui.press('5', KEYS.enter);
      await ui.waitForFrame((f) => f.includes('the first body') && f.includes(detailKeysLine('approvals')), 'the first request in full, with its keys');
      await ui.press('a');
      await waitFor(async () => (await status(approveMe!.approval_id)) === 'approved', 10_000, 'a in the detail approving it');
      await ui.waitForFrame((f) => !f.includes('the first body') && f.includes(`${approveMe!.approval_id} approved`) && f.includes('⚑ 2 pending'), 'the detail closed, the footer saying so');

      await ui.press(KEYS.enter);
      await ui.waitForFrame((f) => f.includes('the second body'), 'the second request in full');
      await ui.press('d');
      await waitFor(async () => (await status(denyMe!.approval_id)) === 'denied', 10_000, 'd in the detail denying it');
      await ui.waitForFrame((f) => f.includes('⚑ 1 pending'), 'the denied one gone from the pane');

      await ui.press(KEYS.enter);
      await ui.waitForFrame((f) => f.includes('the third body'), 'the third request in full');
      await ui.press('c');
      await ui.waitForFrame((f) => f.includes(`comment on ${commentMe!.approval_id}›`), 'c in the detail opening the comment line');
      await ui.press(...'not yet'.split(''), KEYS.enter, 'd');
      await waitFor(async () => (await status(commentMe!.approval_id)) === 'denied', 10_000, 'c then d from the detail');
      assert.equal((await client.call('approval.get', { approval_id: commentMe!.approval_id })).comment, 'not yet');

      const fyi = await client.call('message.send', { project_id: 'det', from_agent: 'asker', to_agent: 'operator', payload: 'just so you know' });
      const question = await client.call('message.send', { project_id: 'det', from_agent: 'asker', to_agent: 'operator', payload: 'which branch?', reply_expected: true });
      await ui.waitForFrame((f) => f.includes('✉ 2 unread'), 'the mail in the inbox');
      await ui.press('3', 'g', KEYS.enter);
      await ui.waitForFrame((f) => f.includes('expects a reply') && f.includes(detailKeysLine('inbox')), 'the question open, with its keys');
      await ui.press('r', ...'main'.split(''), KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'det', thread: question.message_id })).messages.some((m) => m.payload === 'main'), 10_000, 'r in the detail replying in the thread');

      await ui.waitForFrame((f) => f.includes('✉ 1 unread'), 'the answered question counted as read');
      await ui.press('g', KEYS.enter);
      await ui.waitForFrame((f) => f.includes('state: ') && f.includes('just so you know'), 'the other message open');
      await ui.press('x');
      await waitFor(async () => !(await client.call('message.inbox', { unread_only: true })).messages.some((m) => m.message_id === fyi.message_id), 10_000, 'x in the detail marking it read');
      await ui.waitForFrame((f) => !f.includes('state: ') && f.includes("marked read: asker's message"), 'the detail closed, the footer saying so');
    } finally {
      await ui.close();
    }
  });
});
