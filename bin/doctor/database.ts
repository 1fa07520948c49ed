// Doctor: the database, opened read-only (safe while the daemon runs): intact, its size and its log's, its schema version.
import Database from 'better-sqlite3';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../../rpc/paths.js';
import { LATEST_SCHEMA_VERSION } from '../../daemon/store/migrations/index.js';
import { bytes, check, tilde, type Check } from './check.js';

/** The daemon cuts its write-ahead log back to ~62 MiB when the log starts over (daemon/store/open.ts); longer means it cannot. */
export const WAL_WARN_BYTES = 64 * 1024 * 1024;

export interface DatabaseReport {
  checks: Check[];
  /** When the newest event was written (the clock check compares it with now); null when there is none to read. */
  newestEvent: string | null;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The newest file in the backups dir, to name in the fix. */
function newestBackup(dir: string): string | null {
  try {
    const files = readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile())
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return files[0] ?? null;
  } catch {
    return null;
  }
}

export function restoreFix(paths: StatePaths): string {
  const newest = newestBackup(paths.backupsDir);
  if (newest !== null) return `restore a backup: brains restore ${newest} (the newest in ${paths.backupsDir})`;
  return `restore a backup with brains restore FILE (none in ${paths.backupsDir}); without one, move ${paths.db} aside and brains up starts an empty one`;
}

function failure(error: unknown, paths: StatePaths): Check {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return check('database', 'integrity', 'warn', `could not check ${tilde(paths.db)}: it is locked by another process`, {
      detail: message,
      fix: `find it with fuser ${paths.db} and let it finish (a brains daemon holds no such lock), then run brains doctor again`,
    });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return check('database', 'integrity', 'problem', `${tilde(paths.db)} is damaged: ${message}`, { fix: restoreFix(paths) });
  }
  return check('database', 'integrity', 'problem', `cannot read ${tilde(paths.db)}: ${message}`, { fix: `check that it is a file you own and can read (ls -l ${paths.db})` });
}

function schemaCheck(found: number, latest: number, daemonRunning: boolean): Check {
  if (found === latest) return check('database', 'schema', 'ok', `schema version ${found}, the latest this brains knows`);
  if (found > latest) {
    return check('database', 'schema', 'problem', `schema version ${found} was written by a newer brains (this one knows up to ${latest}): the daemon will not open it`, {
      fix: 'upgrade brains to the version that wrote it, or set BRAINS_HOME to another dir',
    });
  }
  if (daemonRunning) {
    return check('database', 'schema', 'warn', `schema version ${found}; this brains knows ${latest}: the running daemon is older than this CLI`, { fix: 'restart the daemon with this brains: brains down && brains up' });
  }
  return check('database', 'schema', 'info', `schema version ${found}; this brains migrates it to ${latest} when the daemon next starts`);
}

export function databaseChecks(paths: StatePaths, daemonRunning: boolean, latest = LATEST_SCHEMA_VERSION): DatabaseReport {
  if (!existsSync(paths.db)) return { checks: [check('database', 'file', 'info', `no database yet at ${tilde(paths.db)}: the daemon makes it when it first starts`)], newestEvent: null };
  const wal = sizeOf(`${paths.db}-wal`);
  const checks = [check('database', 'size', 'ok', `${tilde(paths.db)} ${bytes(sizeOf(paths.db))}, write-ahead log ${bytes(wal)}`)];
  if (wal > WAL_WARN_BYTES) {
    checks.push(
      check('database', 'wal', 'warn', `the write-ahead log is ${bytes(wal)}: it is not being folded back into the database`, {
        detail: 'the daemon folds it back while idle; a log this long means something kept reading for a long time, or the daemon cannot write',
        fix: 'restart the daemon (brains down && brains up) and close other programs that opened the database',
      }),
    );
  }
  let db: Database.Database;
  try {
    db = new Database(paths.db, { readonly: true, fileMustExist: true, timeout: 2000 });
  } catch (error) {
    return { checks: [...checks, failure(error, paths)], newestEvent: null };
  }
  try {
    const rows = (db.pragma('quick_check') as Array<Record<string, unknown>>).map((row) => String(Object.values(row)[0]));
    if (rows.length === 1 && rows[0] === 'ok') checks.push(check('database', 'integrity', 'ok', 'quick_check: ok'));
    else {
      checks.push(
        check('database', 'integrity', 'problem', `${tilde(paths.db)} fails quick_check (${rows.length} finding${rows.length === 1 ? '' : 's'})`, {
          detail: rows.slice(0, 3).join('; '),
          fix: restoreFix(paths),
        }),
      );
    }
    checks.push(schemaCheck(db.pragma('user_version', { simple: true }) as number, latest, daemonRunning));
    return { checks, newestEvent: newestEventTime(db) };
  } catch (error) {
    return { checks: [...checks, failure(error, paths)], newestEvent: null };
  } finally {
    db.close();
  }
}

function newestEventTime(db: Database.Database): string | null {
  try {
    const row = db.prepare('SELECT time FROM events ORDER BY seq DESC LIMIT 1').get() as { time?: unknown } | undefined;
    return typeof row?.time === 'string' ? row.time : null;
  } catch {
    return null; // no events table yet (schema 0)
  }
}
