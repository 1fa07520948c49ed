// How stored schedules and runs read on the wire, and who may see or change a schedule.
import type { ScheduleRecord, ScheduleRunRecord } from '../../../rpc/contract/schedules.js';
import { DEFAULT_SCHEDULE_LOCK_TTL_SECONDS } from '../../../rpc/contract/schedules.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Access } from '../../principals/access.js';
import type { Principal } from '../../principals/principal.js';
import type { Store } from '../../store/index.js';
import type { RunRow, ScheduleRow } from '../../store/schedules.js';
import { publicWhen, type WhenSpec } from './when.js';
import type { StoredAction } from './actions.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface LockSpec {
  key: string;
  wait_seconds: number;
  ttl_seconds: number;
}

export function lockSpecOf(lock: { key: string; wait_seconds?: number; ttl_seconds?: number } | null | undefined): LockSpec | null {
  if (!lock) return null;
  return { key: lock.key, wait_seconds: lock.wait_seconds ?? 0, ttl_seconds: lock.ttl_seconds ?? DEFAULT_SCHEDULE_LOCK_TTL_SECONDS };
}

export const whenOf = (row: ScheduleRow): WhenSpec => JSON.parse(row.when_spec) as WhenSpec;
export const actionOf = (row: ScheduleRow): StoredAction => JSON.parse(row.action) as StoredAction;

export function scheduleRecordOf(store: Store, row: ScheduleRow): ScheduleRecord {
  const last = store.schedules.last(row.schedule_no);
  return {
    name: row.name,
    project_id: row.project_id,
    created_by: row.created_by,
    when: publicWhen(whenOf(row)),
    action: actionOf(row),
    catch_up: row.catch_up,
    jitter_seconds: row.jitter_seconds,
    lock: row.lock_spec === null ? null : (JSON.parse(row.lock_spec) as LockSpec),
    enabled: row.enabled === 1,
    next_run_at: row.enabled === 1 && row.next_due_ms !== null ? iso(row.next_due_ms) : null,
    run_count: row.run_count,
    last_run: last && { n: last.n, status: last.status, due_at: iso(last.due_ms), finished_at: last.finished_at },
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function runRecordOf(name: string, row: RunRow): ScheduleRunRecord {
  return {
    name,
    n: row.n,
    trigger: row.trigger,
    due_at: iso(row.due_ms),
    started_at: row.started_at,
    finished_at: row.finished_at,
    status: row.status,
    output: row.output,
    error: row.error,
    turn_id: row.turn_no === null ? null : `turn-${row.turn_no}`,
    task_id: row.task_id,
    message_id: row.message_id,
  };
}

/** The schedule by name, if this principal may see it (an agent sees the schedules of its projects). */
export function requireSchedule(store: Store, access: Access, principal: Principal, name: string): ScheduleRow {
  const row = store.schedules.byName(name);
  if (!row || !maySee(access, principal, row)) {
    const visible = store.schedules.names().filter((n) => {
      const other = store.schedules.byName(n);
      return other !== null && maySee(access, principal, other);
    });
    throw new BrainsError('NOT_FOUND', `no schedule ${name}; ${visible.length > 0 ? `there are: ${visible.slice(0, 20).join(', ')}` : 'create one with schedule.create'}`, { name });
  }
  return row;
}

export function maySee(access: Access, principal: Principal, row: ScheduleRow): boolean {
  return principal.kind === 'operator' || access.nameIn(principal, row.project_id) !== undefined;
}

/** Only who it runs as (or the operator) may change, pause, fire or delete a schedule. */
export function requireOwner(access: Access, principal: Principal, row: ScheduleRow): void {
  access.requireMayActAs(principal, row.project_id, row.created_by, `schedule ${row.name}`);
}
