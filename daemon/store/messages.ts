// SQL for messages and their per-recipient deliveries: send, take what is due (oldest first), acknowledge, end, and read back.
// Open deliveries live in `open_deliveries`; one that finishes (acked, dead, expired) moves to `finished_deliveries`.
// Every method that depends on the time takes `now`, so expiry and deadlines can be tested without waiting for a clock.
import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import type { DeliveryState } from '../../rpc/contract/messages.js';

export interface MessageRow {
  seq: number;
  message_id: string;
  project_id: string;
  from_agent: string;
  to_agent: string | null;
  broadcast: 0 | 1;
  reply_expected: 0 | 1;
  reply_to: string | null;
  payload: string;
  metadata: string | null;
  idempotency_key: string | null;
  created_at: string;
  expires_at: string;
}

export type NewMessage = Omit<MessageRow, 'seq'>;

/** One recipient's delivery of one message, open or finished. */
export interface DeliveryRow {
  message_seq: number;
  recipient: string;
  state: DeliveryState;
  attempt: number;
  expires_at: string;
  last_delivered_at: string | null;
  ack_deadline: string | null;
  acked_at: string | null;
}

/** The rules a delivery is judged by at one moment: after how long an unacked one is due again, and how many tries it gets. */
export interface DeliveryRules {
  now: number;
  ackTimeoutMs: number;
  maxAttempts: number;
}

export interface Delivered {
  message: MessageRow;
  attempt: number;
  ack_deadline: string;
}

type FinishedState = 'acked' | 'dead' | 'expired';

/** A delivery that ended without an ack: dead after its last attempt, or expired past its TTL. */
export interface Ended {
  message_id: string;
  project_id: string;
  from_agent: string;
  recipient: string;
  attempt: number;
  state: 'dead' | 'expired';
}

/** Which part of what is due a receive takes, and whether taking it also acknowledges it. */
export interface ReceivePage {
  /** Leave this many due messages (oldest first) where they are. */
  offset?: number;
  /** Stop before the payloads and metadata taken add up to more than this (at least one is always taken). */
  maxBytes?: number;
  /** Acknowledge what is delivered in the same write (Brainstorm's read-once receive). */
  ack?: boolean;
}

/** What a received message adds to its answer beyond its payload and metadata: ids, names, times, its token. */
const MESSAGE_OVERHEAD_BYTES = 1024;

export interface ReceiveOutcome {
  delivered: Delivered[];
  ended: Ended[];
}

/** What an ack needs to judge a delivery: its message, and its state whether open or finished, in one read. */
export interface AckTarget {
  seq: number;
  project_id: string;
  state: DeliveryState;
  attempt: number;
  expires_at: string;
}

export interface HistoryQuery {
  project_id: string;
  /** Only messages with seq below this. */
  beforeSeq: number;
  limit: number;
  thread?: string | undefined;
  member?: string | undefined;
  /** Leave out messages whose every delivery is dead or expired. */
  liveOnly: boolean;
  now: number;
  maxAttempts: number;
}

export interface UnreadRow {
  project_id: string;
  recipient: string;
  undelivered: number;
  unacked: number;
}

/** One recipient's mail in one project: what an inbox is made of. */
export interface Mailbox {
  project_id: string;
  recipient: string;
}

/** A message as its recipient's inbox shows it: the message row with that recipient's delivery of it (state as stored). */
export type InboxRow = MessageRow & {
  recipient: string;
  state: DeliveryState;
  attempt: number;
  last_delivered_at: string | null;
  ack_deadline: string | null;
  acked_at: string | null;
};

export interface InboxQuery {
  mailboxes: readonly Mailbox[];
  limit: number;
  unreadOnly: boolean;
  now: number;
  maxAttempts: number;
}

/** An open delivery due now, read together with its message (so delivering it needs no second read). */
type Candidate = MessageRow & { message_seq: number; state: 'pending' | 'delivered'; attempt: number };

const iso = (ms: number) => new Date(ms).toISOString();

/** An open delivery that still counts: neither past its TTL nor past the deadline of its last attempt. */
const OPEN_AND_LIVE = `expires_at > @now AND NOT (state = 'delivered' AND attempt >= @max AND ack_deadline <= @now)`;

const DELIVERY_COLUMNS = 'message_seq, recipient, state, attempt, expires_at, last_delivered_at, ack_deadline';

export class MessageRepo {
  private readonly memberStmt;
  private readonly archivedStmt;
  private readonly insertMessageStmt;
  private readonly insertDeliveryStmt;
  private readonly bySeqStmt;
  private readonly byIdStmt;
  private readonly byKeyStmt;
  private readonly recipientsStmt;
  private readonly deliveryStmt;
  private readonly deliverStmt;
  /** A page further on (offset > 0): rare, so its bound LIMIT's re-prepare is no matter. */
  private readonly dueAfterStmt;
  private readonly finishStmt;
  private readonly finishedRemoveStmt;
  private readonly finishAllStmt;
  private readonly finishedRemoveAllStmt;
  private readonly ackTargetStmt;
  private readonly hasDueStmt;
  private readonly nextDeadlineStmt;
  private readonly finalDeadlineStmt;
  private readonly finalDueStmt;
  private readonly deliveriesOfStmt;
  /** Keyed by LIMIT: SQLite re-prepares a statement whose LIMIT is a bound parameter on every run, which costs 10x. */
  private readonly dueStmts = new Map<number, Database.Statement<unknown[]>>();
  private readonly historyStmts = new Map<string, Database.Statement<unknown[]>>();
  private readonly unreadStmts = new Map<string, Database.Statement<unknown[]>>();
  private readonly inboxStmts = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly db: Db) {
    this.memberStmt = db.prepare('SELECT 1 FROM members WHERE project_id = ? AND agent_name = ?').pluck();
    this.archivedStmt = db.prepare('SELECT archived_at IS NOT NULL FROM projects WHERE project_id = ?').pluck();
    this.insertMessageStmt = db.prepare(
      `INSERT INTO messages (message_id, project_id, from_agent, to_agent, broadcast, reply_expected, reply_to, payload, metadata, idempotency_key, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDeliveryStmt = db.prepare(`INSERT INTO open_deliveries (project_id, recipient, message_seq, state, expires_at) VALUES (?, ?, ?, 'pending', ?)`);
    this.bySeqStmt = db.prepare('SELECT * FROM messages WHERE seq = ?');
    this.byIdStmt = db.prepare('SELECT * FROM messages WHERE message_id = ?');
    this.byKeyStmt = db.prepare('SELECT * FROM messages WHERE project_id = ? AND from_agent = ? AND idempotency_key = ? AND idempotency_key IS NOT NULL');
    this.recipientsStmt = db
      .prepare('SELECT recipient FROM open_deliveries WHERE message_seq = @seq UNION SELECT recipient FROM finished_deliveries WHERE message_seq = @seq ORDER BY recipient')
      .pluck();
    this.deliveryStmt = db.prepare(
      `SELECT ${DELIVERY_COLUMNS}, NULL AS acked_at FROM open_deliveries WHERE message_seq = @seq AND recipient = @recipient
       UNION ALL
       SELECT message_seq, recipient, state, attempt, NULL, last_delivered_at, ack_deadline, CASE state WHEN 'acked' THEN ended_at END
         FROM finished_deliveries WHERE message_seq = @seq AND recipient = @recipient`,
    );
    this.dueAfterStmt = db.prepare(
      `SELECT m.*, d.message_seq, d.state, d.attempt FROM open_deliveries d JOIN messages m ON m.seq = d.message_seq
        WHERE d.project_id = ? AND d.recipient = ? AND (d.state = 'pending' OR d.ack_deadline <= ?)
        ORDER BY d.message_seq LIMIT ? OFFSET ?`,
    );
    this.deliverStmt = db.prepare(
      `UPDATE open_deliveries SET state = 'delivered', attempt = attempt + 1, last_delivered_at = ?, ack_deadline = ?
        WHERE project_id = ? AND recipient = ? AND message_seq IN (SELECT value FROM json_each(?))`,
    );
    // Finishing = moving the row out of the open table, with how it ended and when.
    this.finishStmt = db.prepare(
      `INSERT INTO finished_deliveries (message_seq, recipient, project_id, state, attempt, last_delivered_at, ack_deadline, ended_at)
       SELECT message_seq, recipient, project_id, @state, attempt, last_delivered_at, ack_deadline, @now FROM open_deliveries
        WHERE project_id = @project AND recipient = @recipient AND message_seq IN (SELECT value FROM json_each(@seqs))`,
    );
    this.finishedRemoveStmt = db.prepare(
      'DELETE FROM open_deliveries WHERE project_id = @project AND recipient = @recipient AND message_seq IN (SELECT value FROM json_each(@seqs))',
    );
    this.finishAllStmt = db.prepare(
      `INSERT INTO finished_deliveries (message_seq, recipient, project_id, state, attempt, last_delivered_at, ack_deadline, ended_at)
       SELECT message_seq, recipient, project_id, @state, attempt, last_delivered_at, ack_deadline, @now FROM open_deliveries
        WHERE project_id = @project AND recipient = @recipient`,
    );
    this.finishedRemoveAllStmt = db.prepare('DELETE FROM open_deliveries WHERE project_id = @project AND recipient = @recipient');
    this.ackTargetStmt = db.prepare(
      `SELECT m.seq, m.project_id, coalesce(d.state, o.state) AS state, coalesce(d.attempt, o.attempt) AS attempt, m.expires_at
         FROM messages m
         LEFT JOIN open_deliveries d ON d.project_id = m.project_id AND d.recipient = @recipient AND d.message_seq = m.seq
         LEFT JOIN finished_deliveries o ON o.message_seq = m.seq AND o.recipient = @recipient
        WHERE m.message_id = @messageId`,
    );
    // A recipient's open rows in order: pending ones are due, delivered ones once their deadline passed. The rows
    // skipped are those delivered and still within their deadline: at most what the recipient has not yet acked.
    this.hasDueStmt = db
      .prepare(`SELECT EXISTS (SELECT 1 FROM open_deliveries WHERE project_id = ? AND recipient = ? AND (state = 'pending' OR ack_deadline <= ?))`)
      .pluck();
    this.nextDeadlineStmt = db
      .prepare(`SELECT min(ack_deadline) FROM open_deliveries INDEXED BY open_deliveries_in_flight WHERE project_id = ? AND recipient = ? AND state = 'delivered'`)
      .pluck();
    // The dead-letter clock reads only deliveries in flight (delivered, not acked): the partial index holds just those.
    this.finalDeadlineStmt = db
      .prepare(`SELECT min(ack_deadline) FROM open_deliveries INDEXED BY open_deliveries_in_flight WHERE state = 'delivered' AND attempt >= ?`)
      .pluck();
    this.finalDueStmt = db.prepare(
      `SELECT d.message_seq, d.state, d.attempt, d.project_id, d.recipient, m.message_id, m.from_agent, m.expires_at
         FROM open_deliveries d INDEXED BY open_deliveries_in_flight JOIN messages m ON m.seq = d.message_seq
        WHERE d.state = 'delivered' AND d.attempt >= ? AND d.ack_deadline <= ? ORDER BY d.message_seq`,
    );
    this.deliveriesOfStmt = db.prepare(
      `SELECT ${DELIVERY_COLUMNS}, NULL AS acked_at FROM open_deliveries WHERE message_seq IN (SELECT value FROM json_each(@seqs))
       UNION ALL
       SELECT message_seq, recipient, state, attempt, NULL, last_delivered_at, ack_deadline, CASE state WHEN 'acked' THEN ended_at END
         FROM finished_deliveries WHERE message_seq IN (SELECT value FROM json_each(@seqs))
       ORDER BY message_seq, recipient`,
    );
  }

  /**
   * Whether an agent has joined a project: a read of the projects plane's table, kept lean because every send,
   * receive and ack asks it (ProjectRepo.member and .get read whole rows, JSON columns and all).
   */
  isMember(projectId: string, agentName: string): boolean {
    return this.memberStmt.get(projectId, agentName) !== undefined;
  }

  /** Whether a project is archived (null: no such project); lean for the same reason, and never copies its context. */
  projectArchived(projectId: string): boolean | null {
    const archived = this.archivedStmt.get(projectId) as number | undefined;
    return archived === undefined ? null : archived === 1;
  }

  /** Store a message; returns its seq, the order key. */
  insertMessage(message: NewMessage): number {
    const m = message;
    return Number(
      this.insertMessageStmt.run(
        m.message_id, m.project_id, m.from_agent, m.to_agent, m.broadcast, m.reply_expected, m.reply_to, m.payload, m.metadata, m.idempotency_key, m.created_at, m.expires_at,
      ).lastInsertRowid,
    );
  }

  /** One pending delivery per recipient, in the caller's transaction (a broadcast is all of them or none). */
  insertDeliveries(seq: number, projectId: string, expiresAt: string, recipients: readonly string[]): void {
    for (const recipient of recipients) this.insertDeliveryStmt.run(projectId, recipient, seq, expiresAt);
  }

  bySeq(seq: number): MessageRow | null {
    return (this.bySeqStmt.get(seq) as MessageRow | undefined) ?? null;
  }

  byId(messageId: string): MessageRow | null {
    return (this.byIdStmt.get(messageId) as MessageRow | undefined) ?? null;
  }

  byIdempotencyKey(projectId: string, fromAgent: string, key: string): MessageRow | null {
    return (this.byKeyStmt.get(projectId, fromAgent, key) as MessageRow | undefined) ?? null;
  }

  /** Everyone a message was addressed to, open or finished, by name. */
  recipients(seq: number): string[] {
    return this.recipientsStmt.all({ seq }) as string[];
  }

  delivery(seq: number, recipient: string): DeliveryRow | null {
    return (this.deliveryStmt.get({ seq, recipient }) as DeliveryRow | undefined) ?? null;
  }

  /**
   * Deliver up to `limit` of a recipient's due messages, oldest first: never delivered, or delivered and not acked
   * by the deadline. On the way, deliveries past their TTL expire and ones past their last attempt die. Every row
   * looked at stops being due (delivered with a new deadline, or moved out), so the loop ends.
   */
  receive(projectId: string, recipient: string, limit: number, rules: DeliveryRules, page: ReceivePage = {}): ReceiveOutcome {
    const now = iso(rules.now);
    const ackDeadline = iso(rules.now + rules.ackTimeoutMs);
    const outcome: ReceiveOutcome = { delivered: [], ended: [] };
    const offset = page.offset ?? 0;
    let budget = page.maxBytes ?? Infinity;
    for (;;) {
      const want = limit - outcome.delivered.length;
      const due = (offset > 0 ? this.dueAfterStmt.all(projectId, recipient, now, want, offset) : this.dueStatement(want).all(projectId, recipient, now)) as Candidate[];
      const delivering: number[] = [];
      const ending: Record<'dead' | 'expired', number[]> = { dead: [], expired: [] };
      let full = false;
      for (const candidate of due) {
        const end = candidate.expires_at <= now ? 'expired' : candidate.state === 'delivered' && candidate.attempt >= rules.maxAttempts ? 'dead' : null;
        if (end) {
          ending[end].push(candidate.seq);
          outcome.ended.push({ message_id: candidate.message_id, project_id: projectId, from_agent: candidate.from_agent, recipient, attempt: candidate.attempt, state: end });
          continue;
        }
        // A page holds what fits in one answer; the first message always does (a message is far smaller than a frame).
        const size = candidate.payload.length + (candidate.metadata?.length ?? 0) + MESSAGE_OVERHEAD_BYTES;
        if (size > budget && outcome.delivered.length + delivering.length > 0) {
          full = true;
          break;
        }
        budget -= size;
        delivering.push(candidate.seq);
        // The candidate row is the message row plus three delivery fields; views pick message fields by name.
        outcome.delivered.push({ message: candidate, attempt: candidate.attempt + 1, ack_deadline: ackDeadline });
      }
      if (delivering.length > 0) this.deliverStmt.run(now, ackDeadline, projectId, recipient, JSON.stringify(delivering));
      for (const state of ['dead', 'expired'] as const) this.finish(projectId, recipient, ending[state], state, rules.now);
      if (page.ack && delivering.length > 0) this.finish(projectId, recipient, delivering, 'acked', rules.now);
      // Short read: nothing more is due. A full one that ended some: look again for what they made room for.
      if (full || due.length < want || outcome.delivered.length === limit) return outcome;
    }
  }

  /** Whether a receive now would find anything: undelivered, or delivered and past its ack deadline. A read only. */
  hasDue(projectId: string, recipient: string, now: number): boolean {
    return this.hasDueStmt.get(projectId, recipient, iso(now)) === 1;
  }

  /** The earliest ack deadline among a recipient's unacked deliveries: when a redelivery (or a death) becomes due. */
  nextDeadline(projectId: string, recipient: string): string | null {
    return (this.nextDeadlineStmt.get(projectId, recipient) as string | null) ?? null;
  }

  /** The earliest deadline of a delivery on its last attempt: when the next one dies. */
  nextFinalDeadline(maxAttempts: number): string | null {
    return (this.finalDeadlineStmt.get(maxAttempts) as string | null) ?? null;
  }

  /** End every delivery whose last attempt ran out by `now`, in every project (expired instead, past its TTL). */
  endExhausted(rules: DeliveryRules): Ended[] {
    const now = iso(rules.now);
    type Due = { message_seq: number; attempt: number; project_id: string; recipient: string; message_id: string; from_agent: string; expires_at: string };
    const ended: Ended[] = [];
    for (const d of this.finalDueStmt.all(rules.maxAttempts, now) as Due[]) {
      const state = d.expires_at <= now ? 'expired' : 'dead';
      this.finish(d.project_id, d.recipient, [d.message_seq], state, rules.now);
      ended.push({ message_id: d.message_id, project_id: d.project_id, from_agent: d.from_agent, recipient: d.recipient, attempt: d.attempt, state });
    }
    return ended;
  }

  /** The delivery of a message (by id) to a recipient, with its message's seq and project; null when there is none. */
  ackTarget(messageId: string, recipient: string): AckTarget | null {
    const target = this.ackTargetStmt.get({ recipient, messageId }) as (Omit<AckTarget, 'state'> & { state: DeliveryState | null }) | undefined;
    return target && target.state !== null ? (target as AckTarget) : null;
  }

  markAcked(projectId: string, seqs: readonly number[], recipient: string, now: number): void {
    this.finish(projectId, recipient, seqs, 'acked', now);
  }

  /** How many messages still wait for a recipient: not acknowledged, not ended. */
  openCount(projectId: string, recipient: string): number {
    return this.db.prepare('SELECT count(*) FROM open_deliveries WHERE project_id = ? AND recipient = ?').pluck().get(projectId, recipient) as number;
  }

  /** A member left: what was waiting for them will never be delivered. Returns how many deliveries ended. */
  expireOpenDeliveriesOf(projectId: string, recipient: string, now: number): number {
    const params = { project: projectId, recipient, state: 'expired', now: iso(now) };
    this.finishAllStmt.run(params);
    return this.finishedRemoveAllStmt.run(params).changes;
  }

  /** Messages of a project, newest first, with every delivery; filtered by thread, member, and liveness. */
  history(q: HistoryQuery): Array<{ message: MessageRow; deliveries: DeliveryRow[] }> {
    const rows = this.historyStatement(q).all({
      project: q.project_id,
      before: q.beforeSeq,
      limit: q.limit,
      thread: q.thread ?? null,
      member: q.member ?? null,
      now: iso(q.now),
      max: q.maxAttempts,
    }) as MessageRow[];
    if (rows.length === 0) return [];
    const bySeq = new Map<number, DeliveryRow[]>();
    for (const d of this.deliveriesOfStmt.all({ seqs: JSON.stringify(rows.map((r) => r.seq)) }) as DeliveryRow[]) {
      let list = bySeq.get(d.message_seq);
      if (!list) bySeq.set(d.message_seq, (list = []));
      list.push(d);
    }
    return rows.map((message) => ({ message, deliveries: bySeq.get(message.seq) ?? [] }));
  }

  /** Counts of open, live deliveries per project and recipient, optionally for one project and/or one recipient. */
  unread(scope: { project_id?: string | undefined; recipient?: string | undefined }, rules: Omit<DeliveryRules, 'ackTimeoutMs'>): UnreadRow[] {
    const key = `${scope.project_id !== undefined ? 'p' : ''}${scope.recipient !== undefined ? 'r' : ''}`;
    let stmt = this.unreadStmts.get(key);
    if (!stmt) {
      const filter = [scope.project_id !== undefined ? 'AND project_id = @project' : '', scope.recipient !== undefined ? 'AND recipient = @recipient' : ''].join(' ');
      stmt = this.db.prepare(
        `SELECT project_id, recipient, sum(state = 'pending') AS undelivered, sum(state = 'delivered') AS unacked FROM open_deliveries
          WHERE ${OPEN_AND_LIVE} ${filter} GROUP BY project_id, recipient ORDER BY project_id, recipient`,
      );
      this.unreadStmts.set(key, stmt);
    }
    return stmt.all({ project: scope.project_id ?? null, recipient: scope.recipient ?? null, now: iso(rules.now), max: rules.maxAttempts }) as UnreadRow[];
  }

  /**
   * Mail to these mailboxes, read only (nothing is delivered): the unread (open, live) newest first, then unless unreadOnly
   * the rest (acked, dead, expired) newest first; up to limit + 1 rows, so the caller can tell there are more. Each
   * mailbox is read newest first along its index and no further back than the page needs.
   */
  inbox(q: InboxQuery): InboxRow[] {
    const want = q.limit + 1;
    const now = iso(q.now);
    const take = (kind: 'unread' | 'read', n: number) =>
      newestFirst(
        q.mailboxes.flatMap((m) => this.inboxStatement(kind, n).all({ project: m.project_id, recipient: m.recipient, now, max: q.maxAttempts }) as InboxRow[]),
        n,
      );
    const unread = take('unread', want);
    if (q.unreadOnly || unread.length === want) return unread;
    return [...unread, ...take('read', want - unread.length)];
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  }

  private finish(projectId: string, recipient: string, seqs: readonly number[], state: FinishedState, now: number): void {
    if (seqs.length === 0) return;
    const params = { project: projectId, recipient, seqs: JSON.stringify(seqs), state, now: iso(now) };
    this.finishStmt.run(params);
    this.finishedRemoveStmt.run(params);
  }

  private dueStatement(limit: number) {
    let stmt = this.dueStmts.get(limit);
    if (!stmt) {
      stmt = this.db.prepare(
        `SELECT m.*, d.message_seq, d.state, d.attempt FROM open_deliveries d JOIN messages m ON m.seq = d.message_seq
          WHERE d.project_id = ? AND d.recipient = ? AND (d.state = 'pending' OR d.ack_deadline <= ?)
          ORDER BY d.message_seq LIMIT ${Math.trunc(limit)}`,
      );
      this.dueStmts.set(limit, stmt);
    }
    return stmt;
  }

  private inboxStatement(kind: 'unread' | 'read', limit: number) {
    const key = `${kind}:${limit}`;
    let stmt = this.inboxStmts.get(key);
    if (!stmt) {
      const n = Math.trunc(limit);
      stmt = this.db.prepare(
        kind === 'unread'
          ? `SELECT m.*, d.recipient, d.state, d.attempt, d.last_delivered_at, d.ack_deadline, NULL AS acked_at
               FROM open_deliveries d JOIN messages m ON m.seq = d.message_seq
              WHERE d.project_id = @project AND d.recipient = @recipient
                AND d.expires_at > @now AND NOT (d.state = 'delivered' AND d.attempt >= @max AND d.ack_deadline <= @now)
              ORDER BY d.message_seq DESC LIMIT ${n}`
          : `SELECT m.*, r.recipient, r.state, r.attempt, r.last_delivered_at, r.ack_deadline, r.acked_at FROM (
               SELECT message_seq, recipient, state, attempt, last_delivered_at, ack_deadline, CASE state WHEN 'acked' THEN ended_at END AS acked_at
                 FROM finished_deliveries WHERE project_id = @project AND recipient = @recipient
               UNION ALL
               SELECT message_seq, recipient, state, attempt, last_delivered_at, ack_deadline, NULL
                 FROM open_deliveries WHERE project_id = @project AND recipient = @recipient AND NOT (${OPEN_AND_LIVE})
               ORDER BY message_seq DESC LIMIT ${n}
             ) r JOIN messages m ON m.seq = r.message_seq ORDER BY r.message_seq DESC`,
      );
      this.inboxStmts.set(key, stmt);
    }
    return stmt;
  }

  private historyStatement(q: HistoryQuery) {
    const key = `${q.thread ? 't' : ''}${q.member ? 'm' : ''}${q.liveOnly ? 'l' : ''}`;
    let stmt = this.historyStmts.get(key);
    if (!stmt) {
      const clauses = ['m.project_id = @project', 'm.seq < @before'];
      if (q.member) {
        clauses.push(`(m.from_agent = @member
          OR EXISTS (SELECT 1 FROM open_deliveries d WHERE d.project_id = m.project_id AND d.recipient = @member AND d.message_seq = m.seq)
          OR EXISTS (SELECT 1 FROM finished_deliveries o WHERE o.message_seq = m.seq AND o.recipient = @member))`);
      }
      if (q.liveOnly) {
        clauses.push(`(EXISTS (SELECT 1 FROM open_deliveries WHERE message_seq = m.seq AND ${OPEN_AND_LIVE})
          OR EXISTS (SELECT 1 FROM finished_deliveries o WHERE o.message_seq = m.seq AND o.state = 'acked'))`);
      }
      const thread = q.thread
        ? `WITH RECURSIVE thread(message_id) AS (SELECT @thread UNION SELECT r.message_id FROM messages r JOIN thread t ON r.reply_to = t.message_id) `
        : '';
      // A thread is walked from its root down the reply_to index, never by scanning the project.
      const from = q.thread ? 'thread CROSS JOIN messages m ON m.message_id = thread.message_id' : 'messages m';
      stmt = this.db.prepare(`${thread}SELECT m.* FROM ${from} WHERE ${clauses.join(' AND ')} ORDER BY m.seq DESC LIMIT @limit`);
      this.historyStmts.set(key, stmt);
    }
    return stmt;
  }
}

function newestFirst(rows: InboxRow[], limit: number): InboxRow[] {
  return rows.sort((a, b) => b.seq - a.seq).slice(0, limit);
}

/** What a delivery is at `now`, even before a receive or the dead-letter clock has written it down. */
export function effectiveState(d: Pick<DeliveryRow, 'state' | 'attempt' | 'expires_at' | 'ack_deadline'>, now: number, maxAttempts: number): DeliveryState {
  if (d.state !== 'pending' && d.state !== 'delivered') return d.state;
  const at = iso(now);
  if (d.expires_at <= at) return 'expired';
  if (d.state === 'delivered' && d.attempt >= maxAttempts && d.ack_deadline !== null && d.ack_deadline <= at) return 'dead';
  return d.state;
}
