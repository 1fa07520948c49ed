// Migration 10: per-agent MCP HTTP bearer tokens, stored as SHA-256 hashes only.
export default {
  version: 10,
  name: 'mcp tokens',
  sql: `
    -- One token per agent of a project; minting again replaces the row. token_hash is the hex SHA-256 of the token.
    CREATE TABLE mcp_tokens (
      token_hash  TEXT NOT NULL PRIMARY KEY,
      project_id  TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      agent_name  TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      UNIQUE (project_id, agent_name)
    ) WITHOUT ROWID;
  `,
};
