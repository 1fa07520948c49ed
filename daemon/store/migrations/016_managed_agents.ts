// Migration 16: managed agents and their turns; approvals gain the `permission` kind (a managed agent's tool permission).
// SQLite cannot widen a CHECK in place, so approvals is rebuilt, its numbering carried over so no approval id is reused.
export default {
  version: 16,
  name: 'managed agents',
  sql: `
    CREATE TABLE agents (
      agent_name        TEXT PRIMARY KEY,
      project_id        TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      backend           TEXT NOT NULL,
      working_directory TEXT NOT NULL,
      model             TEXT,
      system_prompt     TEXT,
      env               TEXT NOT NULL DEFAULT '{}',
      auto_reply        INTEGER NOT NULL DEFAULT 0 CHECK (auto_reply IN (0, 1)),
      add_dirs          TEXT NOT NULL DEFAULT '[]',
      command           TEXT,
      native_session_id TEXT,
      allowed_tools     TEXT NOT NULL DEFAULT '[]',
      state             TEXT NOT NULL DEFAULT 'idle',
      state_detail      TEXT,
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL
    );
    CREATE INDEX agents_by_project ON agents(project_id);

    CREATE TABLE agent_turns (
      turn_no       INTEGER PRIMARY KEY AUTOINCREMENT,
      agent_name    TEXT NOT NULL REFERENCES agents(agent_name) ON DELETE CASCADE,
      role          TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      text          TEXT NOT NULL,
      tool_uses     TEXT NOT NULL DEFAULT '[]',
      status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'error', 'interrupted', 'timed_out', 'cancelled')),
      usage         TEXT,
      cost_usd      REAL,
      error         TEXT,
      source        TEXT NOT NULL CHECK (source IN ('operator', 'message')),
      from_agent    TEXT,
      message_id    TEXT,
      hops          INTEGER NOT NULL DEFAULT 0,
      user_turn_no  INTEGER,
      attempts      INTEGER NOT NULL DEFAULT 0,
      created_at    TEXT NOT NULL,
      started_at    TEXT,
      finished_at   TEXT
    );
    CREATE INDEX agent_turns_by_agent ON agent_turns(agent_name, turn_no);
    CREATE INDEX agent_turns_open ON agent_turns(status, turn_no) WHERE status IN ('queued', 'running');

    CREATE TABLE approvals_v16 (
      approval_no   INTEGER PRIMARY KEY AUTOINCREMENT,
      project_id    TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      kind          TEXT NOT NULL CHECK (kind IN ('approval', 'handoff', 'permission')),
      requested_by  TEXT NOT NULL,
      title         TEXT NOT NULL,
      body          TEXT,
      options       TEXT NOT NULL,
      resource_refs TEXT NOT NULL DEFAULT '[]',
      status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'decided', 'cancelled')),
      addressed_to  TEXT NOT NULL,
      cc            TEXT NOT NULL DEFAULT '[]',
      created_at    TEXT NOT NULL,
      decision      TEXT,
      decided_by    TEXT,
      decided_at    TEXT,
      comment       TEXT,
      task_no       INTEGER REFERENCES tasks(task_no) ON DELETE SET NULL
    );
    INSERT INTO approvals_v16 (approval_no, project_id, kind, requested_by, title, body, options, resource_refs, status, addressed_to, cc, created_at, decision, decided_by, decided_at, comment, task_no)
      SELECT approval_no, project_id, kind, requested_by, title, body, options, resource_refs, status, addressed_to, cc, created_at, decision, decided_by, decided_at, comment, task_no FROM approvals;
    INSERT INTO sqlite_sequence (name, seq) SELECT 'approvals_v16', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'approvals_v16');
    UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'approvals'), 0)) WHERE name = 'approvals_v16';
    DROP TABLE approvals;
    ALTER TABLE approvals_v16 RENAME TO approvals;
    CREATE INDEX approvals_by_project ON approvals(project_id, status, approval_no);
    CREATE INDEX approvals_by_requester ON approvals(project_id, requested_by, status);
    CREATE INDEX approvals_pending ON approvals(approval_no) WHERE status = 'pending';
    CREATE INDEX approvals_by_task ON approvals(task_no, approval_no) WHERE task_no IS NOT NULL;
  `,
};
