// Migration 8: the audit trail, one row per mutating call, each row's hash chained to the one before.
export default {
  version: 8,
  name: 'audit',
  sql: `
    CREATE TABLE audit (
      seq           INTEGER PRIMARY KEY, -- rows are never deleted, so rowids are never reused
      time          TEXT NOT NULL,
      actor         TEXT NOT NULL,
      session_id    TEXT,
      method        TEXT NOT NULL,
      subject       TEXT,
      params_digest TEXT NOT NULL,
      outcome       TEXT NOT NULL,
      prev_hash     TEXT NOT NULL,
      hash          TEXT NOT NULL
    );
    -- No secondary indexes: every mutating call writes a row, and audit.list (an operator's query) scans in seq order.
  `,
};
