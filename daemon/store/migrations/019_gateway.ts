// Migration 19: the model gateway's named keys (only their hashes) and its record of every request it carried.
export default {
  version: 19,
  name: 'gateway',
  sql: `
    CREATE TABLE gateway_keys (
      key_id       INTEGER PRIMARY KEY AUTOINCREMENT,
      key_hash     TEXT NOT NULL UNIQUE,
      name         TEXT NOT NULL,
      agent_name   TEXT,
      project_id   TEXT,
      created_at   TEXT NOT NULL,
      expires_at   TEXT,
      revoked_at   TEXT,
      last_used_at TEXT
    );
    CREATE INDEX gateway_keys_name ON gateway_keys (name);
    CREATE TABLE gateway_requests (
      id               INTEGER PRIMARY KEY AUTOINCREMENT,
      time             TEXT NOT NULL,
      endpoint         TEXT NOT NULL,
      key              TEXT NOT NULL,
      agent_name       TEXT,
      project_id       TEXT,
      model            TEXT,
      provider         TEXT,
      upstream_model   TEXT,
      stream           INTEGER NOT NULL,
      status           INTEGER NOT NULL,
      error            TEXT,
      latency_ms       REAL NOT NULL,
      ttft_ms          REAL,
      input_tokens     INTEGER,
      output_tokens    INTEGER,
      tokens_estimated INTEGER NOT NULL
    );
    CREATE INDEX gateway_requests_time ON gateway_requests (time);
    CREATE INDEX gateway_requests_agent ON gateway_requests (agent_name, time);
  `,
};
