// The schedules plane: create, change, pause, fire and delete schedules, and read their run log; the scheduler runs them.
import { OPERATOR } from '../../../rpc/contract/common.js';
import type { ScheduleRecord, schedulesMethods } from '../../../rpc/contract/schedules.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Principal } from '../../principals/principal.js';
import type { ScheduleChange, ScheduleRow } from '../../store/schedules.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireMember, requireOpenProject } from '../shared/guards.js';
import { checkAction } from './actions.js';
import { actionOf, iso, lockSpecOf, maySee, requireOwner, requireSchedule, runRecordOf, scheduleRecordOf, whenOf } from './records.js';
import { claimRun } from './runs.js';
import { nextDue, whenSpecOf } from './when.js';

/** Who a new schedule runs as: the operator, or the agent the dispatcher found (or checked) in created_by. */
function ownerOf(principal: Principal, createdBy: string | undefined, projectId: string | undefined): string {
  if (createdBy !== undefined) return createdBy;
  if (principal.kind === 'operator') return OPERATOR;
  throw new BrainsError('INVALID', `project_id: an agent's schedule runs as that agent in one project; pass project_id${projectId ? '' : ' (the project you joined)'}`, { field: 'project_id' });
}

export function schedulesHandlers(deps: PlaneDeps): HandlersFor<typeof schedulesMethods> {
  const { store, access } = deps;
  const now = () => deps.scheduler?.now() ?? Date.now();
  const record = (row: ScheduleRow): ScheduleRecord => scheduleRecordOf(store, row);
  const changed = () => deps.scheduler?.changed();

  return {
    'schedule.create': (params, ctx) => {
      const nowMs = now();
      const owner = ownerOf(ctx.principal, params.created_by, params.project_id);
      const when = whenSpecOf(params.when, nowMs);
      const checked = checkAction(store, params.action, owner, params.project_id);
      // An agent's schedule acts as that agent there: it must be a member (the operator is one of every project).
      if (owner !== OPERATOR) requireMember(store, checked.projectId, owner);
      const lock = lockSpecOf(params.lock);
      if (lock && owner === OPERATOR && checked.action.kind !== 'turn' && params.project_id === undefined) throw new BrainsError('INVALID', 'project_id: a schedule with a lock holds it in a project; pass project_id', { field: 'project_id' });
      const enabled = params.enabled ?? true;
      const row = deps.mutate((emit) => {
        requireOpenProject(store, checked.projectId);
        if (store.schedules.byName(params.name)) throw new BrainsError('CONFLICT', `a schedule ${params.name} exists already; change it with schedule.update or choose another name`, { name: params.name });
        const at = iso(nowMs);
        const next = nextDue(when, nowMs);
        const scheduleNo = store.schedules.insert({
          name: params.name,
          project_id: checked.projectId,
          created_by: owner,
          when_spec: JSON.stringify(when),
          action: JSON.stringify(checked.action),
          catch_up: params.catch_up ?? 'once',
          jitter_seconds: params.jitter_seconds ?? 0,
          lock_spec: lock ? JSON.stringify(lock) : null,
          enabled: enabled ? 1 : 0,
          next_due_ms: next,
          created_at: at,
          updated_at: at,
        });
        emit('schedule.created', params.name, { name: params.name, project_id: checked.projectId, created_by: owner, kind: checked.action.kind, enabled, next_run_at: enabled && next !== null ? iso(next) : null });
        return store.schedules.byNo(scheduleNo)!;
      });
      changed();
      return record(row);
    },

    'schedule.list': ({ project_id }, ctx) => {
      const rows = store.schedules.list(project_id === undefined ? null : [project_id]).filter((row) => maySee(access, ctx.principal, row));
      return { schedules: rows.map(record) };
    },

    'schedule.get': ({ name }, ctx) => record(requireSchedule(store, access, ctx.principal, name)),

    'schedule.update': ({ name, ...changes }, ctx) => {
      const nowMs = now();
      const current = requireSchedule(store, access, ctx.principal, name);
      requireOwner(access, ctx.principal, current);
      const change: ScheduleChange = {};
      const when = changes.when !== undefined ? whenSpecOf(changes.when, nowMs) : whenOf(current);
      if (changes.when !== undefined) change.when_spec = JSON.stringify(when);
      if (changes.action !== undefined || changes.project_id !== undefined) {
        const action = changes.action ?? publicAction(actionOf(current));
        const checked = checkAction(store, action, current.created_by, changes.project_id ?? (changes.action && 'agent_name' in changes.action && changes.action.agent_name !== undefined ? undefined : current.project_id));
        if (current.created_by !== OPERATOR && checked.projectId !== current.project_id) throw new BrainsError('PERMISSION_DENIED', `project_id: ${current.created_by}'s schedule stays in ${current.project_id}`, { field: 'project_id' });
        change.action = JSON.stringify(checked.action);
        change.project_id = checked.projectId;
      }
      if (changes.catch_up !== undefined) change.catch_up = changes.catch_up;
      if (changes.jitter_seconds !== undefined) change.jitter_seconds = changes.jitter_seconds;
      if (changes.lock !== undefined) change.lock_spec = changes.lock === null ? null : JSON.stringify(lockSpecOf(changes.lock));
      if (changes.enabled !== undefined) change.enabled = changes.enabled ? 1 : 0;
      if (change.when_spec !== undefined || (change.enabled === 1 && current.enabled === 0)) change.next_due_ms = nextDue(when, nowMs);
      return writeChange(current, change, Object.keys(changes).filter((key) => (changes as Record<string, unknown>)[key] !== undefined), nowMs);
    },

    'schedule.pause': ({ name }, ctx) => {
      const current = requireSchedule(store, access, ctx.principal, name);
      requireOwner(access, ctx.principal, current);
      return current.enabled === 0 ? record(current) : writeChange(current, { enabled: 0 }, ['enabled'], now());
    },

    'schedule.resume': ({ name }, ctx) => {
      const nowMs = now();
      const current = requireSchedule(store, access, ctx.principal, name);
      requireOwner(access, ctx.principal, current);
      return current.enabled === 1 ? record(current) : writeChange(current, { enabled: 1, next_due_ms: nextDue(whenOf(current), nowMs) }, ['enabled'], nowMs);
    },

    'schedule.delete': ({ name }, ctx) => {
      const current = requireSchedule(store, access, ctx.principal, name);
      requireOwner(access, ctx.principal, current);
      const by = access.nameIn(ctx.principal, current.project_id) ?? OPERATOR;
      deps.mutate((emit) => {
        store.schedules.remove(current.schedule_no);
        emit('schedule.deleted', name, { name, project_id: current.project_id, by });
      });
      changed();
      return { name, deleted: true as const };
    },

    'schedule.fire': ({ name }, ctx) => {
      const current = requireSchedule(store, access, ctx.principal, name);
      requireOwner(access, ctx.principal, current);
      const nowMs = now();
      const run = deps.mutate((emit) => claimRun(deps, emit, current, nowMs, 'fire', nowMs));
      if (!run) throw new BrainsError('CONFLICT', `${name} has a run due at this very millisecond already; fire again`, { name });
      if (!deps.scheduler) throw new BrainsError('UNAVAILABLE', 'the scheduler is not running; call again once the daemon has started');
      deps.scheduler.execute(run.run_no);
      return runRecordOf(name, run);
    },

    'schedule.runs': ({ name, limit, before }, ctx) => {
      const current = requireSchedule(store, access, ctx.principal, name);
      const rows = store.schedules.runs(current.schedule_no, limit, before ?? null);
      return { runs: rows.slice(0, limit).map((row) => runRecordOf(name, row)), has_more: rows.length > limit };
    },
  };

  function writeChange(current: ScheduleRow, change: ScheduleChange, fields: string[], nowMs: number): ScheduleRecord {
    const updated = deps.mutate((emit) => {
      store.schedules.update(current.schedule_no, { ...change, updated_at: iso(nowMs) });
      const row = store.schedules.byNo(current.schedule_no)!;
      emit('schedule.updated', row.name, { name: row.name, project_id: row.project_id, changed: fields, enabled: row.enabled === 1, next_run_at: row.enabled === 1 && row.next_due_ms !== null ? iso(row.next_due_ms) : null });
      return row;
    });
    changed();
    return record(updated);
  }
}

/** A stored action in the contract's form again, to check it anew (a new project for it). */
function publicAction(action: ReturnType<typeof actionOf>) {
  switch (action.kind) {
    case 'turn':
      return { agent_name: action.agent_name, prompt: action.prompt, session: action.session };
    case 'task': {
      const { kind: _kind, ...task } = action;
      return { task };
    }
    case 'message': {
      const { kind: _kind, ...message } = action;
      return { message };
    }
  }
}
