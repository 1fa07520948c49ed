// ACP agents (the gemini and copilot presets, and backend acp with its own command) through a real daemon and the fake
// ACP agent (JSON-RPC 2.0 as the protocol documents it): a turn with brains mcp in the session, session/load after a
// daemon restart, session/cancel, permissions answered with the agent's own options, a crash, a turn past its time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith } from '../helpers/rpc-assert.js';
import { AGENT_WAIT_MS, EventTap, agentWhen, pendingPermission, finished, info, scratchDir, withSetting } from '../helpers/agents.js';
import type { BrainsClient } from '../../rpc/client.js';

const FAKE_ACP = fileURLToPath(new URL('../../../test/fixtures/fake-acp.mjs', import.meta.url));
const env = { BRAINS_GEMINI_PATH: FAKE_ACP, BRAINS_COPILOT_PATH: FAKE_ACP, BRAINS_AGENT_BACKOFF_MS: '50' };

const logOf = (state: string): any[] =>
  existsSync(join(state, 'log.jsonl'))
    ? readFileSync(join(state, 'log.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
const sentToAgent = (state: string): any[] => logOf(state).filter((e) => e.kind === 'stdin' && e.message).map((e) => e.message);
const argvs = (state: string): string[][] => logOf(state).filter((e) => e.kind === 'argv').map((e) => e.argv);

async function acpAgent(c: BrainsClient, agentName: string, backend: 'gemini' | 'copilot' | 'acp' = 'gemini', extra: Record<string, unknown> = {}): Promise<string> {
  const state = scratchDir();
  await c.call('agent.create', { agent_name: agentName, backend, working_directory: state, env: { FAKE_ACP_STATE: state }, ...extra });
  return state;
}


/** What brains chose in each session/request_permission, in order. */
const outcomes = (state: string): unknown[] => sentToAgent(state).filter((m) => m.id !== undefined && m.method === undefined && m.result?.outcome !== undefined).map((m) => m.result.outcome);

describe('ACP agents', () => {
  const { daemon, client: c } = withDaemon({ env });

  test('gemini: --acp, JSON-RPC 2.0, brains mcp in session/new with its token over the pipe, the answer streamed', async () => {
    const state = await acpAgent(c, 'gm', 'gemini', { model: 'gemini-2.5-pro' });
    const tap = await EventTap.open(await daemon.client());
    const sent = await c.call('agent.send', { agent_name: 'gm', text: 'hello acp' });
    const turn = await finished(c, 'gm', sent.turn_id!);
    assert.equal(turn.status, 'done', turn.error ?? '');
    assert.equal(turn.text, 'acp heard: hello acp');
    assert.ok(turn.usage && typeof turn.usage.input_tokens === 'number', "usage from the prompt result's _meta.quota");
    const agent = await info(c, 'gm');
    assert.match(agent.native_session_id ?? '', /\S/);
    assert.deepEqual(argvs(state), [['--acp', '--model=gemini-2.5-pro']]);

    const messages = sentToAgent(state);
    assert.ok(messages.every((m) => m.jsonrpc === '2.0'));
    assert.deepEqual(messages.map((m) => m.method ?? null).slice(0, 3), ['initialize', 'session/new', 'session/prompt']);
    assert.equal(messages[0].params.protocolVersion, 1);
    const [server] = messages[1].params.mcpServers;
    assert.equal(server.name, 'brains');
    assert.deepEqual(server.args.slice(-2), ['mcp', '--no-start']);
    assert.ok(server.env.some((pair: { name: string; value: string }) => pair.name === 'BRAINS_AGENT_TOKEN' && pair.value.length > 10), 'the token travels over the pipe');
    assert.deepEqual(messages[2].params, { sessionId: agent.native_session_id, prompt: [{ type: 'text', text: 'hello acp' }] });
    const output = () => tap.of('gm').filter((e) => e.type === 'agent.output').map((e) => (e.data as { delta: string }).delta).join('');
    await tap.until(() => output() === 'acp heard: hello acp', 'the streamed answer');
  });

  test('permissions answered with the agent\'s own options: allow once, reject once, allow always (then not asked again)', async () => {
    const state = await acpAgent(c, 'gp');
    const first = await c.call('agent.send', { agent_name: 'gp', text: '[permission shell: echo acp-ran] go' });
    const asked = await pendingPermission(c, 'gp');
    assert.match(asked.title, /^execute: /);
    await agentWhen(c, 'gp', (a) => a.state === 'needs_permission', 'needs_permission');
    await c.call('approval.decide', { approval_id: asked.approval_id, decision: 'allow' });
    const ran = await finished(c, 'gp', first.turn_id!);
    assert.equal(ran.status, 'done', ran.error ?? '');
    assert.match(ran.text, /Permission allowed/);
    assert.equal(ran.tool_uses[0]?.name, 'execute');

    const second = await c.call('agent.send', { agent_name: 'gp', text: '[permission shell: echo nope] again' });
    await c.call('approval.decide', { approval_id: (await pendingPermission(c, 'gp')).approval_id, decision: 'deny' });
    assert.match((await finished(c, 'gp', second.turn_id!)).text, /Permission denied/);

    const third = await c.call('agent.send', { agent_name: 'gp', text: '[permission shell: echo always] more' });
    await c.call('approval.decide', { approval_id: (await pendingPermission(c, 'gp')).approval_id, decision: 'allow_always' });
    assert.equal((await finished(c, 'gp', third.turn_id!)).status, 'done');
    const fourth = await c.call('agent.send', { agent_name: 'gp', text: '[permission shell: echo unasked] and more' });
    assert.match((await finished(c, 'gp', fourth.turn_id!)).text, /Permission allowed/);
    assert.deepEqual(outcomes(state), [
      { outcome: 'selected', optionId: 'proceed_once' },
      { outcome: 'selected', optionId: 'cancel' },
      { outcome: 'selected', optionId: 'proceed_always' },
    ]);
  });

  test('interrupt sends session/cancel and the turn ends interrupted; the session goes on', async () => {
    const state = await acpAgent(c, 'gi', 'copilot');
    const sent = await c.call('agent.send', { agent_name: 'gi', text: '[hang] forever' });
    await waitFor(() => sentToAgent(state).some((m) => m.method === 'session/prompt'), AGENT_WAIT_MS, 'session/prompt');
    assert.equal((await c.call('agent.interrupt', { agent_name: 'gi' })).interrupted, true);
    assert.equal((await finished(c, 'gi', sent.turn_id!)).status, 'interrupted');
    assert.ok(sentToAgent(state).some((m) => m.method === 'session/cancel' && m.id === undefined), 'a notification');
    assert.equal((await finished(c, 'gi', (await c.call('agent.send', { agent_name: 'gi', text: 'again' })).turn_id!)).text, 'acp heard: again');
    assert.equal(argvs(state).length, 1);
  });

  test('a crash is a passing failure tried again; an overloaded model is too; a turn past its time is killed', async () => {
    await withSetting(c, 'agent_retry_attempts', 2, async () => {
      await acpAgent(c, 'gc');
      const crashed = await finished(c, 'gc', (await c.call('agent.send', { agent_name: 'gc', text: '[crash] fall' })).turn_id!);
      assert.equal(crashed.status, 'error');
      assert.match(crashed.error ?? '', /gemini exited \(code 1\)/);
      assert.equal(crashed.attempts, 2);
      const overloaded = await finished(c, 'gc', (await c.call('agent.send', { agent_name: 'gc', text: '[transient] busy' })).turn_id!);
      assert.equal(overloaded.status, 'done', 'the second try went through');
      assert.equal(overloaded.attempts, 2);
    });
    await withSetting(c, 'agent_turn_timeout_seconds', 1, async () => {
      await acpAgent(c, 'gt');
      assert.equal((await finished(c, 'gt', (await c.call('agent.send', { agent_name: 'gt', text: '[hang] never' })).turn_id!)).status, 'timed_out');
    });
  });

  test('backend acp runs its own command; without one it is refused saying what to give', async () => {
    const state = await acpAgent(c, 'ga', 'acp', { command: [FAKE_ACP, '--experimental-acp'] });
    assert.equal((await finished(c, 'ga', (await c.call('agent.send', { agent_name: 'ga', text: 'hi' })).turn_id!)).text, 'acp heard: hi');
    assert.deepEqual(argvs(state), [['--experimental-acp']]);
    const refused = await refusedWith(c.call('agent.create', { agent_name: 'gb', backend: 'acp', working_directory: state }), 'INVALID');
    assert.match(refused.message, /backend acp needs command/);
    await refusedWith(c.call('agent.create', { agent_name: 'gb', backend: 'gemini', working_directory: state, command: ['x'] }), 'INVALID');
  });
});

describe('an ACP agent across a daemon restart', () => {
  test('the next turn loads the stored session (session/load) in a new process; an agent that cannot load starts a new one', async () => {
    const first = await startDaemon({ env });
    const state = scratchDir();
    const noLoad = scratchDir();
    try {
      const c = await first.client();
      await c.call('agent.create', { agent_name: 'gr', backend: 'gemini', working_directory: state, env: { FAKE_ACP_STATE: state } });
      await c.call('agent.create', { agent_name: 'gn', backend: 'gemini', working_directory: noLoad, env: { FAKE_ACP_STATE: noLoad, FAKE_ACP_NO_LOAD: '1' } });
      for (const name of ['gr', 'gn']) assert.equal((await finished(c, name, (await c.call('agent.send', { agent_name: name, text: 'remember' })).turn_id!)).status, 'done');
      const session = (await info(c, 'gr')).native_session_id;
      const unloadable = (await info(c, 'gn')).native_session_id;
      assert.equal(await first.stop(), 0);
      const second = await startDaemon({ env, home: first.home });
      try {
        const c2 = await second.client();
        const turn = await finished(c2, 'gr', (await c2.call('agent.send', { agent_name: 'gr', text: 'still?' })).turn_id!);
        assert.equal(turn.status, 'done', turn.error ?? '');
        const loads = sentToAgent(state).filter((m) => m.method === 'session/load');
        assert.equal(loads.length, 1);
        assert.equal(loads[0].params.sessionId, session);
        assert.equal((await info(c2, 'gr')).native_session_id, session);

        assert.equal((await finished(c2, 'gn', (await c2.call('agent.send', { agent_name: 'gn', text: 'still?' })).turn_id!)).status, 'done');
        assert.equal(sentToAgent(noLoad).filter((m) => m.method === 'session/new').length, 2);
        assert.notEqual((await info(c2, 'gn')).native_session_id, unloadable);
      } finally {
        await second.stop();
      }
    } finally {
      await first.cleanup();
    }
  });
});
