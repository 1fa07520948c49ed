// The cockpit redraws for the daemon's news at most ten times a second, whatever the rate of events, and the last
// change always reaches the screen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrainsClient } from '../../rpc/client.js';
import { Cockpit } from '../../tui/model/cockpit.js';
import { Conversation } from '../../tui/model/conversation.js';
import { REDRAW_GAP_MS, Redraws } from '../../tui/model/redraws.js';
import { sessionLines } from '../../tui/panes/lines.js';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redraws', () => {
  test('a burst is told at once and once more after the gap; flush tells at once and drops what was pending', async () => {
    let clock = 1_000;
    const redraws = new Redraws(40, () => clock);
    let told = 0;
    const stop = redraws.add(() => (told += 1));
    for (let i = 0; i < 1_000; i += 1) redraws.request();
    assert.equal(told, 1, 'the first change is told at once');
    clock += 40;
    await sleep(80);
    assert.equal(told, 2, 'the rest of the burst is told once, after the gap');
    assert.equal(redraws.told, 2);

    clock += 5;
    redraws.request();
    assert.equal(told, 2, 'within the gap: waits');
    redraws.flush();
    assert.equal(told, 3, 'flush tells at once');
    await sleep(80);
    assert.equal(told, 3, 'and nothing was left pending');

    stop();
    clock += 100;
    redraws.request();
    assert.equal(told, 3, 'a removed listener is not told');
  });

  const { daemon, client } = withDaemon();

  test('a thousand messages between agents redraw the cockpit and its open conversation at most ten times a second, ending on the last', async () => {
    await client.call('project.create', { name: 'Redraw Burst', agent_name: 'sender', working_directory: '/tmp' });
    await client.call('project.join', { project_id: 'redraw-burst', agent_name: 'receiver', working_directory: '/tmp' });
    const cockpit = new Cockpit({ connect: () => BrainsClient.connect(daemon.paths.socket) });
    const running = cockpit.start();
    try {
      await waitFor(() => cockpit.current.connection === 'live' && cockpit.current.projects.length === 1, 10_000, 'the cockpit live');
      const conversation = new Conversation(cockpit, { project_id: 'redraw-burst', agent: 'receiver' });
      const seen: Array<{ unread: number; last: string | undefined }> = [];
      const stop = cockpit.subscribe(() => seen.push({ unread: cockpit.current.unread.get('redraw-burst/receiver') ?? 0, last: conversation.lines.at(-1)?.text }));
      const started = performance.now();
      const total = 1_000;
      for (let batch = 0; batch < total / 50; batch += 1) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => client.call('message.send', { project_id: 'redraw-burst', from_agent: 'sender', to_agent: 'receiver', payload: `m${batch * 50 + i}` })),
        );
      }
      await client.call('message.send', { project_id: 'redraw-burst', from_agent: 'sender', to_agent: 'receiver', payload: 'the last one' });
      // What a listener was told, not what the model holds: the last change must have been told.
      await waitFor(() => seen.at(-1)?.unread === total + 1 && seen.at(-1)?.last === 'the last one', 15_000, 'the last message told to the views');
      const elapsed = performance.now() - started;
      stop();
      conversation.close();
      const most = Math.floor(elapsed / REDRAW_GAP_MS) + 2;
      assert.ok(seen.length <= most, `told ${seen.length} times in ${Math.round(elapsed)} ms; at most ${most} expected`);
      assert.ok(seen.length >= 2, 'told while the burst went on, not only at its end');
      // Sessions shows the whole count, not cut to "10…".
      const shown = sessionLines(cockpit.current, 46, Date.now());
      assert.match(shown.lines[shown.items.findIndex((r) => r.name === 'receiver')] ?? '', / 1001\s*$/);
    } finally {
      await cockpit.stop();
      await running;
    }
  });
});
