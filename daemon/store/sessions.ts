// SQL for client identities and agent sessions.
import type { Db } from './open.js';
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
}

export class SessionRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
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
        `INSERT INTO sessions (session_id, client_id, tool, working_directory, pid, transcript_path, label, state, started_at, last_seen, ended_at, end_reason)
         VALUES (@session_id, @client_id, @tool, @working_directory, @pid, @transcript_path, @label, @state, @started_at, @last_seen, @ended_at, @end_reason)`,
      )
      .run(row);
  }

  get(sessionId: string): SessionRow | null {
    return (this.sql('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined) ?? null;
  }

  touch(sessionId: string, now: string): void {
    this.sql("UPDATE sessions SET last_seen = ?, state = 'active' WHERE session_id = ? AND state != 'gone'").run(now, sessionId);
  }

  end(sessionId: string, now: string, reason: string): void {
    this.sql("UPDATE sessions SET state = 'gone', ended_at = ?, end_reason = ? WHERE session_id = ? AND state != 'gone'").run(now, reason, sessionId);
  }

  setState(sessionId: string, state: SessionState): void {
    this.sql('UPDATE sessions SET state = ? WHERE session_id = ?').run(state, sessionId);
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

  liveForClient(clientId: string): SessionRow[] {
    return this.sql("SELECT * FROM sessions WHERE client_id = ? AND state != 'gone' ORDER BY started_at").all(clientId) as SessionRow[];
  }

  countLive(): number {
    return this.sql("SELECT count(*) FROM sessions WHERE state != 'gone'").pluck().get() as number;
  }
}
