// Writes one backup archive: a consistent copy of the database, the keys and the config, and what they hold.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StatePaths } from '../../rpc/paths.js';
import type { CopyFacts } from '../store/snapshots.js';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, writeArchive, type ArchiveFile, type BackupManifest } from './archive.js';

import type { BackupReason } from './names.js';

export interface BackupSummary {
  path: string;
  /** Size of the archive. */
  bytes: number;
  /** Size of the database copy inside it, before compression. */
  database_bytes: number;
  created_at: string;
  brains_version: string;
  schema_version: number;
  reason: BackupReason;
  counts: Record<string, number>;
  files: string[];
  duration_ms: number;
}

export interface BackupOptions {
  paths: StatePaths;
  out: string;
  reason: BackupReason;
  version: string;
  /** Copies the database to `dest` and says what the copy holds (snapshotInThread). */
  copyDatabase: (dest: string) => Promise<CopyFacts>;
}

/** Make the archive at `out` (0600, written whole or not at all); the database copy beside it is removed either way. */
export async function writeBackup(opts: BackupOptions): Promise<BackupSummary> {
  const started = performance.now();
  const createdAt = new Date().toISOString();
  if (opts.out.startsWith(opts.paths.backupsDir)) await mkdir(opts.paths.backupsDir, { recursive: true, mode: 0o700 });
  const copy = join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.db`);
  try {
    const facts = await opts.copyDatabase(copy);
    const databaseBytes = (await stat(copy)).size;
    const files: ArchiveFile[] = [{ name: 'brains.db', mode: 0o600, bytes: databaseBytes, path: copy }, ...stateFiles(opts.paths)];
    const manifest: BackupManifest = {
      format: ARCHIVE_FORMAT,
      format_version: ARCHIVE_FORMAT_VERSION,
      created_at: createdAt,
      brains_version: opts.version,
      schema_version: facts.schema_version,
      reason: opts.reason,
      counts: facts.counts,
      files: files.map((file) => ({ name: file.name, bytes: file.bytes })),
    };
    await writeArchive(opts.out, manifest, files);
    return {
      path: opts.out,
      bytes: (await stat(opts.out)).size,
      database_bytes: databaseBytes,
      created_at: createdAt,
      brains_version: opts.version,
      schema_version: facts.schema_version,
      reason: opts.reason,
      counts: facts.counts,
      files: manifest.files.map((file) => file.name),
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(`${copy}${suffix}`, { force: true })));
  }
}

/** The keys and config files, read now (they are small) so the archive holds one moment of each. */
function stateFiles(paths: StatePaths): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  const add = (name: string, path: string) => {
    const data = readFileSync(path);
    files.push({ name, mode: 0o600, bytes: data.length, data });
  };
  if (existsSync(paths.keysDir)) {
    for (const name of readdirSync(paths.keysDir).sort()) {
      const path = join(paths.keysDir, name);
      if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(name) && statSync(path).isFile()) add(`keys/${name}`, path);
    }
  }
  for (const name of ['config.json', 'gateway.json']) {
    const path = join(paths.home, name);
    if (existsSync(path)) add(name, path);
  }
  return files;
}
