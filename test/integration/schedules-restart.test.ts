// Schedules across daemon restarts: a run in the middle of its agent turn when the daemon stops is recorded as
// interrupted and never run again; after downtime (the scheduler's clock moved on with the test-only
// BRAINS_SCHEDULER_CLOCK_OFFSET_MS) a missed run fires once with catch_up once and is recorded skipped with skip.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, tempHome, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { AGENT_WAIT_MS, scratchDir, turns } from '../helpers/agents.js';

const home = tempHome();
let daemon: TestDaemon | null = null;
after(async () => daemon?.cleanup());

async function restart(env: NodeJS.ProcessEnv = {}): Promise<void> {
  if (daemon) await daemon.stop();
  daemon = await startDaemon({ home, env });
}

test('a run whose turn was running when the daemon stopped is interrupted and not run again; missed runs catch up once or are skipped', async () => {
  await restart();
  let c = await daemon!.client();
  await c.call('agent.create', { agent_name: 'slow', backend: 'command', working_directory: scratchDir(), command: [process.execPath, '-e', 'setTimeout(() => {}, 120000)'] });
  await c.call('schedule.create', { name: 'long', when: { at: '2099-01-01T00:00:00Z' }, action: { agent_name: 'slow', prompt: 'take your time' } });
  await c.call('project.create', { project_id: 'ops', name: 'ops' });
  await c.call('schedule.create', { name: 'hourly-once', project_id: 'ops', when: { every_seconds: 3600 }, action: { task: { title_template: 'hourly {n}' } } });
  await c.call('schedule.create', { name: 'hourly-skip', project_id: 'ops', catch_up: 'skip', when: { every_seconds: 3600 }, action: { task: { title_template: 'skipped {n}' } } });
  await c.call('schedule.fire', { name: 'long' });
  // Its process running (a stop while a command agent's process is still being spawned waits out the whole turn: a
  // runtime bug of its own, noted on the issue).
  await waitFor(async () => (await c.call('agent.info', { agent_name: 'slow' })).pid !== null, AGENT_WAIT_MS, 'the turn to run');

  // Two hours later, as far as the scheduler can tell.
  await restart({ BRAINS_SCHEDULER_CLOCK_OFFSET_MS: String(2 * 3600_000 + 60_000) });
  c = await daemon!.client();
  const long = (await c.call('schedule.runs', { name: 'long' })).runs;
  assert.deepEqual(long.map((r) => [r.n, r.status]), [[1, 'interrupted']]);
  assert.match(long[0]!.error!, /daemon stopped/);
  await waitFor(async () => (await c.call('schedule.runs', { name: 'hourly-once' })).runs.some((r) => r.status !== 'running'), AGENT_WAIT_MS, 'the catch-up run');
  const once = (await c.call('schedule.runs', { name: 'hourly-once' })).runs;
  assert.deepEqual(once.map((r) => [r.n, r.status, r.trigger]), [[1, 'ok', 'catch_up']], 'two missed hours, one run');
  const skip = (await c.call('schedule.runs', { name: 'hourly-skip' })).runs;
  assert.deepEqual(skip.map((r) => [r.n, r.status]), [[1, 'skipped']]);
  assert.match(skip[0]!.error!, /catch_up is skip/);
  const tasks = (await c.call('task.list', { project_id: 'ops' })).tasks.map((t) => t.title);
  assert.deepEqual(tasks, ['hourly 1']);

  // Once more, at the same offset: nothing runs twice.
  await restart({ BRAINS_SCHEDULER_CLOCK_OFFSET_MS: String(2 * 3600_000 + 60_000) });
  c = await daemon!.client();
  assert.equal((await c.call('schedule.runs', { name: 'long' })).runs.length, 1);
  assert.equal((await c.call('schedule.runs', { name: 'hourly-once' })).runs.length, 1);
  assert.equal((await c.call('schedule.runs', { name: 'hourly-skip' })).runs.length, 1);
  assert.equal((await turns(c, 'slow')).filter((t) => t.role === 'assistant').length, 1, 'the interrupted turn was not queued again');
});
