// Migration 1: the event log every change appends to, and a small key/value table for store bookkeeping.
export default {
  version: 1,
  name: 'event log',
  sql: `
    CREATE TABLE events (
      seq     INTEGER PRIMARY KEY AUTOINCREMENT,
      time    TEXT    NOT NULL,
      type    TEXT    NOT NULL,
      subject TEXT,
      data    TEXT    NOT NULL
    );
    CREATE INDEX events_by_type ON events(type, seq);
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `,
};
