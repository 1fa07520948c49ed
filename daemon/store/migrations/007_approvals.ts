// Migration 7: approvals and handoffs awaiting (or carrying) the human's decision.
export default {
  version: 7,
  name: 'approvals and handoffs',
  sql: `
    CREATE TABLE approvals (
      approval_no   INTEGER PRIMARY KEY AUTOINCREMENT,
      project_id    TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      kind          TEXT NOT NULL CHECK (kind IN ('approval', 'handoff')),
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
      comment       TEXT
    );
    CREATE INDEX approvals_by_project ON approvals(project_id, status, approval_no);
    CREATE INDEX approvals_by_requester ON approvals(project_id, requested_by, status);
    CREATE INDEX approvals_pending ON approvals(approval_no) WHERE status = 'pending';
  `,
};
