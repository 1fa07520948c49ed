// What a Sessions row says of its agent: when it was last seen follows what it does (the daemon refreshes last_seen
// without an event), and an agent that is gone yet still waits for the human shows both.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { agentRows } from '../../tui/rows.js';

describe('a Sessions row', () => {
  const { daemon, client } = withDaemon();

  test('"seen" moves on when the agent sends, takes or acknowledges mail, locks, or works a task', async () => {
    await client.call('project.create', { name: 'Busy', agent_name: 'talker', working_directory: '/tmp' });
    await client.call('project.join', { project_id: 'busy', agent_name: 'listener', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon);
    const seen = (name: string) => agentRows(ui.cockpit.current).find((r) => r.name === name)?.last_seen ?? '';
    try {
      await ui.waitForFrame(() => seen('talker') !== '' && seen('listener') !== '', 'both agents');
      const before = { talker: seen('talker'), listener: seen('listener') };
      await client.call('message.send', { project_id: 'busy', from_agent: 'talker', to_agent: 'listener', payload: 'ping' });
      await waitFor(() => seen('talker') > before.talker, 10_000, "the sender's seen time to move on");
      assert.equal(seen('listener'), before.listener, 'the addressee did nothing yet');
      const got = await client.call('message.receive', { project_id: 'busy', agent_name: 'listener' });
      await waitFor(() => seen('listener') > before.listener, 10_000, "the receiver's seen time to move on");
      const received = seen('listener');
      await client.call('message.ack', { project_id: 'busy', agent_name: 'listener', delivery_tokens: [got.messages[0]!.delivery_token] });
      await waitFor(() => seen('listener') > received, 10_000, 'the acknowledgement to count');
      const acked = seen('listener');
      await client.call('lock.acquire', { key: 'busy/**', project_id: 'busy', agent_name: 'listener', ttl_seconds: 600 });
      await waitFor(() => seen('listener') > acked, 10_000, 'the lock to count');
      const locked = seen('listener');
      await client.call('task.create', { project_id: 'busy', title: 'Chore' });
      await client.call('task.claim', { project_id: 'busy', agent_name: 'listener' });
      await waitFor(() => seen('listener') > locked, 10_000, 'the claim to count');
    } finally {
      await ui.close();
    }
  });

  test('a gone agent whose handoff still waits shows that it is gone and that something of it waits (○⚑), a live one ●⚑', async () => {
    await client.call('project.create', { name: 'Stopped', agent_name: 'quitter', working_directory: '/tmp', client_id: 'stopped-quitter' });
    await client.call('project.join', { project_id: 'stopped', agent_name: 'stayer', working_directory: '/tmp', client_id: 'stopped-stayer' });
    const quitter = await client.call('session.start', { tool: 'other', client_id: 'stopped-quitter' });
    await client.call('session.start', { tool: 'other', client_id: 'stopped-stayer' });
    for (const agent_name of ['quitter', 'stayer']) await client.call('handoff.submit', { project_id: 'stopped', agent_name, title: `${agent_name} is done`, summary: 'ready' });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => /●⚑ quitter/.test(f) && /●⚑ stayer/.test(f), 'both live and waiting');
      await client.call('session.end', { session_id: quitter.session_id, reason: 'demo stopped' });
      const frame = await ui.waitForFrame((f) => /○⚑ quitter/.test(f), 'the quitter gone, its handoff still waiting');
      assert.match(frame, /●⚑ stayer/);
    } finally {
      await ui.close();
    }
  });
});
