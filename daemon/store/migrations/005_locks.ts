// Migration 5: advisory lock leases, the daemon-wide fencing counter, and the database's own guard against two exclusive holders.
export default {
  version: 5,
  name: 'locks',
  sql: `
    -- One counter for every key: tokens strictly increase per key and also across a glob and the paths it covers.
    CREATE TABLE lock_fence (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      last_token INTEGER NOT NULL CHECK (last_token >= 0)
    );
    INSERT INTO lock_fence (id, last_token) VALUES (1, 0);
    CREATE TRIGGER lock_fence_only_forward BEFORE UPDATE ON lock_fence
    WHEN NEW.last_token <= OLD.last_token
    BEGIN SELECT RAISE(ABORT, 'fencing tokens only go forward'); END;

    -- Live leases have ended_at NULL; ended ones are kept a day so a stale holder hears why it lost the lease.
    CREATE TABLE lock_leases (
      lease_id      TEXT PRIMARY KEY,
      key           TEXT NOT NULL,
      mode          TEXT NOT NULL CHECK (mode IN ('exclusive', 'shared')),
      holder_kind   TEXT NOT NULL CHECK (holder_kind IN ('session', 'member')),
      session_id    TEXT,
      project_id    TEXT REFERENCES projects(project_id) ON DELETE CASCADE,
      agent_name    TEXT,
      client_id     TEXT,
      fencing_token INTEGER NOT NULL UNIQUE,
      ttl_seconds   REAL NOT NULL,
      acquired_at   TEXT NOT NULL,
      renewed_at    TEXT,
      expires_at    TEXT NOT NULL,
      ended_at      TEXT,
      end_reason    TEXT,
      CHECK ((holder_kind = 'session') = (session_id IS NOT NULL AND project_id IS NULL AND agent_name IS NULL)),
      CHECK ((holder_kind = 'member') = (session_id IS NULL AND project_id IS NOT NULL AND agent_name IS NOT NULL))
    );
    -- Exactly one exclusive holder per key, and never an exclusive beside a shared one: the database refuses it too
    -- (overlapping globs are kept apart by the daemon's single-threaded transactions).
    CREATE UNIQUE INDEX lock_one_exclusive_per_key ON lock_leases(key) WHERE ended_at IS NULL AND mode = 'exclusive';
    CREATE TRIGGER lock_no_exclusive_beside_others BEFORE INSERT ON lock_leases
    WHEN NEW.ended_at IS NULL AND EXISTS (
      SELECT 1 FROM lock_leases WHERE key = NEW.key AND ended_at IS NULL AND (mode = 'exclusive' OR NEW.mode = 'exclusive')
    )
    BEGIN SELECT RAISE(ABORT, 'lock conflict: this key is already held'); END;
    CREATE TRIGGER lock_ended_stays_ended BEFORE UPDATE OF ended_at ON lock_leases
    WHEN OLD.ended_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'an ended lease cannot be revived; acquire the lock again'); END;
    -- Every lookup of live leases seeks on (…, ended_at) instead of walking a holder's or a key's history.
    CREATE INDEX lock_by_key ON lock_leases(key, ended_at);
    CREATE INDEX lock_by_session ON lock_leases(session_id, ended_at) WHERE session_id IS NOT NULL;
    CREATE INDEX lock_by_member ON lock_leases(project_id, agent_name, ended_at);
    CREATE INDEX lock_live_by_expiry ON lock_leases(expires_at) WHERE ended_at IS NULL;
    CREATE INDEX lock_ended ON lock_leases(ended_at) WHERE ended_at IS NOT NULL;
  `,
};
