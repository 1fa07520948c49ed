// Migration 8: the audit trail, one row per mutating call, each row's hash chained to the one before.
export default {
  version: 8,
  name: 'audit',
  sql: `
    CREATE TABLE audit (
      seq           INTEGER PRIMARY KEY AUTOINCREMENT,
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
    CREATE INDEX audit_by_actor ON audit(actor, seq);
    CREATE INDEX audit_by_method ON audit(method, seq);
  `,
};
