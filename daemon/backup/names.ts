// Backup archives' names and where one may be written: light enough for the daemon to load at start (no zlib, no threads).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

export type BackupReason = 'manual' | 'scheduled' | 'pre-migration';

/** A new archive path in `folder` for a backup made now: sortable, saying why it was made, never one that exists. */
export function freshBackupPath(folder: string, reason: BackupReason, schemaVersion: number | null, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const prefix = reason === 'manual' ? 'brains' : reason === 'scheduled' ? 'scheduled' : `pre-migration-v${schemaVersion ?? 0}`;
  for (let n = 1; ; n += 1) {
    const path = join(folder, `${prefix}-${stamp}${n === 1 ? '' : `-${n}`}.tar.gz`);
    if (!existsSync(path)) return path;
  }
}

/** Why an archive cannot be written at `path` (absolute, new, in an existing folder), or null when it can. */
export function backupTargetProblem(path: string): { code: 'INVALID' | 'CONFLICT' | 'NOT_FOUND'; message: string } | null {
  if (path.trim() === '' || /[\0\n\r]/.test(path)) return { code: 'INVALID', message: 'path must be a file path (no line breaks or NUL); leave it out for $BRAINS_HOME/backups' };
  if (!isAbsolute(path)) return { code: 'INVALID', message: `path must be absolute, not ${JSON.stringify(path)}; brains backup FILE makes it absolute for you` };
  if (existsSync(path)) return { code: 'CONFLICT', message: `${path} already exists; choose a new name (a backup never overwrites a file)` };
  const folder = dirname(path);
  if (!existsSync(folder)) return { code: 'NOT_FOUND', message: `the folder ${folder} does not exist; create it first` };
  if (!statSync(folder).isDirectory()) return { code: 'INVALID', message: `${folder} is a file, not a folder; name a file in a folder` };
  return null;
}

