// Restoring a backup: unpack and check it beside the state first, then swap it in by renames, keeping what it replaces.
import { existsSync, mkdirSync, renameSync, rmSync, statfsSync, statSync, chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../../rpc/paths.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.js';
import { checkCopy } from '../store/snapshots.js';
import { BackupArchiveError, extractArchive, type BackupManifest } from './archive.js';

/** Room kept free beyond the unpacked files: SQLite's write-ahead log and the daemon's first writes need some. */
const SPARE_BYTES = 16 * 1024 * 1024;
/** What a restore replaces, in the order it is moved aside. */
const STATE_ENTRIES = ['brains.db', 'brains.db-wal', 'brains.db-shm', 'keys', 'config.json', 'gateway.json'] as const;

export interface StagedRestore {
  /** The staging directory beside the state (same device, so the swap is renames). */
  dir: string;
  manifest: BackupManifest;
  files: Map<string, string>;
  /** What the database in the archive holds, read from the database itself. */
  schemaVersion: number;
  counts: Record<string, number>;
}

/** Unpack and check an archive without touching the state: on any problem the staging directory is gone and it throws. */
export async function stageRestore(archive: string, paths: StatePaths): Promise<StagedRestore> {
  if (!existsSync(archive)) throw new BackupArchiveError(`there is no file ${archive}`);
  if (!statSync(archive).isFile()) throw new BackupArchiveError(`${archive} is not a file`);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const dir = join(paths.home, `.restore-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { mode: 0o700 });
  try {
    const { manifest, files } = await extractArchive(archive, dir, (manifest) => {
      refuseNewerSchema(manifest.schema_version, manifest.brains_version);
      requireSpace(paths.home, manifest.files.reduce((sum, file) => sum + file.bytes, 0));
    });
    if (!files.has('brains.db')) throw new BackupArchiveError('it holds no brains.db');
    if (!files.has('keys/audit.key')) {
      throw new BackupArchiveError('it holds no keys/audit.key: without the key the audit chain of its database cannot be verified; use a backup brains backup wrote');
    }
    const check = checkCopy(files.get('brains.db')!);
    if (!check.ok) throw new BackupArchiveError(`its database is damaged: ${check.problem}`);
    refuseNewerSchema(check.schema_version, manifest.brains_version);
    return { dir, manifest, files, schemaVersion: check.schema_version, counts: check.counts };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw explainWriteError(error, paths.home);
  }
}

/** Drop a staged restore that will not be used (brains restore --check). */
export function discardStaged(staged: StagedRestore): void {
  rmSync(staged.dir, { recursive: true, force: true });
}

/**
 * Move the current state into backups/replaced-<time>/ and the staged files into its place. The daemon must be stopped (the
 * caller holds its instance lock). A failure halfway moves everything back. Returns where the replaced state is kept.
 */
export function swapIn(staged: StagedRestore, paths: StatePaths, now = new Date()): string {
  const kept = join(paths.backupsDir, `replaced-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
  mkdirSync(kept, { recursive: true, mode: 0o700 });
  const moved: Array<[from: string, to: string]> = [];
  const move = (from: string, to: string) => {
    renameSync(from, to);
    moved.push([from, to]);
  };
  try {
    for (const name of STATE_ENTRIES) {
      const current = join(paths.home, name);
      if (existsSync(current)) move(current, join(kept, name));
    }
    for (const name of ['brains.db', 'keys', 'config.json', 'gateway.json']) {
      const incoming = join(staged.dir, name);
      if (existsSync(incoming)) move(incoming, join(paths.home, name));
    }
    chmodSync(join(paths.home, 'keys'), 0o700);
    for (const key of readdirSync(join(paths.home, 'keys'))) chmodSync(join(paths.home, 'keys', key), 0o600);
    chmodSync(paths.db, 0o600);
  } catch (error) {
    for (const [from, to] of moved.reverse()) renameSync(to, from);
    rmSync(kept, { recursive: true, force: true });
    throw explainWriteError(error, paths.home);
  } finally {
    rmSync(staged.dir, { recursive: true, force: true });
  }
  return kept;
}

/** Put back the state a restore replaced (its daemon would not start): the restored files are dropped. */
export function undoSwap(kept: string, paths: StatePaths): void {
  for (const name of STATE_ENTRIES) {
    const restored = join(paths.home, name);
    const previous = join(kept, name);
    rmSync(restored, { recursive: true, force: true });
    if (existsSync(previous)) renameSync(previous, restored);
  }
  rmSync(kept, { recursive: true, force: true });
}

function refuseNewerSchema(found: number, madeBy: string): void {
  if (found > LATEST_SCHEMA_VERSION) {
    throw new BackupArchiveError(`its database is schema version ${found} (made by brains ${madeBy}), newer than this brains understands (up to ${LATEST_SCHEMA_VERSION}); upgrade brains, then restore`);
  }
}

function requireSpace(home: string, bytes: number): void {
  const fs = statfsSync(home);
  const free = fs.bavail * fs.bsize;
  if (free < bytes + SPARE_BYTES) {
    throw new BackupArchiveError(`restoring it needs ${mib(bytes + SPARE_BYTES)} free on the device holding ${home}, which has ${mib(free)}; free some space`);
  }
}

function explainWriteError(error: unknown, home: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new BackupArchiveError(`no space left on the device holding ${home} while unpacking; free some space, nothing was changed`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new BackupArchiveError(`the state directory ${home} is not writable (${code}); nothing was changed`);
  return error;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
