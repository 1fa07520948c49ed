// SQL for agent identities: which directories each worked in, which are held by a live instance, and the names each holds.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface IdentityNames {
  client_id: string;
  names: Array<{ project_id: string; agent_name: string }>;
}

export class IdentityRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  exists(clientId: string): boolean {
    return this.sql('SELECT 1 FROM clients WHERE client_id = ?').get(clientId) !== undefined;
  }

  /** Make the identity if it is new; remember the directory it worked in (and that it is its latest). */
  ensure(clientId: string, workingDirectory: string | null, now: string): void {
    this.sql(
      'INSERT INTO clients (client_id, working_directory, created_at) VALUES (?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET working_directory = coalesce(excluded.working_directory, working_directory)',
    ).run(clientId, workingDirectory, now);
    if (workingDirectory !== null) {
      this.sql(
        'INSERT INTO identity_directories (working_directory, client_id, last_used) VALUES (?, ?, ?) ON CONFLICT(working_directory, client_id) DO UPDATE SET last_used = excluded.last_used',
      ).run(workingDirectory, clientId, now);
    }
  }

  /** Every identity that worked in this directory, most recent first. */
  everyIn(workingDirectory: string): string[] {
    return this.sql('SELECT client_id FROM identity_directories WHERE working_directory = ? ORDER BY last_used DESC, client_id').pluck().all(workingDirectory) as string[];
  }

  /** Identities that worked in this directory and no live session holds now (but `exceptSession`), most recent first. */
  freeIn(workingDirectory: string, exceptSession: string | null): string[] {
    return this.sql(
      `SELECT d.client_id FROM identity_directories d
        WHERE d.working_directory = ?
          AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = d.client_id AND s.state != 'gone' AND s.session_id IS NOT ?)
        ORDER BY d.last_used DESC, d.client_id`,
    )
      .pluck()
      .all(workingDirectory, exceptSession) as string[];
  }

  /** Whether a live session (other than `exceptSession`) holds this identity now. */
  heldByLiveSession(clientId: string, exceptSession: string | null): string | null {
    return (
      (this.sql("SELECT session_id FROM sessions WHERE client_id = ? AND state != 'gone' AND session_id IS NOT ? ORDER BY started_at LIMIT 1")
        .pluck()
        .get(clientId, exceptSession) as string | undefined) ?? null
    );
  }

  /** The names each of these identities holds, in join order. */
  names(clientIds: readonly string[]): IdentityNames[] {
    const rows = this.sql(
      'SELECT client_id, project_id, agent_name FROM members WHERE client_id IN (SELECT value FROM json_each(?)) ORDER BY joined_at, project_id',
    ).all(JSON.stringify(clientIds)) as Array<{ client_id: string; project_id: string; agent_name: string }>;
    return clientIds.map((client_id) => ({ client_id, names: rows.filter((r) => r.client_id === client_id).map(({ project_id, agent_name }) => ({ project_id, agent_name })) }));
  }

  /** Every identity holding this name in some project. */
  holdingAnywhere(agentName: string): string[] {
    return this.sql('SELECT DISTINCT client_id FROM members WHERE agent_name = ? AND client_id IS NOT NULL').pluck().all(agentName) as string[];
  }

  /** The identity holding this name in some project, among these identities. */
  holding(clientIds: readonly string[], agentName: string): string[] {
    return this.sql('SELECT DISTINCT client_id FROM members WHERE agent_name = ? AND client_id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(agentName, JSON.stringify(clientIds)) as string[];
  }
}
