// File plumbing for wire: read exact bytes, back up, write atomically keeping the mode, and the record of what wire added ($BRAINS_HOME/wire.json).
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MalformedError } from './jsonc.js';

export interface FileState {
  /** null when the file does not exist. */
  text: string | null;
  mode: number | null;
}

export function readState(path: string): FileState {
  if (!existsSync(path)) return { text: null, mode: null };
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new MalformedError('not UTF-8 text');
  return { text, mode: statSync(path).mode & 0o7777 };
}

export function sha256(text: string | null): string | null {
  return text === null ? null : createHash('sha256').update(text, 'utf8').digest('hex');
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** Copies the file to `<file>.bak-<timestamp>` (same mode) and returns the backup's path. */
export function backup(path: string): string {
  const base = `${path}.bak-${stamp(new Date())}`;
  let target = base;
  for (let n = 1; existsSync(target); n++) target = `${base}-${n}`;
  copyFileSync(path, target);
  chmodSync(target, statSync(path).mode & 0o7777);
  return target;
}

/** Writes through a temp file in the same directory and a rename, so readers see the old or the new file, never half. */
export function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${path.split('/').pop() ?? 'file'}.brains-${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** What wire did to one file, so unwire can undo exactly that. */
export interface FileRecord {
  tool: string;
  role: string;
  /** sha256 of the file before wire first touched it; null when wire created the file. */
  before_sha256: string | null;
  after_sha256: string;
  /** The file's mode before wire first touched it (null when wire created it): restored with the bytes. */
  before_mode?: number | null;
  /** A copy of the bytes before wire (null when wire created the file). */
  backup: string | null;
  /** What we wrote, so a later run can tell our entry from someone else's. */
  entry: unknown;
  /** Containers (JSON paths) we created around our entry, pruned on unwire when empty. */
  created: string[][];
  wired_at: string;
}

export interface WireRecord {
  version: 1;
  files: Record<string, FileRecord>;
}

export function recordPath(stateHome: string): string {
  return join(stateHome, 'wire.json');
}

export function loadRecord(stateHome: string): WireRecord {
  const path = recordPath(stateHome);
  if (!existsSync(path)) return { version: 1, files: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as WireRecord;
    if (parsed && typeof parsed.files === 'object' && parsed.files !== null) return { version: 1, files: parsed.files };
  } catch {
    // A damaged record is treated as empty: wire can still recognise its own entries by content.
  }
  return { version: 1, files: {} };
}

export function saveRecord(stateHome: string, record: WireRecord): void {
  mkdirSync(stateHome, { recursive: true, mode: 0o700 });
  writeAtomic(recordPath(stateHome), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}
