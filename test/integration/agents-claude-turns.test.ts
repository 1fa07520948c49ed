// Claude agents (the fake CLI) running turns through a real daemon: an interrupt the same process survives, a timeout
// that kills the whole process tree, retries of passing failures, and the global concurrency limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { headSeq } from '../helpers/rpc-assert.js';
import { AGENT_WAIT_MS, FAKE_CLAUDE, agentWhen, alive, ask, fakeLog, finished, gone, info, scratchDir, userLines, withSetting } from '../helpers/agents.js';

const { client: c } = withDaemon({ env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE, BRAINS_AGENT_BACKOFF_MS: '50' } });

async function claudeAgent(agentName: string, env: Record<string, string> = {}): Promise<string> {
  const state = scratchDir();
  await c.call('agent.create', { agent_name: agentName, backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state, ...env } });
  return state;
}

async function heard(state: string, text: string): Promise<number> {
  let pid = 0;
  await waitFor(() => (pid = userLines(state).find((u) => u.text === text)?.pid ?? 0) !== 0, AGENT_WAIT_MS, `the fake to read ${text}`);
  return pid;
}

describe('claude turns', () => {
  test('agent.interrupt ends a hanging turn as interrupted and the same process answers the next one', async () => {
    const state = await claudeAgent('int');
    assert.deepEqual(await c.call('agent.interrupt', { agent_name: 'int' }), { agent_name: 'int', interrupted: false, turn_id: null });
    const hang = await c.call('agent.send', { agent_name: 'int', text: '[hang] wait for me' });
    const pid = await heard(state, '[hang] wait for me');
    assert.equal((await info(c, 'int')).running_turn_id, hang.turn_id);
    assert.deepEqual(await c.call('agent.interrupt', { agent_name: 'int' }), { agent_name: 'int', interrupted: true, turn_id: hang.turn_id });
    const interrupted = await finished(c, 'int', hang.turn_id!);
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.error, 'interrupted');
    assert.ok(fakeLog(state).some((l) => l.kind === 'stdin' && l.message?.request?.subtype === 'interrupt'), 'the CLI was sent an interrupt request');
    assert.equal((await agentWhen(c, 'int', (a) => a.state === 'idle', 'idle after the interrupt')).pid, pid, 'the process lives on');

    const next = await ask(c, 'int', 'are you there');
    assert.equal(next.status, 'done');
    assert.equal(next.text, 'You said: are you there');
    assert.equal(userLines(state).at(-1)!.pid, pid, 'the same process answered the next turn');
  });

  test('a turn past agent_turn_timeout_seconds is timed_out and its whole process tree is killed', async () => {
    const state = await claudeAgent('slowpoke');
    assert.equal((await ask(c, 'slowpoke', 'warm up')).status, 'done');
    const sessionId = (await info(c, 'slowpoke')).native_session_id;
    await withSetting(c, 'agent_turn_timeout_seconds', 1, async () => {
      const sent = await c.call('agent.send', { agent_name: 'slowpoke', text: '[hang-tree] forever' });
      const pid = await heard(state, '[hang-tree] forever');
      const turn = await finished(c, 'slowpoke', sent.turn_id!);
      assert.equal(turn.status, 'timed_out');
      assert.match(turn.error!, /agent_turn_timeout_seconds \(1 s\)/);
      const grandchild = Number(readFileSync(join(state, 'grandchild.pid'), 'utf8'));
      assert.ok(grandchild > 0);
      await gone(pid, 'the timed-out claude');
      await gone(grandchild, 'the sleep the timed-out claude started');
      const agent = await agentWhen(c, 'slowpoke', (a) => a.state === 'error', 'state error');
      assert.match(agent.state_detail!, /agent_turn_timeout_seconds/);
      assert.equal(agent.pid, null);
    });
    const after = await ask(c, 'slowpoke', 'again');
    assert.equal(after.status, 'done');
    const argv = fakeLog(state).filter((l) => l.kind === 'argv').at(-1)!.argv!;
    assert.ok(argv.includes(`--resume=${sessionId}`), 'a new process resumes the session');
    assert.ok(alive((await info(c, 'slowpoke')).pid!));
  });

  test('a passing failure is tried again: done on attempt 2', async () => {
    const state = await claudeAgent('flaky', { FAKE_CLAUDE_TRANSIENT_FAILS: '1' });
    const seq = await headSeq(c);
    const turn = await ask(c, 'flaky', '[transient] try me');
    assert.equal(turn.status, 'done');
    assert.equal(turn.attempts, 2);
    assert.equal(turn.error, null);
    const started = (await c.call('events.list', { after: seq, types: ['agent.turn_started'], limit: 100 })).events.filter((e) => e.subject === 'flaky');
    assert.deepEqual(
      started.map((e) => (e.data as { attempt: number }).attempt),
      [1, 2],
    );
    assert.equal(userLines(state).filter((u) => u.text === '[transient] try me').length, 2);
  });

  test('a failure that keeps passing stops after agent_retry_attempts with the error', async () => {
    await claudeAgent('broken', { FAKE_CLAUDE_TRANSIENT_FAILS: '10' });
    await withSetting(c, 'agent_retry_attempts', 2, async () => {
      const turn = await ask(c, 'broken', '[transient] never');
      assert.equal(turn.status, 'error');
      assert.equal(turn.attempts, 2);
      assert.match(turn.error!, /529|overloaded/i);
    });
    const crash = await ask(c, 'broken', '[crash] midway');
    assert.equal(crash.status, 'error');
    assert.equal(crash.attempts, 3);
    assert.match(crash.error!, /claude exited \(code 1\).*crashing mid-turn/);
    assert.equal((await ask(c, 'broken', 'recovered')).status, 'done');
  });

  test('agent_concurrency 2: four agents never run more than two turns at once', async () => {
    await withSetting(c, 'agent_concurrency', 2, async () => {
      const names = ['conc-1', 'conc-2', 'conc-3', 'conc-4'];
      for (const name of names) await claudeAgent(name);
      const seq = await headSeq(c);
      const sent = [];
      for (const name of names) sent.push(await c.call('agent.send', { agent_name: name, text: `[slow 500] ${name}` }));
      for (const [i, name] of names.entries()) assert.equal((await finished(c, name, sent[i]!.turn_id!)).status, 'done');
      const events = (await c.call('events.list', { after: seq, types: ['agent.turn_started', 'agent.turn_finished'], limit: 1000 })).events;
      let running = 0;
      let most = 0;
      for (const event of events) {
        running += event.type === 'agent.turn_started' ? 1 : -1;
        most = Math.max(most, running);
      }
      assert.equal(events.length, 8, events.map((e) => `${e.type} ${e.subject}`).join('\n'));
      assert.equal(running, 0);
      assert.equal(most, 2, `at most two at once: ${events.map((e) => `${e.type} ${e.subject}`).join(', ')}`);
    });
  });

  test('raising agent_concurrency with config.set lets a waiting turn start at once', async () => {
    const holder = await claudeAgent('hold');
    await claudeAgent('waiter');
    await withSetting(c, 'agent_concurrency', 1, async () => {
      const hang = await c.call('agent.send', { agent_name: 'hold', text: '[hang] keep the slot' });
      await heard(holder, '[hang] keep the slot');
      const waiting = await c.call('agent.send', { agent_name: 'waiter', text: 'let me in' });
      // The only slot is held by a turn that never ends by itself: the other one cannot have started.
      assert.equal((await info(c, 'waiter')).queued_turns, 1);
      await c.call('config.set', { key: 'agent_concurrency', value: 2 });
      assert.equal((await finished(c, 'waiter', waiting.turn_id!)).status, 'done');
      assert.equal((await info(c, 'hold')).running_turn_id, hang.turn_id, 'the first still runs');
      await c.call('agent.interrupt', { agent_name: 'hold' });
      assert.equal((await finished(c, 'hold', hang.turn_id!)).status, 'interrupted');
    });
  });
});
