// SQL for approvals and handoffs: insert, a decision that only lands on a pending row, and the operator's list order.
import type { Db } from './open.js';

export type ApprovalKind = 'approval' | 'handoff' | 'permission';
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'decided' | 'cancelled';

export interface ApprovalRow {
  approval_no: number;
  project_id: string;
  kind: ApprovalKind;
  requested_by: string;
  title: string;
  body: string | null;
  /** JSON array of strings. */
  options: string;
  /** JSON array of resource ids. */
  resource_refs: string;
  status: ApprovalStatus;
  addressed_to: string;
  /** JSON array of agent names. */
  cc: string;
  created_at: string;
  decision: string | null;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
  /** The task a handoff hands in, if it names one. */
  task_no: number | null;
}

export type NewApprovalRow = Omit<ApprovalRow, 'approval_no'>;

export interface ApprovalFilter {
  project_id?: string | undefined;
  status?: ApprovalStatus | undefined;
  requested_by?: string | undefined;
}

export interface Closing {
  status: Exclude<ApprovalStatus, 'pending'>;
  decision: string | null;
  decided_by: string;
  decided_at: string;
  comment: string | null;
}

export class ApprovalRepo {
  constructor(private readonly db: Db) {}

  insert(row: NewApprovalRow): number {
    const info = this.db
      .prepare(
        `INSERT INTO approvals (project_id, kind, requested_by, title, body, options, resource_refs, status, addressed_to, cc, created_at, decision, decided_by, decided_at, comment, task_no)
         VALUES (@project_id, @kind, @requested_by, @title, @body, @options, @resource_refs, @status, @addressed_to, @cc, @created_at, @decision, @decided_by, @decided_at, @comment, @task_no)`,
      )
      .run(row);
    return Number(info.lastInsertRowid);
  }

  get(approvalNo: number): ApprovalRow | null {
    return (this.db.prepare('SELECT * FROM approvals WHERE approval_no = ?').get(approvalNo) as ApprovalRow | undefined) ?? null;
  }

  /** Decide or cancel; false when it was no longer pending. */
  close(approvalNo: number, closing: Closing): boolean {
    return (
      this.db
        .prepare(
          `UPDATE approvals SET status = @status, decision = @decision, decided_by = @decided_by, decided_at = @decided_at, comment = @comment
           WHERE approval_no = @approval_no AND status = 'pending'`,
        )
        .run({ ...closing, approval_no: approvalNo }).changes > 0
    );
  }

  /** Pending first, then newest first. */
  list(filter: ApprovalFilter, offset: number, limit: number): { rows: ApprovalRow[]; total: number } {
    const where: string[] = [];
    if (filter.project_id) where.push('project_id = @project_id');
    if (filter.status) where.push('status = @status');
    if (filter.requested_by) where.push('requested_by = @requested_by');
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const params = { project_id: null, status: null, requested_by: null, ...filter };
    const rows = this.db
      .prepare(`SELECT * FROM approvals ${clause} ORDER BY status != 'pending', approval_no DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as ApprovalRow[];
    const total = this.db.prepare(`SELECT count(*) FROM approvals ${clause}`).pluck().get(params) as number;
    return { rows, total };
  }

  /** Pending approvals an agent asked for, or (for a coordinator) pending handoffs it is in copy of. */
  pendingFor(projectId: string, agentName: string): Array<ApprovalRow & { relation: 'requested' | 'cc' }> {
    return this.db
      .prepare(
        `SELECT *, CASE WHEN requested_by = @agent THEN 'requested' ELSE 'cc' END AS relation FROM approvals
         WHERE project_id = @project AND status = 'pending'
           AND (requested_by = @agent OR EXISTS (SELECT 1 FROM json_each(approvals.cc) WHERE value = @agent))
         ORDER BY approval_no`,
      )
      .all({ project: projectId, agent: agentName }) as Array<ApprovalRow & { relation: 'requested' | 'cc' }>;
  }

  /** The newest handoff naming this task, whatever its status. */
  latestForTask(taskNo: number): { approval_no: number; status: ApprovalStatus } | null {
    return (
      (this.db.prepare('SELECT approval_no, status FROM approvals WHERE task_no = ? ORDER BY approval_no DESC LIMIT 1').get(taskNo) as
        | { approval_no: number; status: ApprovalStatus }
        | undefined) ?? null
    );
  }

  countPending(): number {
    return this.db.prepare("SELECT count(*) FROM approvals WHERE status = 'pending'").pluck().get() as number;
  }
}
