// Migration 9: which brains session each agent tool's own session maps to, and what its hooks have already told it.
export default {
  version: 9,
  name: 'hook reminders',
  sql: `
    -- One row per tool session (Claude Code's or Codex's session_id): the brains session it registered. A session
    -- reaped while its agent sat at a prompt is replaced by a new one at the next hook, and the row follows it.
    CREATE TABLE hook_sessions (
      tool            TEXT NOT NULL,
      tool_session_id TEXT NOT NULL,
      session_id      TEXT NOT NULL REFERENCES sessions(session_id),
      created_at      TEXT NOT NULL,
      PRIMARY KEY (tool, tool_session_id)
    );
    CREATE INDEX hook_sessions_by_session ON hook_sessions(session_id);

    -- What a tool session has been told (item: 'message:<id>:<recipient>', 'stop:<id>:<recipient>', 'decision:<no>',
    -- 'lease:<lease_id>:<expires_at>'), so no reminder is given twice. Kept per tool session, not per brains session,
    -- because the conversation that read it is the same across a re-registration.
    CREATE TABLE hook_reminders (
      tool            TEXT NOT NULL,
      tool_session_id TEXT NOT NULL,
      item            TEXT NOT NULL,
      project_id      TEXT REFERENCES projects(project_id) ON DELETE CASCADE,
      reminded_at     TEXT NOT NULL,
      PRIMARY KEY (tool, tool_session_id, item),
      FOREIGN KEY (tool, tool_session_id) REFERENCES hook_sessions(tool, tool_session_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `,
};
