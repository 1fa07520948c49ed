// What a run does, as its schedule's principal: a message or a task through the dispatcher (the same checks, audit and
// errors as the owner's own calls), or an agent turn queued for the agent runtime (its queue and concurrency limit).
import { OPERATOR } from '../../rpc/contract/common.js';
import { BrainsError } from '../../rpc/errors.js';
import type { PlaneDeps } from '../planes/shared/deps.js';
import { queueTurn } from '../planes/agents/turns.js';
import { expandTemplate, type StoredAction } from '../planes/schedules/actions.js';
import { whenOf } from '../planes/schedules/records.js';
import type { RunEnding } from '../planes/schedules/runs.js';
import type { Principal } from '../principals/principal.js';
import { outsideCall } from '../principals/call-scope.js';
import type { RunRow, ScheduleRow } from '../store/schedules.js';

/** A contract call as a principal, in-process (main.ts gives the dispatcher's). */
export type CallAs = (principal: Principal, method: string, params: Record<string, unknown>) => Promise<unknown>;

/** A run that ended at once, or one whose agent turn is queued and ends with it. */
export type Performed = { ended: RunEnding } | { turnNo: number };

function expandPayload(payload: unknown, expand: (text: string) => string): unknown {
  return typeof payload === 'string' ? expand(payload) : payload;
}

export async function perform(deps: PlaneDeps, call: CallAs, principal: Principal, schedule: ScheduleRow, run: RunRow, action: StoredAction): Promise<Performed> {
  const when = whenOf(schedule);
  const expand = (text: string) => expandTemplate(text, { dueMs: run.due_ms, n: run.n, tz: 'tz' in when ? when.tz : undefined });
  switch (action.kind) {
    case 'message': {
      const sent = (await call(principal, 'message.send', {
        project_id: schedule.project_id,
        from_agent: schedule.created_by,
        ...(action.to_agent !== undefined ? { to_agent: action.to_agent } : { broadcast: true }),
        payload: expandPayload(action.payload, expand),
        metadata: { schedule: schedule.name, run: run.n },
        idempotency_key: `schedule-run-${run.run_no}`,
      })) as { message_id: string; recipients: string[] };
      deps.store.schedules.link(run.run_no, { message_id: sent.message_id });
      return { ended: { status: 'ok', output: `${sent.message_id} to ${sent.recipients.join(', ') || 'nobody'}`, error: null } };
    }
    case 'task': {
      const task = (await call(principal, 'task.create', {
        project_id: schedule.project_id,
        created_by: schedule.created_by,
        title: expand(action.title_template),
        ...(action.body !== undefined ? { body: expand(action.body) } : {}),
        ...(action.priority !== undefined ? { priority: action.priority } : {}),
        ...(action.labels !== undefined ? { labels: action.labels } : {}),
      })) as { task_id: string; title: string };
      deps.store.schedules.link(run.run_no, { task_id: task.task_id });
      return { ended: { status: 'ok', output: `${task.task_id}: ${task.title}`, error: null } };
    }
    case 'turn':
      return { turnNo: queueScheduledTurn(deps, schedule, run, action, expand(action.prompt)) };
  }
}

/** The turn, if the owner may still run it: the operator any agent's, an agent only its own (as when it was made). */
function queueScheduledTurn(deps: PlaneDeps, schedule: ScheduleRow, run: RunRow, action: Extract<StoredAction, { kind: 'turn' }>, prompt: string): number {
  if (schedule.created_by !== OPERATOR && schedule.created_by !== action.agent_name) {
    throw new BrainsError('PERMISSION_DENIED', `${schedule.created_by}'s schedule cannot run ${action.agent_name}'s turn`);
  }
  const turnNo = outsideCall(() =>
    deps.mutate((emit) => {
      const agent = deps.store.agents.get(action.agent_name);
      if (!agent) throw new BrainsError('NOT_FOUND', `no managed agent ${action.agent_name} (removed since the schedule was made)`);
      if (schedule.created_by !== OPERATOR && agent.project_id !== schedule.project_id) throw new BrainsError('PERMISSION_DENIED', `${action.agent_name} is no longer in ${schedule.project_id}`);
      const queued = queueTurn(deps, emit, agent, { text: prompt, source: 'schedule', from_agent: null, message_id: null, hops: 0, isolated: action.session === 'isolated' });
      deps.store.schedules.link(run.run_no, { turn_no: queued.turnNo });
      return queued.turnNo;
    }),
  );
  deps.agents?.queued(action.agent_name);
  return turnNo;
}
