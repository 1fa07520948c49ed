// What other planes do to a task besides its own methods: name it, show its handoff, and put it back in the queue with the event.
import type { Emit } from '../../events/mutate.js';
import type { Store } from '../../store/index.js';
import type { TaskRow } from '../../store/tasks.js';

export const taskIdOf = (taskNo: number): string => `task-${taskNo}`;
export const taskNoOf = (taskId: string): number => Number(taskId.slice('task-'.length));

/** The newest handoff naming the task, as task.get and task.list show it. */
export function handoffOf(store: Store, taskNo: number): { approval_id: string; status: string } | null {
  const latest = store.approvals.latestForTask(taskNo);
  return latest ? { approval_id: `approval-${latest.approval_no}`, status: latest.status } : null;
}

/** Back to the queue, open and held by nobody, with the task.released event. */
export function releaseTask(store: Store, emit: Emit, row: TaskRow, releasedBy: string | null, reason: string): void {
  store.tasks.reopen(row.task_no, new Date().toISOString());
  emit('task.released', row.project_id, {
    task_id: taskIdOf(row.task_no),
    agent_name: row.claimed_by,
    session_id: row.claimed_session,
    released_by: releasedBy,
    reason,
  });
}

/** A claim tied to a session that has ended (kept only because the task waited on a handoff); claims without a session never lapse here. */
export function claimLapsed(store: Store, row: TaskRow): boolean {
  if (row.claimed_session === null) return false;
  const session = store.sessions.get(row.claimed_session);
  return session === null || session.state === 'gone';
}
