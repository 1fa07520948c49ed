// Migration 17: the audit chain's head moves from meta into sqlite_sequence (audit.seq becomes AUTOINCREMENT). The events
// table already writes that page in every transaction, so keeping the head there costs a commit no extra page, and a cut
// of the newest rows still leaves a high-water mark no row reaches.
export default {
  version: 17,
  name: 'audit sequence',
  sql: `
    CREATE TABLE audit_new (
      seq           INTEGER PRIMARY KEY AUTOINCREMENT,
      time          TEXT NOT NULL,
      actor         TEXT NOT NULL,
      session_id    TEXT,
      method        TEXT NOT NULL,
      subject       TEXT,
      params_digest TEXT NOT NULL,
      outcome       TEXT NOT NULL,
      prev_hash     TEXT NOT NULL,
      hash          TEXT NOT NULL,
      acting_as     TEXT,
      v             INTEGER NOT NULL DEFAULT 1
    );
    INSERT INTO audit_new (seq, time, actor, session_id, method, subject, params_digest, outcome, prev_hash, hash, acting_as, v)
      SELECT seq, time, actor, session_id, method, subject, params_digest, outcome, prev_hash, hash, acting_as, v FROM audit ORDER BY seq;
    DROP TABLE audit;
    ALTER TABLE audit_new RENAME TO audit;
    DELETE FROM sqlite_sequence WHERE name = 'audit';
    INSERT INTO sqlite_sequence (name, seq)
      SELECT 'audit', max(coalesce((SELECT max(seq) FROM audit), 0),
                          coalesce((SELECT CAST(substr(value, 1, instr(value, ':') - 1) AS INTEGER) FROM meta WHERE key = 'audit.head'), 0));
    DELETE FROM meta WHERE key = 'audit.head';
  `,
};
