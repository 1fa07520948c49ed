// Migration 3: messages; their open deliveries (clustered by recipient) and finished ones; and `deliveries`, a view of both.
export default {
  version: 3,
  name: 'messages',
  sql: `
    CREATE TABLE messages (
      seq             INTEGER PRIMARY KEY,               -- the order key: "oldest first" never depends on clocks
      message_id      TEXT    NOT NULL UNIQUE,           -- time-ordered (UUIDv7), so its index grows at one end
      project_id      TEXT    NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      from_agent      TEXT    NOT NULL,
      to_agent        TEXT,                              -- NULL for a broadcast
      broadcast       INTEGER NOT NULL CHECK (broadcast IN (0, 1)),
      reply_expected  INTEGER NOT NULL CHECK (reply_expected IN (0, 1)),
      reply_to        TEXT,
      payload         TEXT    NOT NULL,
      metadata        TEXT,
      idempotency_key TEXT,
      created_at      TEXT    NOT NULL,
      expires_at      TEXT    NOT NULL,
      CHECK ((broadcast = 1) = (to_agent IS NULL))
    );
    CREATE INDEX messages_by_project ON messages(project_id, seq);
    CREATE INDEX messages_by_reply ON messages(reply_to) WHERE reply_to IS NOT NULL;
    -- A retried send finds the first one; only sends that carry a key pay for this index.
    CREATE UNIQUE INDEX messages_by_idempotency_key ON messages(project_id, from_agent, idempotency_key) WHERE idempotency_key IS NOT NULL;

    -- Open deliveries only (not yet delivered, or delivered and not yet acknowledged), clustered by recipient and
    -- oldest first: a receive reads one short run of rows, and because finished ones move out, the table stays as
    -- small as the backlog, so a broadcast to many recipients lands on few pages.
    CREATE TABLE open_deliveries (
      project_id        TEXT    NOT NULL,
      recipient         TEXT    NOT NULL,
      message_seq       INTEGER NOT NULL REFERENCES messages(seq) ON DELETE CASCADE,
      state             TEXT    NOT NULL CHECK (state IN ('pending', 'delivered')),
      attempt           INTEGER NOT NULL DEFAULT 0,
      expires_at        TEXT    NOT NULL,
      last_delivered_at TEXT,
      ack_deadline      TEXT,
      PRIMARY KEY (project_id, recipient, message_seq)
    ) WITHOUT ROWID;
    -- A message's recipients (history, the cascade when a message goes).
    CREATE UNIQUE INDEX open_deliveries_by_message ON open_deliveries(message_seq, recipient);
    -- Deliveries awaiting their ack: the next deadline a parked receive must wake for, and the dead-letter clock.
    CREATE INDEX open_deliveries_in_flight ON open_deliveries(project_id, recipient, ack_deadline) WHERE state = 'delivered';

    -- Finished deliveries, kept for history: acknowledged, dead after the last attempt, or expired.
    CREATE TABLE finished_deliveries (
      message_seq       INTEGER NOT NULL REFERENCES messages(seq) ON DELETE CASCADE,
      recipient         TEXT    NOT NULL,
      project_id        TEXT    NOT NULL,
      state             TEXT    NOT NULL CHECK (state IN ('acked', 'dead', 'expired')),
      attempt           INTEGER NOT NULL,
      last_delivered_at TEXT,
      ack_deadline      TEXT,
      ended_at          TEXT    NOT NULL,
      PRIMARY KEY (message_seq, recipient)
    ) WITHOUT ROWID;

    -- Every delivery, open or finished, in one shape, for reading by hand (sqlite3 brains.db) and in tests. The state
    -- is as stored: an open delivery past its TTL or its last deadline reads expired or dead only once written down.
    CREATE VIEW deliveries AS
      SELECT m.message_id, o.recipient, o.project_id, o.state, o.attempt, o.last_delivered_at, o.ack_deadline, NULL AS acked_at
        FROM open_deliveries o JOIN messages m ON m.seq = o.message_seq
      UNION ALL
      SELECT m.message_id, f.recipient, f.project_id, f.state, f.attempt, f.last_delivered_at, f.ack_deadline,
             CASE f.state WHEN 'acked' THEN f.ended_at END
        FROM finished_deliveries f JOIN messages m ON m.seq = f.message_seq;
  `,
};
