// SQL for projects and their members.
import type { Db } from './open.js';
import { ReadCache } from './read-cache.js';
import { statementCache, type Statement } from './statements.js';

export type Role = 'coordinator' | 'contributor';

export interface ProjectRow {
  project_id: string;
  name: string;
  description: string | null;
  context: string;
  created_by: string;
  created_at: string;
  archived_at: string | null;
  archive_reason: string | null;
}

export interface MemberRow {
  project_id: string;
  agent_name: string;
  agent_id: string;
  client_id: string | null;
  role: Role;
  capabilities: string;
  labels: string;
  joined_at: string;
  last_seen: string;
}

export class ProjectRepo {
  private readonly sql: (sql: string) => Statement;

  /** What an agent holds is read on nearly every call it makes; any write here clears it all. */
  private readonly memberships: ReadCache<ReadonlyArray<MemberRow & { project_name: string; archived_at: string | null }>>;
  private readonly memberRows: ReadCache<MemberRow | null>;

  constructor(db: Db) {
    this.sql = statementCache(db);
    this.memberships = new ReadCache(db);
    this.memberRows = new ReadCache(db);
  }

  private changed(): void {
    this.memberships.clear();
    this.memberRows.clear();
  }

  insert(row: ProjectRow): void {
    this.sql(
        `INSERT INTO projects (project_id, name, description, context, created_by, created_at, archived_at, archive_reason)
         VALUES (@project_id, @name, @description, @context, @created_by, @created_at, @archived_at, @archive_reason)`,
      )
      .run(row);
    this.changed();
  }

  get(projectId: string): ProjectRow | null {
    return (this.sql('SELECT * FROM projects WHERE project_id = ?').get(projectId) as ProjectRow | undefined) ?? null;
  }

  exists(projectId: string): boolean {
    return this.sql('SELECT 1 FROM projects WHERE project_id = ?').get(projectId) !== undefined;
  }

  list(includeArchived: boolean, offset: number, limit: number): { rows: Array<ProjectRow & { member_count: number }>; total: number } {
    const where = includeArchived ? '' : 'WHERE archived_at IS NULL';
    const rows = this.sql(`SELECT p.*, (SELECT count(*) FROM members m WHERE m.project_id = p.project_id) AS member_count FROM projects p ${where} ORDER BY created_at, project_id LIMIT ? OFFSET ?`)
      .all(limit, offset) as Array<ProjectRow & { member_count: number }>;
    const total = this.sql(`SELECT count(*) FROM projects ${where}`).pluck().get() as number;
    return { rows, total };
  }

  ids(limit = 50): string[] {
    return this.sql('SELECT project_id FROM projects WHERE archived_at IS NULL ORDER BY created_at LIMIT ?').pluck().all(limit) as string[];
  }

  /** Every project, archived ones too, oldest first. */
  everyId(): string[] {
    return this.sql('SELECT project_id FROM projects ORDER BY created_at, project_id').pluck().all() as string[];
  }

  archive(projectId: string, now: string, reason: string | null): void {
    this.sql('UPDATE projects SET archived_at = ?, archive_reason = ? WHERE project_id = ?').run(now, reason, projectId);
    this.changed();
  }

  delete(projectId: string): void {
    this.sql('DELETE FROM projects WHERE project_id = ?').run(projectId);
    this.changed();
  }

  member(projectId: string, agentName: string): Readonly<MemberRow> | null {
    return this.memberRows.get(`${projectId}\u0000${agentName}`, () => (this.sql('SELECT * FROM members WHERE project_id = ? AND agent_name = ?').get(projectId, agentName) as MemberRow | undefined) ?? null);
  }

  members(projectId: string): MemberRow[] {
    return this.sql('SELECT * FROM members WHERE project_id = ? ORDER BY joined_at, agent_name').all(projectId) as MemberRow[];
  }

  memberNames(projectId: string): string[] {
    return this.sql('SELECT agent_name FROM members WHERE project_id = ? ORDER BY joined_at, agent_name').pluck().all(projectId) as string[];
  }

  membershipsOfClient(clientId: string): ReadonlyArray<Readonly<MemberRow & { project_name: string; archived_at: string | null }>> {
    return this.memberships.get(clientId, () =>
      this.sql('SELECT m.*, p.name AS project_name, p.archived_at FROM members m JOIN projects p USING (project_id) WHERE m.client_id = ? ORDER BY m.joined_at')
        .all(clientId) as Array<MemberRow & { project_name: string; archived_at: string | null }>,
    );
  }

  coordinator(projectId: string): MemberRow | null {
    return (this.sql("SELECT * FROM members WHERE project_id = ? AND role = 'coordinator'").get(projectId) as MemberRow | undefined) ?? null;
  }

  insertMember(row: MemberRow): void {
    this.sql(
        `INSERT INTO members (project_id, agent_name, agent_id, client_id, role, capabilities, labels, joined_at, last_seen)
         VALUES (@project_id, @agent_name, @agent_id, @client_id, @role, @capabilities, @labels, @joined_at, @last_seen)`,
      )
      .run(row);
    this.changed();
  }

  updateMemberProfile(projectId: string, agentName: string, capabilities: string, labels: string, now: string): void {
    this.sql('UPDATE members SET capabilities = ?, labels = ?, last_seen = ? WHERE project_id = ? AND agent_name = ?').run(capabilities, labels, now, projectId, agentName);
    this.changed();
  }

  touchMember(projectId: string, agentName: string, now: string): boolean {
    this.changed();
    return this.sql('UPDATE members SET last_seen = ? WHERE project_id = ? AND agent_name = ?').run(now, projectId, agentName).changes > 0;
  }

  touchClientMembers(clientId: string, now: string): void {
    this.sql('UPDATE members SET last_seen = ? WHERE client_id = ?').run(now, clientId);
    this.changed();
  }

  setRole(projectId: string, agentName: string, role: Role): void {
    this.sql('UPDATE members SET role = ? WHERE project_id = ? AND agent_name = ?').run(role, projectId, agentName);
    this.changed();
  }

  removeMember(projectId: string, agentName: string): boolean {
    this.changed();
    return this.sql('DELETE FROM members WHERE project_id = ? AND agent_name = ?').run(projectId, agentName).changes > 0;
  }

  count(): number {
    return this.sql('SELECT count(*) FROM projects').pluck().get() as number;
  }
}
