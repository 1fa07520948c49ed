// The footer says how the human's latest action went ("sent to teller"), and the next action clears what the one before
// it said, so a line never outlives the action it was about.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';

const footer = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';

describe('the footer', () => {
  const { daemon, client } = withDaemon();

  test('confirms each send, and the outcome of the last action replaces the one before', async () => {
    await client.call('project.create', { name: 'Foot', agent_name: 'teller', working_directory: '/tmp' });
    await client.call('message.send', { project_id: 'foot', from_agent: 'teller', to_agent: 'operator', payload: 'status please' });
    const ui = await renderCockpit(daemon, { agent: 'teller', project: 'foot' });
    try {
      await ui.waitForFrame((f) => f.includes('✉ 1 unread'), 'the mail in the inbox');
      await ui.press('3', 'x');
      await ui.waitForFrame((f) => footer(f).includes("marked read: teller's message"), 'x said what it did');

      await ui.press('2', 'i', ...'first'.split(''), KEYS.enter);
      let frame = await ui.waitForFrame((f) => footer(f).includes('sent to teller'), 'the send confirmed');
      assert.ok(!frame.includes('marked read'), `the earlier action's line is gone:\n${footer(frame)}`);
      await waitFor(async () => (await client.call('message.list', { project_id: 'foot', member: 'teller' })).messages.some((m) => m.payload === 'first'), 10_000, 'the first message');

      await ui.press(...'second'.split(''), KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'foot', member: 'teller' })).messages.some((m) => m.payload === 'second'), 10_000, 'the second message');
      frame = await ui.waitForFrame((f) => footer(f).includes('sent to teller'), 'the second send confirmed');
      assert.ok(!frame.includes('marked read'), 'still nothing of the earlier action');

      // Another action replaces it, even one that does nothing.
      await ui.press(KEYS.escape, '5', 'a');
      frame = await ui.waitForFrame((f) => footer(f).includes('no pending approval to decide'), 'the next outcome');
      assert.ok(!footer(frame).includes('sent to teller'), 'the send is no longer the latest action');
      // Moving about leaves it.
      await ui.press('j');
      assert.ok(footer(ui.frame()).includes('no pending approval to decide'));
    } finally {
      await ui.close();
    }
  });
});
