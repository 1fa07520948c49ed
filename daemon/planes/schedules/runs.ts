// Every write of a schedule's run, from its claim to its end, with its events: used by schedule.fire and the scheduler.
import type { Emit } from '../../events/mutate.js';
import type { RunRow, RunStatus, ScheduleRow } from '../../store/schedules.js';
import type { PlaneDeps } from '../shared/deps.js';
import { iso } from './records.js';

/** Longest output summary a run keeps. */
export const RUN_OUTPUT_CHARS = 500;
export const clipOutput = (text: string): string => (text.length > RUN_OUTPUT_CHARS ? `${text.slice(0, RUN_OUTPUT_CHARS - 1)}…` : text);

/**
 * Claim the run due at dueMs (inside the caller's mutation): null when it was claimed before, so it never runs twice.
 * A run claimed as skipped is finished at once with why.
 */
export function claimRun(deps: PlaneDeps, emit: Emit, schedule: ScheduleRow, dueMs: number, trigger: RunRow['trigger'], nowMs: number, skipped: string | null = null): RunRow | null {
  const run = deps.store.schedules.claim(schedule.schedule_no, dueMs, trigger, 'running', iso(nowMs));
  if (!run) return null;
  const facts = { name: schedule.name, project_id: schedule.project_id, n: run.n, due_at: iso(dueMs), trigger };
  emit('schedule.run_started', schedule.name, facts);
  if (skipped !== null) finishRun(deps, emit, schedule, run, { status: 'skipped', output: null, error: skipped }, nowMs);
  return deps.store.schedules.run(run.run_no);
}

export interface RunEnding {
  status: Exclude<RunStatus, 'running'>;
  output: string | null;
  error: string | null;
}

/** End a run once (false when it had ended); the run log keeps the newest schedule_run_history runs. */
export function finishRun(deps: PlaneDeps, emit: Emit, schedule: ScheduleRow, run: RunRow, end: RunEnding, nowMs: number): boolean {
  const output = end.output === null ? null : clipOutput(end.output);
  const error = end.error === null ? null : clipOutput(end.error);
  if (!deps.store.schedules.finish(run.run_no, { status: end.status, finished_at: iso(nowMs), output, error })) return false;
  emit('schedule.run_finished', schedule.name, { name: schedule.name, project_id: schedule.project_id, n: run.n, due_at: iso(run.due_ms), trigger: run.trigger, status: end.status, output, error });
  deps.store.schedules.prune(schedule.schedule_no, deps.settings.get('schedule_run_history'));
  return true;
}
