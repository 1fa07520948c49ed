// Schedules through a real daemon: each action kind (an echo agent's turn, a task from a template, a message), fire by
// hand, the events, a lock that is taken (a run skipped with why), and principals: an agent's schedule runs as that
// agent and may do only what it may do itself.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith } from '../helpers/rpc-assert.js';
import { waitFor } from '../helpers/daemon.js';
import { AGENT_WAIT_MS, scratchDir, turns } from '../helpers/agents.js';
import type { BrainsClient } from '../../rpc/client.js';
import type { ScheduleRunRecord } from '../../rpc/contract/schedules.js';
import { contract } from '../../rpc/contract/index.js';

const { daemon, client: c } = withDaemon();
const soon = (ms = 1500) => new Date(Date.now() + ms).toISOString();
const FAR = '2099-01-01T00:00:00Z';

async function finishedRun(client: BrainsClient, name: string, n = 1): Promise<ScheduleRunRecord> {
  let run: ScheduleRunRecord | undefined;
  await waitFor(
    async () => {
      run = (await client.call('schedule.runs', { name })).runs.find((r) => r.n === n);
      return run !== undefined && run.status !== 'running';
    },
    AGENT_WAIT_MS,
    `run ${n} of ${name} to finish`,
  );
  return run!;
}

describe('schedules', () => {
  test('an at schedule makes an echo agent answer (visible in agent.history); the run log links the turn', async () => {
    await c.call('agent.create', { agent_name: 'a', backend: 'echo', working_directory: scratchDir() });
    const made = await c.call('schedule.create', { name: 's', when: { at: soon() }, action: { agent_name: 'a', prompt: 'scheduled ping' } });
    assert.equal(made.created_by, 'operator');
    assert.equal(made.project_id, 'agents');
    assert.deepEqual(made.action, { kind: 'turn', agent_name: 'a', prompt: 'scheduled ping', session: 'conversation' });
    const run = await finishedRun(c, 's');
    assert.equal(run.status, 'ok');
    assert.equal(run.trigger, 'due');
    assert.equal(run.output, 'scheduled ping');
    const answer = (await turns(c, 'a')).find((t) => t.turn_id === run.turn_id)!;
    assert.equal(answer.text, 'scheduled ping');
    assert.equal(answer.source, 'schedule');
    const listed = (await c.call('schedule.list', {})).schedules.find((s) => s.name === 's')!;
    assert.equal(listed.next_run_at, null, 'a one-shot that ran has no next run');
    assert.deepEqual([listed.last_run?.status, listed.run_count], ['ok', 1]);
  });

  test('an isolated turn runs and the conversation goes on', async () => {
    await c.call('schedule.create', { name: 'iso', when: { at: FAR }, action: { agent_name: 'a', prompt: 'on its own', session: 'isolated' } });
    await c.call('schedule.fire', { name: 'iso' });
    assert.equal((await finishedRun(c, 'iso')).status, 'ok');
  });

  test('a task from a template every second; paused, it stops; fired by hand it runs once more', async () => {
    await c.call('project.create', { project_id: 'ops', name: 'ops' });
    await c.call('project.join', { project_id: 'ops', agent_name: 'bob', client_id: 'ops-bob' });
    await c.call('schedule.create', { name: 'triage', project_id: 'ops', when: { every_seconds: 1 }, action: { task: { title_template: 'Triage {date} #{n}', body: 'run {n}', priority: 'p1', labels: ['triage'] } } });
    const first = await finishedRun(c, 'triage');
    const paused = await c.call('schedule.pause', { name: 'triage' });
    assert.equal(paused.enabled, false);
    assert.equal(paused.next_run_at, null);
    assert.equal(first.status, 'ok');
    const task = await c.call('task.get', { project_id: 'ops', task_id: first.task_id! });
    assert.match(task.title, /^Triage \d{4}-\d{2}-\d{2} #1$/);
    assert.equal(task.body, 'run 1');
    assert.deepEqual([task.priority, task.labels, task.created_by], ['p1', ['triage'], 'operator']);
    const count = (await c.call('schedule.runs', { name: 'triage' })).runs.length;
    const fired = await c.call('schedule.fire', { name: 'triage' });
    assert.deepEqual([fired.trigger, fired.status, fired.n], ['fire', 'running', count + 1]);
    assert.equal((await finishedRun(c, 'triage', count + 1)).status, 'ok');
  });

  test('a message to a member, with the run events in the log', async () => {
    const tail = (await c.call('events.list', { after: 0, limit: 1 })).head_seq;
    await c.call('schedule.create', { name: 'nudge', project_id: 'ops', when: { at: FAR }, action: { message: { to_agent: 'bob', payload: 'rerun the suite (run {n})' } } });
    await c.call('schedule.fire', { name: 'nudge' });
    const run = await finishedRun(c, 'nudge');
    assert.equal(run.status, 'ok');
    const inbox = await c.call('message.list', { project_id: 'ops', member: 'bob' });
    const sent = inbox.messages.find((m) => m.message_id === run.message_id)!;
    assert.deepEqual([sent.from_agent, sent.payload], ['operator', 'rerun the suite (run 1)']);
    const types = (await c.call('events.list', { after: tail, limit: 1000 })).events.filter((e) => e.subject === 'nudge').map((e) => e.type);
    assert.deepEqual(types, ['schedule.created', 'schedule.run_started', 'schedule.run_finished']);
  });

  test('a run whose lock is held past its wait is skipped, saying so; free, it takes and gives back the lock', async () => {
    const held = (await c.call('lock.acquire', { key: 'deploy', project_id: 'ops', agent_name: 'bob', ttl_seconds: 60 })) as { lease_id: string; fencing_token: number };
    await c.call('schedule.create', { name: 'locked', project_id: 'ops', when: { at: FAR }, lock: { key: 'deploy', wait_seconds: 0.2 }, action: { task: { title_template: 'deploy' } } });
    await c.call('schedule.fire', { name: 'locked' });
    const skipped = await finishedRun(c, 'locked');
    assert.equal(skipped.status, 'skipped');
    assert.match(skipped.error!, /lock deploy was held by bob/);
    await c.call('lock.release', { lease_id: held.lease_id, fencing_token: held.fencing_token });
    await c.call('schedule.fire', { name: 'locked' });
    assert.equal((await finishedRun(c, 'locked', 2)).status, 'ok');
    await waitFor(async () => (await c.call('lock.list', { project_id: 'ops' })).locks.length === 0, 10_000, 'the run to give the lock back');
  });

  test('an agent schedules its own turns and messages as itself, never another agent\'s turn nor the operator\'s schedules', async () => {
    await c.call('agent.create', { agent_name: 'coder', backend: 'echo', working_directory: scratchDir(), project_id: 'ops' });
    await c.call('agent.create', { agent_name: 'other', backend: 'echo', working_directory: scratchDir(), project_id: 'ops' });
    const { token } = await c.call('mcp.token', { project_id: 'ops', agent_name: 'coder' });
    const agent = await daemon.client();
    await agent.call('session.authenticate', { token });
    const mine = await agent.call('schedule.create', { name: 'coder-self', when: { at: FAR }, action: { agent_name: 'coder', prompt: 'check the build' } });
    assert.deepEqual([mine.created_by, mine.project_id], ['coder', 'ops']);
    await refusedWith(agent.call('schedule.create', { name: 'coder-other', when: { at: FAR }, action: { agent_name: 'other', prompt: 'work for me' } }), 'PERMISSION_DENIED');
    await refusedWith(agent.call('schedule.create', { name: 'coder-op', created_by: 'operator', project_id: 'ops', when: { at: FAR }, action: { task: { title_template: 'x' } } }), 'PERMISSION_DENIED');
    await refusedWith(agent.call('schedule.create', { name: 'coder-elsewhere', project_id: 'agents', when: { at: FAR }, action: { task: { title_template: 'x' } } }), 'PERMISSION_DENIED');
    await refusedWith(agent.call('schedule.pause', { name: 'triage' }), 'PERMISSION_DENIED');
    await refusedWith(agent.call('schedule.get', { name: 's' }), 'NOT_FOUND');
    assert.ok(!(await agent.call('schedule.list', {})).schedules.some((s) => s.project_id !== 'ops'), 'it sees only its project\'s schedules');
    await agent.call('schedule.create', { name: 'coder-note', when: { at: FAR }, action: { message: { to_agent: 'bob', payload: 'from a schedule' } } });
    await agent.call('schedule.fire', { name: 'coder-note' });
    const run = await finishedRun(c, 'coder-note');
    assert.equal(run.status, 'ok');
    const sent = (await c.call('message.list', { project_id: 'ops', member: 'bob' })).messages.find((m) => m.message_id === run.message_id)!;
    assert.equal(sent.from_agent, 'coder');
    await agent.call('schedule.fire', { name: 'coder-self' });
    assert.equal((await finishedRun(c, 'coder-self')).output, 'check the build');
    await agent.call('schedule.delete', { name: 'coder-note' });
  });

  test('every schedule method is an MCP tool', () => {
    const tools = Object.entries(contract).filter(([method]) => method.startsWith('schedule.')).map(([, def]) => (def as { mcpTool?: string }).mcpTool);
    assert.deepEqual(tools, ['schedule_create', 'schedule_list', 'schedule_get', 'schedule_update', 'schedule_pause', 'schedule_resume', 'schedule_delete', 'schedule_fire', 'schedule_runs']);
  });
});
