// SQL for the gateway's mail notes: in one indexed read, what an agent has waiting that no note has told it yet (mail, decisions, locks about to expire); and what was told.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface MailItem {
  kind: 'message' | 'decision' | 'lease';
  /** The key it is noted once by: message:<id>, decision:<approval_no>, lease:<lease_id>:<expires_at> (a renewal is new). */
  item: string;
  /** The message id, approval-N or lease id. */
  ref: string;
  /** Who sent the message, or decided the approval. */
  who: string | null;
  /** The approval's title, or the lock's key. */
  title: string | null;
  /** approved, denied, or the option chosen. */
  verdict: string | null;
  expires_at: string | null;
  reply_expected: number;
}

export interface MailQuery {
  project_id: string;
  agent_name: string;
  now: string;
  /** Locks expiring at or before this are worth a note. */
  soon: string;
  /** Decisions from before this are old news. */
  decided_since: string;
  max_attempts: number;
}

/** A note stays short: at most this many items are read at once; the rest wait for the next request. */
const MAX_ITEMS = 100;

const NOT_NOTED = (item: string) => `NOT EXISTS (SELECT 1 FROM gateway_mail_noted n WHERE n.project_id = @project_id AND n.agent_name = @agent_name AND n.item = ${item})`;

const ITEMS = `
  SELECT 'message' AS kind, 'message:' || m.message_id AS item, m.message_id AS ref, m.from_agent AS who, NULL AS title, NULL AS verdict, NULL AS expires_at, m.reply_expected AS reply_expected
    FROM open_deliveries d JOIN messages m ON m.seq = d.message_seq
   WHERE d.project_id = @project_id AND d.recipient = @agent_name AND d.expires_at > @now
     AND NOT (d.state = 'delivered' AND d.attempt >= @max_attempts AND d.ack_deadline <= @now)
     AND ${NOT_NOTED("'message:' || m.message_id")}
  UNION ALL
  SELECT 'decision', 'decision:' || a.approval_no, 'approval-' || a.approval_no, a.decided_by, a.title,
         CASE WHEN a.status = 'decided' THEN a.decision ELSE a.status END, NULL, 0
    FROM approvals a
   WHERE a.project_id = @project_id AND a.requested_by = @agent_name AND a.status IN ('approved', 'denied', 'decided') AND a.decided_at >= @decided_since
     AND ${NOT_NOTED("'decision:' || a.approval_no")}
  UNION ALL
  SELECT 'lease', 'lease:' || l.lease_id || ':' || l.expires_at, l.lease_id, NULL, coalesce(l.asked_key, l.key), NULL, l.expires_at, 0
    FROM lock_leases l
   WHERE l.ended_at IS NULL AND l.expires_at > @now AND l.expires_at <= @soon
     AND ((l.project_id = @project_id AND l.agent_name = @agent_name)
          OR l.session_id IN (SELECT s.session_id FROM members mb JOIN sessions s ON s.client_id = mb.client_id
                               WHERE mb.project_id = @project_id AND mb.agent_name = @agent_name AND s.state != 'gone'))
     AND ${NOT_NOTED("'lease:' || l.lease_id || ':' || l.expires_at")}
  LIMIT ${MAX_ITEMS}`;

export class GatewayMailRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  /** What this agent has waiting that it was not told of yet, messages first (oldest first), then decisions, then locks. */
  waiting(query: MailQuery): MailItem[] {
    return this.sql(ITEMS).all(query) as MailItem[];
  }

  noted(projectId: string, agentName: string, items: readonly string[], at: string): void {
    const insert = this.sql('INSERT OR IGNORE INTO gateway_mail_noted (project_id, agent_name, item, noted_at) VALUES (?, ?, ?, ?)');
    for (const item of items) insert.run(projectId, agentName, item, at);
  }

  /** Take notes back (the request that carried them failed before the model could read them). */
  forget(projectId: string, agentName: string, items: readonly string[]): void {
    const remove = this.sql('DELETE FROM gateway_mail_noted WHERE project_id = ? AND agent_name = ? AND item = ?');
    for (const item of items) remove.run(projectId, agentName, item);
  }

  /** Forget notes older than this; how many went. */
  prune(before: string): number {
    return this.sql('DELETE FROM gateway_mail_noted WHERE noted_at < ?').run(before).changes;
  }
}
