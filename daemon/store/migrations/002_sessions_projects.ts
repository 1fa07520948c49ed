// Migration 2: agent sessions, the client identities they resume, projects and their members.
export default {
  version: 2,
  name: 'sessions, projects and members',
  sql: `
    CREATE TABLE clients (
      client_id         TEXT PRIMARY KEY,
      working_directory TEXT,
      created_at        TEXT NOT NULL
    );
    CREATE TABLE sessions (
      session_id        TEXT PRIMARY KEY,
      client_id         TEXT NOT NULL REFERENCES clients(client_id),
      tool              TEXT NOT NULL,
      working_directory TEXT,
      pid               INTEGER,
      transcript_path   TEXT,
      label             TEXT,
      state             TEXT NOT NULL CHECK (state IN ('active', 'idle', 'gone')),
      started_at        TEXT NOT NULL,
      last_seen         TEXT NOT NULL,
      ended_at          TEXT,
      end_reason        TEXT
    );
    CREATE INDEX sessions_by_client ON sessions(client_id, state);
    CREATE INDEX sessions_by_state ON sessions(state, last_seen);
    CREATE TABLE projects (
      project_id     TEXT PRIMARY KEY,
      name           TEXT NOT NULL,
      description    TEXT,
      context        TEXT NOT NULL DEFAULT '{}',
      created_by     TEXT NOT NULL,
      created_at     TEXT NOT NULL,
      archived_at    TEXT,
      archive_reason TEXT
    );
    CREATE TABLE members (
      project_id   TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      agent_name   TEXT NOT NULL,
      agent_id     TEXT NOT NULL,
      client_id    TEXT,
      role         TEXT NOT NULL CHECK (role IN ('coordinator', 'contributor')),
      capabilities TEXT NOT NULL DEFAULT '[]',
      labels       TEXT NOT NULL DEFAULT '{}',
      joined_at    TEXT NOT NULL,
      last_seen    TEXT NOT NULL,
      PRIMARY KEY (project_id, agent_name)
    );
    -- Exactly one coordinator: the database itself refuses a second.
    CREATE UNIQUE INDEX one_coordinator_per_project ON members(project_id) WHERE role = 'coordinator';
    CREATE INDEX members_by_client ON members(client_id);
  `,
};
