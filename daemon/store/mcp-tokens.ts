// SQL for per-agent MCP HTTP tokens: keyed by the token's hash, one per agent of a project.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface McpTokenRow {
  token_hash: string;
  project_id: string;
  agent_name: string;
  created_at: string;
}

export class McpTokenRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  byHash(tokenHash: string): McpTokenRow | null {
    return (this.sql('SELECT * FROM mcp_tokens WHERE token_hash = ?').get(tokenHash) as McpTokenRow | undefined) ?? null;
  }

  /** Store a token for an agent, replacing its earlier one; true when there was one. */
  replace(row: McpTokenRow): boolean {
    const removed = this.sql('DELETE FROM mcp_tokens WHERE project_id = ? AND agent_name = ?').run(row.project_id, row.agent_name).changes;
    this.sql('INSERT INTO mcp_tokens (token_hash, project_id, agent_name, created_at) VALUES (@token_hash, @project_id, @agent_name, @created_at)').run(row);
    return removed > 0;
  }

  count(): number {
    return this.sql('SELECT count(*) FROM mcp_tokens').pluck().get() as number;
  }
}
