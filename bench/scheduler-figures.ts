// Figures of the scheduler: drift (a run's start minus its due time) for 100 schedules due in the same second running
// echo-agent turns, beside bare timers in the bench's own process; and the daemon's CPU while 1,000 schedules are armed
// and none is due, beside the same daemon with none.
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { atMost, type Figure, type PlaneBenchContext } from './figures.js';
import { startPlaneRig } from './plane-rig.js';

const DRIFT_P99_TARGET_MS = 50;
const IDLE_CPU_TARGET_PERCENT = 0.5;
const TICKS_PER_SECOND = 100; // Linux USER_HZ, what /proc/<pid>/stat counts in
const SCHEDULES_DUE = 100;
const AGENTS = 10;
const ARMED = 1000;

function phase(name: string): void {
  process.stderr.write(`bench: scheduler: ${name}\n`);
}

function percentileOf(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The daemon's CPU over `seconds`, in percent of one core. */
async function cpuPercent(pid: number, seconds: number): Promise<number> {
  const start = { ticks: cpuTicks(pid), at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - start.at) / 1000;
  return ((cpuTicks(pid) - start.ticks) / TICKS_PER_SECOND / elapsed) * 100;
}

/** The physical limit for drift: how late 100 bare timers set for the same moment fire in this process. */
async function bareTimerLateness(count: number): Promise<number[]> {
  const due = Date.now() + 200;
  const late = await Promise.all(Array.from({ length: count }, () => new Promise<number>((resolve) => setTimeout(() => resolve(Date.now() - due), due - Date.now()))));
  return late.sort((a, b) => a - b);
}

export async function measureSchedulerFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const idleSeconds = sizes.mode === 'quick' ? 5 : 10;
  const { home, echo, daemon } = await startPlaneRig(ctx, 'sc');
  await echo.stop();
  const work = join(home, 'work');
  mkdirSync(work, { recursive: true });
  const admin = await BrainsClient.connect(daemon.socket);
  await admin.call('project.create', { project_id: 'bench', name: 'bench' });

  phase(`daemon CPU with no schedules, then with ${ARMED} armed and none due (${idleSeconds} s each)`);
  // Settled: the write-ahead log folded back after the last writes (2 s idle), so both spans see a quiet daemon.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const cpuNone = await cpuPercent(daemon.pid, idleSeconds);
  for (let i = 0; i < ARMED; i += 1) {
    await admin.call('schedule.create', { name: `armed-${i}`, project_id: 'bench', when: { every_seconds: 86400 + i }, action: { task: { title_template: 'never today' } } });
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const cpuArmed = await cpuPercent(daemon.pid, idleSeconds);

  phase(`${SCHEDULES_DUE} schedules due in the same second, turns of ${AGENTS} echo agents (agent_concurrency 5)`);
  for (let i = 0; i < AGENTS; i += 1) await admin.call('agent.create', { agent_name: `echo-${i}`, backend: 'echo', working_directory: work, project_id: 'bench' });
  const turnStarted = new Map<string, number>();
  admin.onEvent((event) => {
    if (event.type === 'agent.turn_started') turnStarted.set((event.data as { turn_id: string }).turn_id, Date.parse(event.time));
  });
  await admin.call('events.subscribe', { types: ['agent.turn_started'] });
  const dueAt = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000).toISOString();
  for (let i = 0; i < SCHEDULES_DUE; i += 1) {
    await admin.call('schedule.create', { name: `due-${i}`, when: { at: dueAt }, action: { agent_name: `echo-${i % AGENTS}`, prompt: `run ${i}` } });
  }
  const runs: Array<{ due_at: string; started_at: string; status: string; turn_id: string | null }> = [];
  const deadline = Date.now() + 120_000;
  while (runs.length < SCHEDULES_DUE && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    runs.length = 0;
    for (let i = 0; i < SCHEDULES_DUE; i += 1) {
      const run = (await admin.call('schedule.runs', { name: `due-${i}`, limit: 1 })).runs[0];
      if (run && run.status !== 'running') runs.push(run);
    }
  }
  const failed = runs.filter((r) => r.status !== 'ok');
  if (failed.length > 0) process.stderr.write(`bench: scheduler: ${failed.length} runs did not end ok (${failed[0]!.status})\n`);
  const runDrift = runs.map((r) => Date.parse(r.started_at) - Date.parse(r.due_at)).sort((a, b) => a - b);
  const turnDrift = runs
    .map((r) => (r.turn_id !== null && turnStarted.has(r.turn_id) ? turnStarted.get(r.turn_id)! - Date.parse(r.due_at) : null))
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  const bare = await bareTimerLateness(SCHEDULES_DUE);
  await admin.close();
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the scheduler daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  return [
    {
      key: 'schedule_drift_p50_ms',
      label: `scheduler: run start − due time, ${SCHEDULES_DUE} due in one second (echo turns), p50`,
      unit: 'ms',
      value: percentileOf(runDrift, 50),
      limitKey: 'bare_timer_late_p50_ms',
      limitLabel: `${SCHEDULES_DUE} bare setTimeouts for one moment, p50`,
      limit: percentileOf(bare, 50),
      target: null,
    },
    {
      key: 'schedule_drift_p99_ms',
      label: 'same, p99 (before any wait for the concurrency limit)',
      unit: 'ms',
      value: percentileOf(runDrift, 99),
      limitKey: 'bare_timer_late_p99_ms',
      limitLabel: 'bare setTimeouts, p99',
      limit: percentileOf(bare, 99),
      target: atMost(DRIFT_P99_TARGET_MS, 'ms', percentileOf(runDrift, 99)),
    },
    {
      key: 'schedule_turn_start_p99_ms',
      label: "same runs: the agent turn's start − due time, p99 (waits for a slot: agent_concurrency 5, one turn per agent)",
      unit: 'ms',
      value: percentileOf(turnDrift, 99),
      limitKey: 'schedule_turn_start_p50_ms',
      limitLabel: 'same, p50',
      limit: percentileOf(turnDrift, 50),
      target: null,
    },
    {
      key: 'schedule_idle_cpu_percent',
      label: `scheduler: daemon CPU with ${ARMED} schedules armed, none due (${idleSeconds} s)`,
      unit: '%',
      value: cpuArmed,
      limitKey: 'daemon_idle_cpu_percent',
      limitLabel: 'the same daemon with no schedules',
      limit: cpuNone,
      // ≈ 0: what the armed schedules add to an idle daemon's own housekeeping (the reaper, the loop monitor).
      target: { text: `≤ no schedules + ${IDLE_CPU_TARGET_PERCENT} %`, met: cpuArmed <= cpuNone + IDLE_CPU_TARGET_PERCENT },
    },
  ];
}
