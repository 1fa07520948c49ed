// Opens the one SQLite file with the pragmas brains relies on: WAL, a busy timeout, foreign keys.
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';

export type Db = Database.Database;

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
  if (path !== ':memory:') chmodSync(path, 0o600);
  return db;
}
