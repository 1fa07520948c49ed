// Reads a log and its rotated copies back for brains logs: the last N lines across files, every line, and new lines as they come.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { rotatedLogPath, rotatedLogs } from '../../rpc/log-files.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** The size of the log and its newest copy's identity, taken together: where reading stopped, and what following starts from. */
export interface LogMark {
  /** The offset after the log's last complete line (0 when there is no log). */
  offset: number;
  /** The log file's inode, or null when there is none yet. */
  ino: number | null;
  /** What logPath.1 looked like: it changes when the log rotates. */
  newest: string;
}

export function markOf(logPath: string): LogMark {
  const newest = identity(rotatedLogPath(logPath, 1))?.signature ?? '';
  const stat = identity(logPath);
  return stat ? { offset: completeEnd(logPath, stat.size), ino: stat.ino, newest } : { offset: 0, ino: null, newest };
}

/**
 * The last `count` lines `keep` accepts, oldest first: from the log (up to mark.offset), then back into logPath.1, .2 …
 * Empty lines are skipped.
 */
export function lastLines(logPath: string, mark: LogMark, count: number, keep: (line: string) => boolean): string[] {
  const found: string[] = [];
  if (count <= 0) return found;
  const files = [{ path: logPath, end: mark.offset }, ...rotatedLogs(logPath).map(({ path }) => ({ path, end: undefined }))];
  for (const file of files) {
    for (const line of linesBackward(file.path, file.end)) {
      if (!keep(line)) continue;
      found.push(line);
      if (found.length >= count) return found.reverse();
    }
  }
  return found.reverse();
}

/** Every line of every kept file, oldest file first, the log itself up to mark.offset last. */
export function everyLine(logPath: string, mark: LogMark, onLine: (line: string) => void): void {
  for (const { path } of rotatedLogs(logPath).reverse()) readLines(path, 0, undefined, onLine);
  readLines(logPath, 0, mark.offset, onLine);
}

/**
 * Polls the log every interval and hands over each new complete line until stop() is called. It carries on through a
 * copy-truncate rotation (the log shrank, logPath.1 is new: the rest of the old lines are read from .1, then the log from
 * 0), a rename (a new inode), and a log that does not exist yet.
 */
export function followLog(logPath: string, from: LogMark, onLine: (line: string) => void, intervalMs = 200): { stop: () => void; done: Promise<void> } {
  let { offset, ino, newest } = from;
  let waited = false;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const poll = () => {
    const copy = identity(rotatedLogPath(logPath, 1));
    const stat = identity(logPath);
    // A new logPath.1 (not one that went away while the copies shift) means the log rotated.
    const rotated = ino !== null && copy !== null && copy.signature !== newest;
    if (rotated && stat?.ino === ino && stat.size >= copy.size && !waited) {
      // Copied but not truncated yet: one more round, or these lines would be read twice.
      waited = true;
      timer = setTimeout(poll, intervalMs);
      return;
    }
    waited = false;
    if (rotated) {
      // The lines not read yet went into logPath.1 (a copy, or the renamed file itself), at the same offsets.
      readLines(rotatedLogPath(logPath, 1), offset, undefined, onLine);
      offset = 0;
    } else if (!stat || stat.ino !== ino || stat.size < offset) {
      offset = 0;
    }
    newest = copy?.signature ?? '';
    ino = stat?.ino ?? null;
    if (stat && stat.size > offset) offset = readLines(logPath, offset, stat.size, onLine);
    timer = setTimeout(poll, intervalMs);
  };
  timer = setTimeout(poll, intervalMs);
  return {
    stop: () => {
      clearTimeout(timer);
      finish();
    },
    done,
  };
}

/** Lines of the file between two offsets, each complete one handed over; returns the offset after the last complete line. */
export function readLines(path: string, from: number, to: number | undefined, onLine: (line: string) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return from;
  }
  try {
    const end = to ?? fstatSync(fd).size;
    let pos = from;
    let carry = Buffer.alloc(0);
    let consumed = from;
    while (pos < end) {
      const chunk = Buffer.alloc(Math.min(CHUNK, end - pos));
      const got = readSync(fd, chunk, 0, chunk.length, pos);
      if (got === 0) break;
      pos += got;
      const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let start = 0;
      for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, start)) {
        if (i > start) onLine(buffer.subarray(start, i).toString('utf8'));
        start = i + 1;
      }
      consumed = pos - (buffer.length - start);
      carry = Buffer.from(buffer.subarray(start));
    }
    // A whole file read to its end keeps its last line even without a newline; a growing one waits for it.
    if (to === undefined && carry.length > 0) {
      onLine(carry.toString('utf8'));
      consumed = pos;
    }
    return consumed;
  } finally {
    closeSync(fd);
  }
}

/** The file's lines from `end` (or its size) back to its start, newest first; empty lines skipped. */
function* linesBackward(path: string, end: number | undefined): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    let pos = end ?? fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    while (pos > 0) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, pos);
      const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let stop = buffer.length;
      for (let i = buffer.lastIndexOf(NEWLINE, stop - 1); i !== -1; i = stop > 0 ? buffer.lastIndexOf(NEWLINE, stop - 1) : -1) {
        if (stop > i + 1) yield buffer.subarray(i + 1, stop).toString('utf8');
        stop = i;
      }
      carry = Buffer.from(buffer.subarray(0, stop));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The offset after the last newline at or before size: a line still being written is left for later. */
function completeEnd(path: string, size: number): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    let pos = size;
    while (pos > 0) {
      const length = Math.min(CHUNK, pos);
      pos -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, pos);
      const at = chunk.lastIndexOf(NEWLINE);
      if (at !== -1) return pos + at + 1;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}

/** A file's inode, size and a signature that differs after every rotation (which makes a new file), or null when it does not exist. */
function identity(path: string): { ino: number; size: number; signature: string } | null {
  try {
    const stat = statSync(path, { bigint: true });
    return { ino: Number(stat.ino), size: Number(stat.size), signature: `${stat.ino}:${stat.size}:${stat.mtimeNs}` };
  } catch {
    return null;
  }
}
