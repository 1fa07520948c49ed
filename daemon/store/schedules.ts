// SQL for schedules and their run log: a run row is the claim, unique per schedule and due time, so a due run starts once.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface ScheduleRow {
  schedule_no: number;
  name: string;
  project_id: string;
  /** `operator`, or the agent (in project_id) it runs as. */
  created_by: string;
  /** JSON of the contract's `when`. */
  when_spec: string;
  /** JSON of the normalized action ({kind, ...}). */
  action: string;
  catch_up: 'once' | 'skip';
  jitter_seconds: number;
  /** JSON {key, wait_seconds, ttl_seconds}, or null. */
  lock_spec: string | null;
  enabled: 0 | 1;
  /** The next due time (ms since the epoch, before jitter); null when none is left (a one-shot that ran). */
  next_due_ms: number | null;
  run_count: number;
  created_at: string;
  updated_at: string;
}

export type RunStatus = 'running' | 'ok' | 'failed' | 'skipped' | 'interrupted';

export interface RunRow {
  run_no: number;
  schedule_no: number;
  n: number;
  due_ms: number;
  trigger: 'due' | 'catch_up' | 'fire';
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  output: string | null;
  error: string | null;
  turn_no: number | null;
  task_id: string | null;
  message_id: string | null;
  /** JSON of the lease the run holds ({lease_id, fencing_token, project_id, agent_name}) until it ends. */
  lease: string | null;
}

const SCHEDULE_FIELDS = ['project_id', 'when_spec', 'action', 'catch_up', 'jitter_seconds', 'lock_spec', 'enabled', 'next_due_ms', 'updated_at'] as const;
export type ScheduleChange = Partial<Pick<ScheduleRow, (typeof SCHEDULE_FIELDS)[number]>>;
export type RunEnd = Pick<RunRow, 'status' | 'finished_at' | 'output' | 'error'>;
const RUN_LINKS = ['turn_no', 'task_id', 'message_id', 'lease'] as const;
export type RunLinks = Partial<Pick<RunRow, (typeof RUN_LINKS)[number]>>;

export class ScheduleRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  insert(row: Omit<ScheduleRow, 'schedule_no' | 'run_count'>): number {
    return Number(
      this.sql(
        `INSERT INTO schedules (name, project_id, created_by, when_spec, action, catch_up, jitter_seconds, lock_spec, enabled, next_due_ms, created_at, updated_at)
         VALUES (@name, @project_id, @created_by, @when_spec, @action, @catch_up, @jitter_seconds, @lock_spec, @enabled, @next_due_ms, @created_at, @updated_at)`,
      ).run(row).lastInsertRowid,
    );
  }

  byName(name: string): ScheduleRow | null {
    return (this.sql('SELECT * FROM schedules WHERE name = ?').get(name) as ScheduleRow | undefined) ?? null;
  }

  byNo(scheduleNo: number): ScheduleRow | null {
    return (this.sql('SELECT * FROM schedules WHERE schedule_no = ?').get(scheduleNo) as ScheduleRow | undefined) ?? null;
  }

  list(projectIds: readonly string[] | null): ScheduleRow[] {
    if (projectIds === null) return this.sql('SELECT * FROM schedules ORDER BY name').all() as ScheduleRow[];
    if (projectIds.length === 0) return [];
    return this.sql(`SELECT * FROM schedules WHERE project_id IN (SELECT value FROM json_each(?)) ORDER BY name`).all(JSON.stringify(projectIds)) as ScheduleRow[];
  }

  names(): string[] {
    return this.sql('SELECT name FROM schedules ORDER BY name').pluck().all() as string[];
  }

  count(): number {
    return this.sql('SELECT count(*) FROM schedules').pluck().get() as number;
  }

  /** The earliest due time of an enabled schedule: where the one timer points. */
  earliestDue(): number | null {
    return (this.sql('SELECT min(next_due_ms) FROM schedules WHERE enabled = 1 AND next_due_ms IS NOT NULL').pluck().get() as number | null) ?? null;
  }

  /** Enabled schedules due at or before `nowMs`, earliest first. */
  due(nowMs: number, limit: number): ScheduleRow[] {
    return this.sql('SELECT * FROM schedules WHERE enabled = 1 AND next_due_ms IS NOT NULL AND next_due_ms <= ? ORDER BY next_due_ms, schedule_no LIMIT ?').all(nowMs, limit) as ScheduleRow[];
  }

  update(scheduleNo: number, change: ScheduleChange): boolean {
    const fields = SCHEDULE_FIELDS.filter((field) => field in change);
    if (fields.length === 0) return this.byNo(scheduleNo) !== null;
    const set = fields.map((field) => `${field} = @${field}`).join(', ');
    return this.sql(`UPDATE schedules SET ${set} WHERE schedule_no = @schedule_no`).run({ ...change, schedule_no: scheduleNo }).changes > 0;
  }

  remove(scheduleNo: number): boolean {
    return this.sql('DELETE FROM schedules WHERE schedule_no = ?').run(scheduleNo).changes > 0;
  }

  /**
   * Claim the run due at `dueMs`: a new row, or null when that run was claimed before (by this process before a restart,
   * or a fire in the same millisecond). The schedule's run count is the run's number.
   */
  claim(scheduleNo: number, dueMs: number, trigger: RunRow['trigger'], status: RunStatus, startedAt: string): RunRow | null {
    const inserted = this.sql(
      `INSERT INTO schedule_runs (schedule_no, n, due_ms, trigger, status, started_at)
       SELECT schedule_no, run_count + 1, ?, ?, ?, ? FROM schedules WHERE schedule_no = ?
       ON CONFLICT (schedule_no, due_ms) DO NOTHING`,
    ).run(dueMs, trigger, status, startedAt, scheduleNo);
    if (inserted.changes === 0) return null;
    this.sql('UPDATE schedules SET run_count = run_count + 1 WHERE schedule_no = ?').run(scheduleNo);
    return this.run(Number(inserted.lastInsertRowid));
  }

  run(runNo: number): RunRow | null {
    return (this.sql('SELECT * FROM schedule_runs WHERE run_no = ?').get(runNo) as RunRow | undefined) ?? null;
  }

  link(runNo: number, links: RunLinks): void {
    const fields = RUN_LINKS.filter((field) => field in links);
    if (fields.length === 0) return;
    this.sql(`UPDATE schedule_runs SET ${fields.map((f) => `${f} = @${f}`).join(', ')} WHERE run_no = @run_no`).run({ ...links, run_no: runNo });
  }

  /** End a running run once; false when it had ended already. */
  finish(runNo: number, end: RunEnd): boolean {
    return this.sql("UPDATE schedule_runs SET status = @status, finished_at = @finished_at, output = @output, error = @error WHERE run_no = @run_no AND status = 'running'").run({ ...end, run_no: runNo }).changes > 0;
  }

  /** Runs left running (by this process, or by a daemon that stopped). */
  running(): RunRow[] {
    return this.sql("SELECT * FROM schedule_runs WHERE status = 'running' ORDER BY run_no").all() as RunRow[];
  }

  /** The run waiting on this agent turn, if any. */
  byTurn(turnNo: number): RunRow | null {
    return (this.sql("SELECT * FROM schedule_runs WHERE turn_no = ? AND status = 'running'").get(turnNo) as RunRow | undefined) ?? null;
  }

  /** Newest first, numbered below `before` when given; one more than asked so the caller knows whether more exist. */
  runs(scheduleNo: number, limit: number, before: number | null): RunRow[] {
    return this.sql('SELECT * FROM schedule_runs WHERE schedule_no = ? AND n < ? ORDER BY n DESC LIMIT ?').all(scheduleNo, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as RunRow[];
  }

  last(scheduleNo: number): RunRow | null {
    return (this.sql('SELECT * FROM schedule_runs WHERE schedule_no = ? ORDER BY n DESC LIMIT 1').get(scheduleNo) as RunRow | undefined) ?? null;
  }

  /** Keep the newest `keep` finished runs of a schedule (running ones always stay); returns how many went. */
  prune(scheduleNo: number, keep: number): number {
    return this.sql(
      "DELETE FROM schedule_runs WHERE schedule_no = ? AND status <> 'running' AND n <= (SELECT n FROM schedule_runs WHERE schedule_no = ? ORDER BY n DESC LIMIT 1 OFFSET ?)",
    ).run(scheduleNo, scheduleNo, keep).changes;
  }
}
