// SQL for hook reminders: which brains session a tool session maps to, what it was told, and the reads that find what is new.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface HookSessionRow {
  tool: string;
  tool_session_id: string;
  session_id: string;
  created_at: string;
}

/** One open, live delivery waiting for a recipient, with what a reminder says about it. */
export interface WaitingMessage {
  message_id: string;
  project_id: string;
  recipient: string;
  from_agent: string;
  reply_expected: 0 | 1;
}

/** An approval or handoff that was asked for by one of an agent's names and has been decided. */
export interface DecidedRequest {
  approval_no: number;
  project_id: string;
  kind: string;
  title: string;
  status: string;
  decision: string | null;
  decided_by: string | null;
  comment: string | null;
}

/** Most items a single reminder looks at per membership: a note stays short, and the rest wait for the next prompt. */
const MAX_ITEMS = 100;

export class NudgeRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  mapping(tool: string, toolSessionId: string): HookSessionRow | null {
    return (this.sql('SELECT * FROM hook_sessions WHERE tool = ? AND tool_session_id = ?').get(tool, toolSessionId) as HookSessionRow | undefined) ?? null;
  }

  /** Point a tool session at a brains session (a new one, or a replacement for one that was reaped). */
  map(tool: string, toolSessionId: string, sessionId: string, now: string): void {
    this.sql(
      `INSERT INTO hook_sessions (tool, tool_session_id, session_id, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(tool, tool_session_id) DO UPDATE SET session_id = excluded.session_id`,
    ).run(tool, toolSessionId, sessionId, now);
  }

  /** Of these items, the ones this tool session has already been told. */
  remindedOf(tool: string, toolSessionId: string, items: readonly string[]): Set<string> {
    if (items.length === 0) return new Set();
    const rows = this.sql(
      'SELECT item FROM hook_reminders WHERE tool = ? AND tool_session_id = ? AND item IN (SELECT value FROM json_each(?))',
    )
      .pluck()
      .all(tool, toolSessionId, JSON.stringify(items)) as string[];
    return new Set(rows);
  }

  remember(tool: string, toolSessionId: string, items: ReadonlyArray<{ item: string; project_id: string | null }>, now: string): void {
    const insert = this.sql('INSERT OR IGNORE INTO hook_reminders (tool, tool_session_id, item, project_id, reminded_at) VALUES (?, ?, ?, ?, ?)');
    for (const { item, project_id } of items) insert.run(tool, toolSessionId, item, project_id, now);
  }

  countReminders(tool: string, toolSessionId: string): number {
    return this.sql('SELECT count(*) FROM hook_reminders WHERE tool = ? AND tool_session_id = ?').pluck().get(tool, toolSessionId) as number;
  }

  /** A recipient's open deliveries that still count (not past their TTL, not past their last attempt), oldest first. */
  waitingFor(projectId: string, recipient: string, nowIso: string, maxAttempts: number): WaitingMessage[] {
    return this.sql(
      `SELECT m.message_id, m.project_id, d.recipient, m.from_agent, m.reply_expected
         FROM open_deliveries d JOIN messages m ON m.seq = d.message_seq
        WHERE d.project_id = @project AND d.recipient = @recipient AND d.expires_at > @now
          AND NOT (d.state = 'delivered' AND d.attempt >= @max AND d.ack_deadline <= @now)
        ORDER BY d.message_seq LIMIT ${MAX_ITEMS}`,
    ).all({ project: projectId, recipient, now: nowIso, max: maxAttempts }) as WaitingMessage[];
  }

  /** Approvals and handoffs an agent asked for that were decided at or after `sinceIso`. */
  decidedFor(projectId: string, requestedBy: string, sinceIso: string): DecidedRequest[] {
    return this.sql(
      `SELECT approval_no, project_id, kind, title, status, decision, decided_by, comment FROM approvals
        WHERE project_id = ? AND requested_by = ? AND status IN ('approved', 'denied', 'decided') AND decided_at >= ?
        ORDER BY approval_no LIMIT ${MAX_ITEMS}`,
    ).all(projectId, requestedBy, sinceIso) as DecidedRequest[];
  }
}
