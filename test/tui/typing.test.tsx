// Keys in the input line as a terminal sends them: Esc typed just before a key arrives glued to it ("\x1bq", which Ink
// reads as meta+q), and must leave typing before the key acts, never put the key into the message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';

describe('the input line', () => {
  const { daemon, client } = withDaemon();

  test('Esc then 1 in one write leaves typing and goes to Sessions; Esc then q in one write quits', async () => {
    await client.call('project.create', { name: 'Quick', agent_name: 'typist', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon, { agent: 'typist', project: 'quick' });
    try {
      await ui.press('i', ...'a draft'.split(''));
      await ui.waitForFrame((f) => f.includes('to typist›') && f.includes('a draft'), 'typing to typist');
      await ui.press('\u001b1');
      await ui.waitForFrame((f) => f.includes('[1 Sessions]') && !f.includes('to typist›'), 'Esc left typing and 1 went to Sessions');
      assert.ok(!ui.frame().includes('a draft1'), 'the 1 never went into the text');
      await ui.press('i', ...'second try'.split(''));
      await ui.waitForFrame((f) => f.includes('to typist›') && f.includes('second try'), 'typing again');
      await ui.press('\u001bq');
      await waitFor(() => ui.cockpit.current.connection === 'stopped', 10_000, 'Esc then q to quit the cockpit');
      assert.equal((await client.call('message.list', { project_id: 'quick', member: 'typist' })).messages.length, 0, 'nothing was sent');
    } finally {
      await ui.close();
    }
  });
});
