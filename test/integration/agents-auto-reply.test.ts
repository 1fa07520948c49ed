// auto_reply through a real daemon: a fabric message to a managed agent becomes a turn and its answer goes back as a
// threaded reply; two auto-replying agents answering each other stop at agent_auto_reply_max_hops with a note.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { AGENT_WAIT_MS, scratchDir, turns, withSetting } from '../helpers/agents.js';

const { client: c } = withDaemon();

type Listed = Awaited<ReturnType<typeof c.call<'message.list'>>>['messages'][number];

async function messages(projectId: string): Promise<Listed[]> {
  return (await c.call('message.list', { project_id: projectId, limit: 200 })).messages.reverse();
}

/** Waits until no turn of these agents is queued or running. */
async function settled(names: string[]): Promise<void> {
  await waitFor(
    async () => {
      for (const name of names) if ((await turns(c, name)).some((t) => t.status === 'queued' || t.status === 'running')) return false;
      return true;
    },
    AGENT_WAIT_MS,
    'the agents to settle',
  );
}

async function autoReplying(projectId: string, names: string[]): Promise<void> {
  await c.call('project.create', { project_id: projectId, name: projectId });
  for (const name of names) await c.call('agent.create', { agent_name: name, backend: 'echo', working_directory: scratchDir(), project_id: projectId, auto_reply: true });
  await c.call('project.join', { project_id: projectId, agent_name: 'human', client_id: `${projectId}-human` });
}

describe('auto_reply', () => {
  test('two auto-replying agents answering each other stop at agent_auto_reply_max_hops, with a note in the thread', async () => {
    await autoReplying('pp', ['ping', 'pong']);
    await withSetting(c, 'agent_auto_reply_max_hops', 3, async () => {
      // What ping's own process would send through its MCP tools: a message to pong.
      const start = await c.call('message.send', { project_id: 'pp', from_agent: 'ping', to_agent: 'pong', payload: 'start' });
      let thread: Listed[] = [];
      await waitFor(
        async () => {
          thread = await messages('pp');
          return thread.some((m) => (m.metadata as { auto_reply_stopped?: boolean } | null)?.auto_reply_stopped === true);
        },
        AGENT_WAIT_MS,
        'the note that stops the ping-pong',
      );
      await settled(['ping', 'pong']);
      thread = await messages('pp');
      assert.deepEqual(
        thread.map((m) => [m.from_agent, m.to_agent]),
        [
          ['ping', 'pong'],
          ['pong', 'ping'],
          ['ping', 'pong'],
          ['pong', 'ping'],
          ['ping', 'pong'],
        ],
        'the start, three automatic answers, the note',
      );
      assert.equal(thread[0]!.message_id, start.message_id);
      for (let i = 1; i < thread.length; i += 1) assert.equal(thread[i]!.reply_to, thread[i - 1]!.message_id, `message ${i} answers the one before`);
      for (const [i, answer] of thread.slice(1, 4).entries()) {
        assert.deepEqual({ ...(answer.metadata as object), turn_id: undefined }, { auto_reply: true, brains_hops: i + 1, turn_id: undefined });
        assert.match(String(answer.payload), new RegExp(`^${thread[i]!.from_agent} wrote \\(message ${thread[i]!.message_id}\\):\\n`));
      }
      const note = thread[4]!;
      assert.deepEqual(note.metadata, { system: true, auto_reply_stopped: true });
      assert.match(String(note.payload), /^auto-reply stopped: 3 messages in this thread were answered automatically \(agent_auto_reply_max_hops is 3\)/);
      const threadView = (await c.call('message.list', { project_id: 'pp', thread: start.message_id, limit: 50 })).messages;
      assert.equal(threadView.length, 5, 'one thread');

      const pongTurns = (await turns(c, 'pong')).filter((t) => t.role === 'assistant');
      assert.equal(pongTurns.length, 2);
      assert.deepEqual(
        pongTurns.map((t) => [t.source, t.from_agent, t.message_id, t.status]),
        [
          ['message', 'ping', thread[0]!.message_id, 'done'],
          ['message', 'ping', thread[2]!.message_id, 'done'],
        ],
      );
      assert.equal((await turns(c, 'ping')).filter((t) => t.role === 'assistant').length, 1);
    });
  });

  test('a message from another member gets an answer threaded to it; the message is acknowledged', async () => {
    await autoReplying('ask', ['helper']);
    const question = await c.call('message.send', { project_id: 'ask', from_agent: 'human', to_agent: 'helper', payload: 'what now?' });
    let answer: Listed | undefined;
    await waitFor(async () => (answer = (await messages('ask')).find((m) => m.from_agent === 'helper')) !== undefined, AGENT_WAIT_MS, "helper's answer");
    assert.equal(answer!.to_agent, 'human');
    assert.equal(answer!.reply_to, question.message_id);
    assert.equal(answer!.payload, `human wrote (message ${question.message_id}):\nwhat now?`);
    const asked = (await messages('ask')).find((m) => m.message_id === question.message_id)!;
    assert.deepEqual(asked.deliveries.map((d) => [d.recipient, d.state]), [['helper', 'acked']]);
  });

  test('an operator message to an auto-reply agent gets an answer', async () => {
    await autoReplying('op', ['desk']);
    const sent = await c.call('message.send', { project_id: 'op', from_agent: 'operator', to_agent: 'desk', payload: { please: 'report' } });
    let answer: Listed | undefined;
    await waitFor(async () => (answer = (await messages('op')).find((m) => m.from_agent === 'desk')) !== undefined, AGENT_WAIT_MS, "desk's answer");
    assert.equal(answer!.to_agent, 'operator');
    assert.equal(answer!.reply_to, sent.message_id);
    assert.match(String(answer!.payload), /^operator wrote \(message msg-[^)]+\):\n\{\n {2}"please": "report"\n\}$/);
    const inbox = (await c.call('message.inbox', { project_id: 'op' })).messages;
    assert.ok(inbox.some((m) => m.message_id === answer!.message_id), "in the operator's inbox");
  });

  test('messages marked system, and agents without auto_reply, start no turn', async () => {
    await autoReplying('quiet', ['listener']);
    await c.call('agent.create', { agent_name: 'manual', backend: 'echo', working_directory: scratchDir(), project_id: 'quiet' });
    await c.call('message.send', { project_id: 'quiet', from_agent: 'human', to_agent: 'listener', payload: 'fyi', metadata: { system: true } });
    await c.call('message.send', { project_id: 'quiet', from_agent: 'human', to_agent: 'manual', payload: 'hello?' });
    // A marker that is answered: once its answer is there, the two before it were looked at and passed over.
    await c.call('message.send', { project_id: 'quiet', from_agent: 'human', to_agent: 'listener', payload: 'marker' });
    await waitFor(async () => (await messages('quiet')).some((m) => m.from_agent === 'listener'), AGENT_WAIT_MS, 'the marker answer');
    await settled(['listener', 'manual']);
    assert.deepEqual(await turns(c, 'manual'), []);
    assert.deepEqual(
      (await turns(c, 'listener')).filter((t) => t.role === 'user').map((t) => t.text),
      [`human wrote (message ${(await messages('quiet')).find((m) => m.payload === 'marker')!.message_id}):\nmarker`],
    );
  });
});
