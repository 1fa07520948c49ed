// Migration 11: agent instances with secrets, identities found by the directories they worked in (not a hash of one), and audit rows that name the principal.
export default {
  version: 11,
  name: 'principals and identities',
  sql: `
    -- An agent instance (a session) presents this secret on every connection it opens; only its hash is kept.
    ALTER TABLE sessions ADD COLUMN secret_hash TEXT;
    -- 1 while several identities could be this instance's and it has not said which it is.
    ALTER TABLE sessions ADD COLUMN identity_pending INTEGER NOT NULL DEFAULT 0;
    -- How the instance registered: api (session.start), mcp (brains mcp, on its connection), hook (an agent tool's hook).
    -- A hook and the brains mcp of one tool process (same pid) are one instance.
    ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
    CREATE INDEX sessions_by_pid ON sessions(pid) WHERE state != 'gone';
    CREATE UNIQUE INDEX sessions_by_secret ON sessions(secret_hash) WHERE secret_hash IS NOT NULL;

    -- Which identities worked in which directory: a directory resumes an identity only when exactly one free one used it.
    -- Identities made before this migration were named by a hash of their directory; they keep their ids and rows.
    CREATE TABLE identity_directories (
      working_directory TEXT NOT NULL,
      client_id         TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
      last_used         TEXT NOT NULL,
      PRIMARY KEY (working_directory, client_id)
    ) WITHOUT ROWID;
    INSERT INTO identity_directories (working_directory, client_id, last_used)
      SELECT working_directory, client_id, created_at FROM clients WHERE working_directory IS NOT NULL;

    -- Audit rows from now on name the principal that called (actor) and the agent it acted as; v says how the row is hashed.
    ALTER TABLE audit ADD COLUMN acting_as TEXT;
    ALTER TABLE audit ADD COLUMN v INTEGER NOT NULL DEFAULT 1;
  `,
};
