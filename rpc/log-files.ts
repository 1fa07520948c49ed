// The daemon log and its rotated copies (daemon.log.1 newest, .2 older …): their paths, the keep-N shift, the limits.
import { chmodSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { settingsShape } from './contract/config.js';

export interface LogLimits {
  /** Rotate once the log grows past this many bytes. */
  maxBytes: number;
  /** How many rotated copies stay (path.1 … path.keepFiles). */
  keepFiles: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = {
  maxBytes: settingsShape.log_max_bytes.parse(undefined),
  keepFiles: settingsShape.log_keep_files.parse(undefined),
};

export function rotatedLogPath(logPath: string, n: number): string {
  return `${logPath}.${n}`;
}

/** The rotated copies that exist, newest first: [{n: 1, path: '…/daemon.log.1'}, {n: 2, …}]. */
export function rotatedLogs(logPath: string): Array<{ n: number; path: string }> {
  const name = basename(logPath);
  let entries: string[];
  try {
    entries = readdirSync(dirname(logPath));
  } catch {
    return [];
  }
  return entries
    .flatMap((entry) => {
      if (!entry.startsWith(`${name}.`)) return [];
      const suffix = entry.slice(name.length + 1);
      if (!/^[1-9]\d{0,5}$/.test(suffix)) return [];
      return [{ n: Number(suffix), path: join(dirname(logPath), entry) }];
    })
    .sort((a, b) => a.n - b.n);
}

/**
 * Make room for a new path.1: path.N for every N >= keepFiles is removed (the oldest, and any left from a larger
 * keepFiles), then path.(keepFiles-1) -> path.keepFiles … path.1 -> path.2. Throws what the file system throws.
 */
export function shiftRotatedLogs(logPath: string, keepFiles: number): void {
  const existing = rotatedLogs(logPath);
  for (const { n, path } of existing) {
    if (n >= keepFiles) unlinkIfThere(path);
  }
  for (const { n, path } of existing.filter(({ n }) => n < keepFiles).reverse()) {
    renameSync(path, rotatedLogPath(logPath, n + 1));
  }
}

/**
 * Rotation before a process is started with its output appended to logPath (brains up, auto-start, brains demo): a log
 * over the limit becomes path.1, older copies shift by one. Never throws: a log that cannot rotate just grows.
 */
export function rotateBeforeAppending(logPath: string, limits: LogLimits): void {
  try {
    if (statSync(logPath).size <= limits.maxBytes) return;
    shiftRotatedLogs(logPath, limits.keepFiles);
    renameSync(logPath, rotatedLogPath(logPath, 1));
    chmodSync(rotatedLogPath(logPath, 1), 0o600);
  } catch {
    /* no log yet, or it cannot rotate: it keeps growing */
  }
}

/** log_max_bytes and log_keep_files from config.json (config.set writes them there); the defaults when unset or unreadable. */
export function logLimitsFrom(configPath: string): LogLimits {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch {
    return DEFAULT_LOG_LIMITS;
  }
  const maxBytes = settingsShape.log_max_bytes.safeParse(raw?.log_max_bytes);
  const keepFiles = settingsShape.log_keep_files.safeParse(raw?.log_keep_files);
  return {
    maxBytes: maxBytes.success ? maxBytes.data : DEFAULT_LOG_LIMITS.maxBytes,
    keepFiles: keepFiles.success ? keepFiles.data : DEFAULT_LOG_LIMITS.keepFiles,
  };
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
