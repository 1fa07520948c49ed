// Opens the one SQLite file with the pragmas brains relies on: WAL, a busy timeout, foreign keys.
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';

export type Db = Database.Database;

/** Fold the WAL back every ~16 MiB instead of 4 MiB: hot pages are written back once, not again and again. */
export const AUTO_CHECKPOINT_PAGES = 4000;
/**
 * The log's length at which the checkpoint thread starts it over (holding writers back a few ms, so not often: about
 * once per 2,000 single sends), and the size its file is cut back to then.
 */
export const RESTART_WAL_FRAMES = 4 * AUTO_CHECKPOINT_PAGES;
export const WAL_FILE_LIMIT_BYTES = RESTART_WAL_FRAMES * 4096;

/** Open with our pragmas; `check` runs first, so a database we refuse is left exactly as it was. */
export function openDatabase(path: string, check: (db: Db) => void = () => {}): Db {
  const db = new Database(path, { timeout: 5000 });
  try {
    check(db);
  } catch (error) {
    db.close();
    throw error;
  }
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a killed process; only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 8 MiB of page cache (the default is 2 MiB): inbox and lock indexes stay hot with a million rows stored.
  db.pragma('cache_size = -8192');
  // The daemon folds it on a thread of its own instead, and whenever it goes idle (daemon/services/wal-checkpoints.ts).
  db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  // When the log starts over, a file grown past this by a burst of writes is cut back to it; below it, the file's blocks
  // are kept and written over, which costs less than growing a file.
  db.pragma(`journal_size_limit = ${WAL_FILE_LIMIT_BYTES}`);
  if (path !== ':memory:') chmodSync(path, 0o600);
  return db;
}
