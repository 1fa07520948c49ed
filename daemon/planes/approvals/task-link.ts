// Ties a handoff to the task it hands in: checked when submitted, then finished or given back when the operator decides.
import { MAX_TASK_NOTES } from '../../../rpc/contract/tasks.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Emit } from '../../events/mutate.js';
import type { ApprovalRow } from '../../store/approvals.js';
import type { Store } from '../../store/index.js';
import type { TaskRow } from '../../store/tasks.js';
import { claimLapsed, releaseTask, taskIdOf, taskNoOf } from '../tasks/queue.js';

/** The task an agent hands in: in the project, held by that agent, and not already waiting on another handoff. */
export function requireHandableTask(store: Store, projectId: string, agentName: string, taskId: string): TaskRow {
  const row = store.tasks.get(projectId, taskNoOf(taskId));
  if (!row) throw new BrainsError('NOT_FOUND', `no task ${taskId} in project ${projectId}; see the queue with task.list`, { project_id: projectId, task_id: taskId });
  if (row.status !== 'claimed') throw new BrainsError('CONFLICT', `${taskId} is ${row.status}; only a task you hold can be handed in (claim it with task.claim)`, { status: row.status });
  if (row.claimed_by !== agentName) throw new BrainsError('PERMISSION_DENIED', `${taskId} is claimed by ${row.claimed_by}; only its claimer hands it in`);
  const latest = store.approvals.latestForTask(row.task_no);
  if (latest?.status === 'pending') {
    const pending = `approval-${latest.approval_no}`;
    throw new BrainsError('CONFLICT', `${taskId} is already handed in with ${pending}; wait for it with approval.wait, or withdraw it with approval.cancel`, { approval_id: pending });
  }
  return row;
}

/** Tell the task's watchers it was handed in (its handoff shows on task.get and task.list). */
export function noteHandedIn(emit: Emit, task: TaskRow, approvalId: string): void {
  emit('task.updated', task.project_id, {
    task_id: taskIdOf(task.task_no),
    agent_name: task.claimed_by ?? 'operator',
    status: task.status,
    previous_status: task.status,
    claimed_by: task.claimed_by,
    handoff_id: approvalId,
  });
}

/**
 * In the deciding (or cancelling) transaction: an approved handoff marks its task done; a denied one leaves the task with
 * its claimer and the comment as a note; a denied or cancelled one puts it back in the queue when the session that claimed it has ended.
 */
export function settleHandedTask(store: Store, emit: Emit, handoff: ApprovalRow): void {
  if (handoff.task_no === null) return;
  const task = store.tasks.get(handoff.project_id, handoff.task_no);
  if (!task) return;
  const approvalId = `approval-${handoff.approval_no}`;
  const taskId = taskIdOf(task.task_no);
  const decider = handoff.decided_by ?? 'operator';
  const now = new Date().toISOString();
  const final = task.status === 'done' || task.status === 'failed' || task.status === 'cancelled';
  const heldByRequester = task.status === 'claimed' && task.claimed_by === handoff.requested_by;

  if (handoff.status !== 'cancelled' && store.tasks.noteCount(task.task_no) < MAX_TASK_NOTES) {
    const verdict = `handoff ${approvalId} ${handoff.status} by ${decider}`;
    store.tasks.addNote(task.task_no, { author: decider, time: now, text: handoff.comment ? `${verdict}: ${handoff.comment}` : verdict });
  }
  if (handoff.status === 'approved' && !final && (task.status === 'open' || heldByRequester)) {
    store.tasks.finishHandedIn(task.task_no, handoff.requested_by, now);
    emit('task.updated', task.project_id, { task_id: taskId, agent_name: decider, status: 'done', previous_status: task.status, claimed_by: handoff.requested_by, handoff_id: approvalId });
    return;
  }
  if (heldByRequester && handoff.status !== 'approved' && claimLapsed(store, task)) {
    releaseTask(store, emit, task, decider, `${approvalId} was ${handoff.status} after the session of ${task.claimed_by} that claimed it ended`);
    return;
  }
  if (handoff.status === 'cancelled') return;
  store.tasks.touch(task.task_no, now);
  emit('task.updated', task.project_id, { task_id: taskId, agent_name: decider, status: task.status, previous_status: task.status, claimed_by: task.claimed_by, note_added: true, handoff_id: approvalId });
}
