// SQL for client identities and agent sessions.
import type { Db } from './open.js';
import { ReadCache } from './read-cache.js';
import { statementCache, type Statement } from './statements.js';

export type SessionState = 'active' | 'idle' | 'gone';

export interface SessionRow {
  session_id: string;
  client_id: string;
  tool: string;
  working_directory: string | null;
  pid: number | null;
  transcript_path: string | null;
  label: string | null;
  state: SessionState;
  started_at: string;
  last_seen: string;
  ended_at: string | null;
  end_reason: string | null;
  /** SHA-256 of the instance secret, when one was issued. */
  secret_hash?: string | null;
  /** 1 while several identities could be this instance's and it has not said which. */
  identity_pending?: number;
  /** How it registered: api, mcp (brains mcp) or hook. */
  kind?: SessionKind;
}

export type SessionKind = 'api' | 'mcp' | 'hook';

export class SessionRepo {
  private readonly sql: (sql: string) => Statement;
  /** Every call of an agent instance reads its session two or three times; each write here drops the row. */
  private readonly byId: ReadCache<Readonly<SessionRow> | null>;

  constructor(db: Db) {
    this.sql = statementCache(db);
    this.byId = new ReadCache(db);
  }

  private changed(sessionId: string): void {
    this.byId.drop(sessionId);
  }

  ensureClient(clientId: string, workingDirectory: string | null, now: string): void {
    this.sql(
        'INSERT INTO clients (client_id, working_directory, created_at) VALUES (?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET working_directory = coalesce(excluded.working_directory, working_directory)',
      )
      .run(clientId, workingDirectory, now);
  }

  clientDirectory(clientId: string): string | null {
    return (this.sql('SELECT working_directory FROM clients WHERE client_id = ?').pluck().get(clientId) as string | undefined) ?? null;
  }

  insert(row: SessionRow): void {
    this.sql(
        `INSERT INTO sessions (session_id, client_id, tool, working_directory, pid, transcript_path, label, state, started_at, last_seen, ended_at, end_reason, secret_hash, identity_pending, kind)
         VALUES (@session_id, @client_id, @tool, @working_directory, @pid, @transcript_path, @label, @state, @started_at, @last_seen, @ended_at, @end_reason, @secret_hash, @identity_pending, @kind)`,
      )
      .run({ secret_hash: null, identity_pending: 0, kind: 'api', ...row });
    this.changed(row.session_id);
  }

  /** The newest live session of this kind in a tool process (a hook and the `brains mcp` of one tool process are one instance). */
  liveByPid(pid: number, kind: SessionKind): SessionRow | null {
    return (this.sql("SELECT * FROM sessions WHERE pid = ? AND kind = ? AND state != 'gone' ORDER BY started_at DESC LIMIT 1").get(pid, kind) as SessionRow | undefined) ?? null;
  }

  setKind(sessionId: string, kind: SessionKind): void {
    this.sql('UPDATE sessions SET kind = ? WHERE session_id = ?').run(kind, sessionId);
    this.changed(sessionId);
  }

  bySecretHash(hash: string): SessionRow | null {
    return (this.sql('SELECT * FROM sessions WHERE secret_hash = ?').get(hash) as SessionRow | undefined) ?? null;
  }

  setSecretHash(sessionId: string, hash: string): void {
    this.sql('UPDATE sessions SET secret_hash = ? WHERE session_id = ?').run(hash, sessionId);
    this.changed(sessionId);
  }

  /** Point a session at another identity (the instance said which it is), or settle a pending one. */
  setIdentity(sessionId: string, clientId: string, pending: boolean): void {
    this.sql('UPDATE sessions SET client_id = ?, identity_pending = ? WHERE session_id = ?').run(clientId, pending ? 1 : 0, sessionId);
    this.changed(sessionId);
  }

  /** A later registration of the same instance may know its tool and label better (a hook after `brains mcp`). */
  describe(sessionId: string, tool: string, label: string | null, transcriptPath: string | null): void {
    this.sql('UPDATE sessions SET tool = ?, label = coalesce(?, label), transcript_path = coalesce(?, transcript_path) WHERE session_id = ?').run(tool, label, transcriptPath, sessionId);
    this.changed(sessionId);
  }

  get(sessionId: string): Readonly<SessionRow> | null {
    return this.byId.get(sessionId, () => (this.sql('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined) ?? null);
  }

  touch(sessionId: string, now: string): void {
    this.sql("UPDATE sessions SET last_seen = ?, state = 'active' WHERE session_id = ? AND state != 'gone'").run(now, sessionId);
    this.changed(sessionId);
  }

  end(sessionId: string, now: string, reason: string): void {
    this.sql("UPDATE sessions SET state = 'gone', ended_at = ?, end_reason = ? WHERE session_id = ? AND state != 'gone'").run(now, reason, sessionId);
    this.changed(sessionId);
  }

  setState(sessionId: string, state: SessionState): void {
    this.sql('UPDATE sessions SET state = ? WHERE session_id = ?').run(state, sessionId);
    this.changed(sessionId);
  }

  list(filter: { state?: SessionState | undefined; include_gone: boolean; tool?: string | undefined; limit: number }): SessionRow[] {
    const where: string[] = [];
    if (filter.state) where.push('state = @state');
    else if (!filter.include_gone) where.push("state != 'gone'");
    if (filter.tool) where.push('tool = @tool');
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.sql(`SELECT * FROM sessions ${clause} ORDER BY started_at DESC LIMIT @limit`).all(filter) as SessionRow[];
  }

  /** Sessions not yet gone, for the reaper. */
  live(): SessionRow[] {
    return this.sql("SELECT * FROM sessions WHERE state != 'gone'").all() as SessionRow[];
  }

  /** Live sessions tied to a process (hooks, brains mcp under its tool): the ones a pid check can end. */
  liveWithPid(): SessionRow[] {
    return this.sql("SELECT * FROM sessions WHERE state != 'gone' AND pid IS NOT NULL").all() as SessionRow[];
  }

  liveForClient(clientId: string): SessionRow[] {
    return this.sql("SELECT * FROM sessions WHERE client_id = ? AND state != 'gone' ORDER BY started_at").all(clientId) as SessionRow[];
  }

  countLive(): number {
    return this.sql("SELECT count(*) FROM sessions WHERE state != 'gone'").pluck().get() as number;
  }
}
