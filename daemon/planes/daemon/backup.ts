// daemon.backup: one archive at a time, written where the operator asked, with errors that say what to change.
import { dirname } from 'node:path';
import { BrainsError } from '../../../rpc/errors.js';
import type { BackupSummary } from '../../backup/make.js';
import { backupTargetProblem, freshBackupPath, type BackupReason } from '../../backup/names.js';
import type { PlaneDeps } from '../shared/deps.js';
import { snapshotInThread } from '../../store/snapshots.js';

let writing: string | null = null;

/** Where the archive goes: the given absolute path (new, in an existing folder) or a fresh name in the backups folder. */
export function backupTarget(deps: PlaneDeps, path: string | undefined, reason: BackupReason): string {
  if (path === undefined) return freshBackupPath(deps.paths.backupsDir, reason, null);
  const problem = backupTargetProblem(path);
  if (problem) throw new BrainsError(problem.code, problem.message, { param: 'path' });
  return path;
}

/** Write a backup while the daemon runs (the copy on a thread of its own); a second one asked for meanwhile is refused, not queued. */
export async function backupNow(deps: PlaneDeps, out: string, reason: BackupReason): Promise<BackupSummary> {
  if (writing !== null) throw new BrainsError('CONFLICT', `a backup is being written already (${writing}); wait for it to finish`);
  writing = out;
  try {
    // Loaded on the first backup: the archive code and zlib stay out of a daemon that never makes one.
    const { writeBackup } = await import('../../backup/make.js');
    return await writeBackup({ paths: deps.paths, out, reason, version: deps.version, copyDatabase: (dest) => snapshotInThread(deps.paths.db, dest) });
  } catch (error) {
    throw backupFault(error, dirname(out));
  } finally {
    writing = null;
  }
}

/** A file-system failure as what the operator should do about it. */
function backupFault(error: unknown, folder: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? (error as { code?: string } | null)?.code;
  if (code === 'EEXIST') return new BrainsError('CONFLICT', (error as Error).message);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    return new BrainsError('UNAVAILABLE', `no space left on the device holding ${folder}; free some space or write the backup elsewhere (brains backup FILE)`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
    return new BrainsError('PERMISSION_DENIED', `cannot write the backup in ${folder}: not writable by the daemon; choose a folder you can write`);
  }
  return error;
}
