// A claude agent's process (the fake CLI) while its settings change or it is removed: agent.remove ends the process
// even mid-turn or mid-start, and agent.update starts the next turn in a new process with the new settings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { AGENT_WAIT_MS, FAKE_CLAUDE, alive, ask, fakeLog, gone, info, scratchDir, userLines } from '../helpers/agents.js';

const { client: c } = withDaemon({ env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE } });

async function claudeAgent(agentName: string, env: Record<string, string> = {}): Promise<string> {
  const state = scratchDir();
  await c.call('agent.create', { agent_name: agentName, backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state, ...env } });
  return state;
}

/** The pid of the first fake process that logged its start. */
async function startedPid(state: string): Promise<number> {
  let pid = 0;
  await waitFor(() => (pid = fakeLog(state).find((l) => l.kind === 'argv')?.pid ?? 0) !== 0, AGENT_WAIT_MS, 'the fake to start');
  return pid;
}

describe('claude processes and agent changes', () => {
  test('agent.remove mid-turn ends the process and the agent with its history', async () => {
    const state = await claudeAgent('doomed');
    await c.call('agent.send', { agent_name: 'doomed', text: '[hang] busy' });
    await waitFor(() => userLines(state).length === 1, AGENT_WAIT_MS, 'the turn to reach the fake');
    const pid = userLines(state)[0]!.pid;
    assert.deepEqual(await c.call('agent.remove', { agent_name: 'doomed' }), { agent_name: 'doomed', removed: true, worktree_removed: null, branch: null, worktree_error: null });
    await gone(pid, 'the removed agent process');
    assert.ok(!(await c.call('agent.list', {})).agents.some((a) => a.agent_name === 'doomed'));
  });

  test('project.delete takes its agents with it, processes included', async () => {
    await c.call('project.create', { project_id: 'doomed-project', name: 'doomed' });
    const state = scratchDir();
    await c.call('agent.create', { agent_name: 'inside', backend: 'claude', working_directory: state, project_id: 'doomed-project', env: { FAKE_CLAUDE_STATE: state } });
    await c.call('agent.send', { agent_name: 'inside', text: '[hang] busy' });
    await waitFor(() => userLines(state).length === 1, AGENT_WAIT_MS, 'the turn to reach the fake');
    await c.call('project.delete', { project_id: 'doomed-project' });
    await gone(userLines(state)[0]!.pid, 'the process of an agent whose project was deleted');
    assert.ok(!(await c.call('agent.list', {})).agents.some((a) => a.agent_name === 'inside'));
  });

  test('agent.remove while the process is still starting ends it once it has started', async () => {
    const state = await claudeAgent('early', { FAKE_CLAUDE_INIT_DELAY_MS: '1500' });
    await c.call('agent.send', { agent_name: 'early', text: 'never mind' });
    const pid = await startedPid(state);
    await c.call('agent.remove', { agent_name: 'early' });
    await gone(pid, 'the process that was starting when its agent was removed', 20_000);
    assert.deepEqual(userLines(state), [], 'the removed agent was never sent the turn');
  });

  test('agent.update: the idle process ends and the next turn starts one with the new settings, resuming the session', async () => {
    const state = await claudeAgent('tuned');
    assert.equal((await ask(c, 'tuned', 'first')).status, 'done');
    const before = await info(c, 'tuned');
    assert.ok(before.pid && alive(before.pid));
    const updated = await c.call('agent.update', { agent_name: 'tuned', model: 'claude-test-2', system_prompt: 'Be terse.', env: { FAKE_CLAUDE_STATE: state, EXTRA: '1' } });
    assert.equal(updated.native_session_id, before.native_session_id, 'settings other than backend and directory keep the session');
    await gone(before.pid, 'the process with the old settings');
    assert.equal((await ask(c, 'tuned', 'second')).status, 'done');
    const argv = fakeLog(state).filter((l) => l.kind === 'argv').at(-1)!.argv!;
    assert.ok(argv.includes('--model=claude-test-2'), argv.join(' '));
    assert.ok(argv.includes('--append-system-prompt=Be terse.'));
    assert.ok(argv.includes(`--resume=${before.native_session_id}`));
    assert.notEqual((await info(c, 'tuned')).pid, before.pid);

    const moved = await c.call('agent.update', { agent_name: 'tuned', working_directory: scratchDir() });
    assert.equal(moved.native_session_id, null, 'a new directory is a fresh session');
    assert.equal((await c.call('agent.reset', { agent_name: 'tuned' })).native_session_id, null);
  });
});
