// SQL for tasks: the queue order, atomic status changes guarded by the status they expect, and notes.
import type { Db } from './open.js';

export type TaskPriority = 'p0' | 'p1' | 'p2' | 'p3';
export type TaskStatus = 'open' | 'claimed' | 'done' | 'failed' | 'cancelled';

export interface TaskRow {
  task_no: number;
  project_id: string;
  title: string;
  body: string | null;
  priority: TaskPriority;
  /** JSON array of strings. */
  labels: string;
  status: TaskStatus;
  created_by: string;
  created_at: string;
  updated_at: string;
  claimed_by: string | null;
  claimed_session: string | null;
  claimed_at: string | null;
}

export type NewTaskRow = Omit<TaskRow, 'task_no'>;

export interface TaskNoteRow {
  author: string;
  time: string;
  text: string;
}

export interface TaskFilter {
  project_id: string;
  status?: TaskStatus | undefined;
  claimed_by?: string | undefined;
  priority?: TaskPriority | undefined;
  /** JSON array: only tasks carrying every one of these labels. */
  labels?: string | undefined;
}

/** Every wanted label is among the task's labels. */
const HAS_ALL_LABELS = `NOT EXISTS (
  SELECT 1 FROM json_each(@labels) wanted
  WHERE NOT EXISTS (SELECT 1 FROM json_each(tasks.labels) held WHERE held.value = wanted.value)
)`;

/** A handoff naming the task waits for the operator: the task is in review, not abandoned, when its holder goes. */
const IN_REVIEW = `EXISTS (SELECT 1 FROM approvals WHERE approvals.task_no = tasks.task_no AND approvals.status = 'pending')`;

export class TaskRepo {
  constructor(private readonly db: Db) {}

  insert(row: NewTaskRow): number {
    const info = this.db
      .prepare(
        `INSERT INTO tasks (project_id, title, body, priority, labels, status, created_by, created_at, updated_at, claimed_by, claimed_session, claimed_at)
         VALUES (@project_id, @title, @body, @priority, @labels, @status, @created_by, @created_at, @updated_at, @claimed_by, @claimed_session, @claimed_at)`,
      )
      .run(row);
    return Number(info.lastInsertRowid);
  }

  get(projectId: string, taskNo: number): TaskRow | null {
    return (this.db.prepare('SELECT * FROM tasks WHERE task_no = ? AND project_id = ?').get(taskNo, projectId) as TaskRow | undefined) ?? null;
  }

  /** The open task an agent would get next: highest priority, then oldest. */
  nextOpen(projectId: string, labels: string): TaskRow | null {
    return (
      (this.db
        .prepare(`SELECT * FROM tasks WHERE project_id = @project_id AND status = 'open' AND ${HAS_ALL_LABELS} ORDER BY priority, task_no LIMIT 1`)
        .get({ project_id: projectId, labels }) as TaskRow | undefined) ?? null
    );
  }

  /** Claim an open task; false when it was not open. */
  claim(taskNo: number, agentName: string, sessionId: string | null, now: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE tasks SET status = 'claimed', claimed_by = ?, claimed_session = ?, claimed_at = ?, updated_at = ? WHERE task_no = ? AND status = 'open'",
        )
        .run(agentName, sessionId, now, now, taskNo).changes > 0
    );
  }

  /** Back to the queue: open and held by nobody. */
  reopen(taskNo: number, now: string): void {
    this.db
      .prepare("UPDATE tasks SET status = 'open', claimed_by = NULL, claimed_session = NULL, claimed_at = NULL, updated_at = ? WHERE task_no = ?")
      .run(now, taskNo);
  }

  /** A final status; the claimer stays recorded as who finished it. */
  finish(taskNo: number, status: 'done' | 'failed' | 'cancelled', now: string): void {
    this.db.prepare('UPDATE tasks SET status = ?, claimed_session = NULL, updated_at = ? WHERE task_no = ?').run(status, now, taskNo);
  }

  /** Done through an approved handoff: recorded as finished by whoever handed it in, from open or claimed. */
  finishHandedIn(taskNo: number, by: string, now: string): void {
    this.db
      .prepare("UPDATE tasks SET status = 'done', claimed_by = ?, claimed_session = NULL, updated_at = ? WHERE task_no = ? AND status IN ('open', 'claimed')")
      .run(by, now, taskNo);
  }

  touch(taskNo: number, now: string): void {
    this.db.prepare('UPDATE tasks SET updated_at = ? WHERE task_no = ?').run(now, taskNo);
  }

  addNote(taskNo: number, note: TaskNoteRow): void {
    this.db.prepare('INSERT INTO task_notes (task_no, author, time, text) VALUES (?, ?, ?, ?)').run(taskNo, note.author, note.time, note.text);
  }

  notes(taskNo: number): TaskNoteRow[] {
    return this.db.prepare('SELECT author, time, text FROM task_notes WHERE task_no = ? ORDER BY note_no').all(taskNo) as TaskNoteRow[];
  }

  noteCount(taskNo: number): number {
    return this.db.prepare('SELECT count(*) FROM task_notes WHERE task_no = ?').pluck().get(taskNo) as number;
  }

  list(filter: TaskFilter, offset: number, limit: number): { rows: Array<TaskRow & { note_count: number }>; total: number } {
    const where = ['project_id = @project_id'];
    if (filter.status) where.push('status = @status');
    if (filter.claimed_by) where.push('claimed_by = @claimed_by');
    if (filter.priority) where.push('priority = @priority');
    if (filter.labels) where.push(HAS_ALL_LABELS);
    const clause = where.join(' AND ');
    const params = { status: null, claimed_by: null, priority: null, labels: null, ...filter };
    const rows = this.db
      .prepare(
        `SELECT tasks.*, (SELECT count(*) FROM task_notes n WHERE n.task_no = tasks.task_no) AS note_count
         FROM tasks WHERE ${clause} ORDER BY priority, task_no LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit, offset }) as Array<TaskRow & { note_count: number }>;
    const total = this.db.prepare(`SELECT count(*) FROM tasks WHERE ${clause}`).pluck().get(params) as number;
    return { rows, total };
  }

  /** Claimed tasks held through this session, but for those handed in and waiting for the operator's decision. */
  claimedBySession(sessionId: string): TaskRow[] {
    return this.db.prepare(`SELECT * FROM tasks WHERE claimed_session = ? AND status = 'claimed' AND NOT ${IN_REVIEW} ORDER BY task_no`).all(sessionId) as TaskRow[];
  }

  /** Claimed tasks an agent holds in a project; only those claimed without a session and not in review when `sessionless`. */
  claimedByAgent(projectId: string, agentName: string, sessionless = false): TaskRow[] {
    const extra = sessionless ? `AND claimed_session IS NULL AND NOT ${IN_REVIEW}` : '';
    return this.db
      .prepare(`SELECT * FROM tasks WHERE project_id = ? AND claimed_by = ? AND status = 'claimed' ${extra} ORDER BY task_no`)
      .all(projectId, agentName) as TaskRow[];
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM tasks').pluck().get() as number;
  }
}
