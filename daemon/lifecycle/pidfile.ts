// The pidfile: tells clients and a refused second daemon which process owns the state dir.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

export function writePidfile(path: string): void {
  writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
}

export function readPidfile(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function removePidfile(path: string): void {
  try {
    if (readPidfile(path) === process.pid) unlinkSync(path);
  } catch {
    /* already gone */
  }
}
