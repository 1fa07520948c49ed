// Copies of the database for backups: SQLite's online backup (consistent while writes go on), and what a copy holds.
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.js';

/** The whole copy is one step: one read transaction, so it is one moment of the database and writers cannot restart it. */
const ALL_PAGES = 0x7fffffff;
/** The tables a backup counts for the person who made it. */
const COUNTED_TABLES: Record<string, string> = {
  events: 'events',
  projects: 'projects',
  sessions: 'sessions',
  messages: 'messages',
  tasks: 'tasks',
  locks: 'lock_leases',
  approvals: 'approvals',
  resources: 'resources',
  agents: 'agents',
  schedules: 'schedules',
  audit_rows: 'audit',
};

/** Copy a database with SQLite's online backup through a read-only connection of our own (in WAL mode writers go on). */
export async function backupDatabaseFile(source: string, dest: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    await db.backup(dest, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/** The same copy on a thread of its own, then made self-contained and counted there too; resolves with what it holds. */
export function snapshotInThread(source: string, dest: string): Promise<CopyFacts> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./snapshot-worker.js', import.meta.url), { workerData: { source, dest } });
    worker.once('message', (answer: { ok: true; facts: CopyFacts } | { ok: false; message: string; code: string | null }) => {
      if (answer.ok) resolve(answer.facts);
      else reject(Object.assign(new Error(answer.message), { code: answer.code ?? undefined }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the backup thread ended (exit ${code}) before it answered`)));
  });
}

export interface CopyFacts {
  schema_version: number;
  counts: Record<string, number>;
}

/** Make a fresh copy self-contained (no write-ahead log beside it) and say what it holds. */
export function finishCopy(path: string): CopyFacts {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    return { schema_version: db.pragma('user_version', { simple: true }) as number, counts: countRows(db) };
  } finally {
    db.close();
  }
}

export type CopyCheck = { ok: true; schema_version: number; counts: Record<string, number> } | { ok: false; problem: string };

/** Whether a copy is a sound brains database: SQLite's quick_check, and the schema version it is at. */
export function checkCopy(path: string): CopyCheck {
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, problem: `it cannot be opened as a database (${(error as Error).message})` };
  }
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const findings = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (findings.length > 0) return { ok: false, problem: `SQLite's quick_check finds it damaged: ${findings.slice(0, 3).join('; ')}` };
    return { ok: true, schema_version: db.pragma('user_version', { simple: true }) as number, counts: countRows(db) };
  } catch (error) {
    return { ok: false, problem: `it is not a sound database (${(error as Error).message})` };
  } finally {
    db.close();
  }
}

/** The schema version of a database file, read without changing it; null when there is no file. */
export function schemaVersionOfFile(path: string): number | null {
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

function countRows(db: Db): Record<string, number> {
  const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
  const counts: Record<string, number> = {};
  for (const [label, table] of Object.entries(COUNTED_TABLES)) {
    if (present.has(table)) counts[label] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return counts;
}
