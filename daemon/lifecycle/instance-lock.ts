// One daemon per state dir: an OS file lock (held through SQLite) that the kernel drops when the process dies, even by SIGKILL.
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';

export interface InstanceLock {
  release(): void;
}

/** Take the state dir's daemon lock, or return null when another live process holds it. */
export function acquireInstanceLock(path: string): InstanceLock | null {
  const db = new Database(path, { timeout: 0 });
  try {
    chmodSync(path, 0o600);
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}
