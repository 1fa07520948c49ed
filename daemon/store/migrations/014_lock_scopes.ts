// Migration 14: lock leases live in a scope (the holder's repository, a name, or global), so equal keys of two repositories never collide.
export default {
  version: 14,
  name: 'lock scopes',
  sql: `
    -- Leases from before scopes were all global. asked_key is the key as the holder gave it (renew and release may name it so);
    -- root, holder_tool and holder_directory say where the lease was taken, for lock.list and conflict messages.
    ALTER TABLE lock_leases ADD COLUMN scope TEXT NOT NULL DEFAULT 'global';
    ALTER TABLE lock_leases ADD COLUMN root TEXT;
    ALTER TABLE lock_leases ADD COLUMN asked_key TEXT;
    ALTER TABLE lock_leases ADD COLUMN holder_tool TEXT;
    ALTER TABLE lock_leases ADD COLUMN holder_directory TEXT;
    DROP INDEX lock_one_exclusive_per_key;
    DROP TRIGGER lock_no_exclusive_beside_others;
    DROP INDEX lock_by_key;
    CREATE UNIQUE INDEX lock_one_exclusive_per_key ON lock_leases(scope, key) WHERE ended_at IS NULL AND mode = 'exclusive';
    CREATE TRIGGER lock_no_exclusive_beside_others BEFORE INSERT ON lock_leases
    WHEN NEW.ended_at IS NULL AND EXISTS (
      SELECT 1 FROM lock_leases WHERE scope = NEW.scope AND key = NEW.key AND ended_at IS NULL AND (mode = 'exclusive' OR NEW.mode = 'exclusive')
    )
    BEGIN SELECT RAISE(ABORT, 'lock conflict: this key is already held in this scope'); END;
    CREATE INDEX lock_by_key ON lock_leases(scope, key, ended_at);
  `,
};
