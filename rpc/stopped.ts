// `brains down` leaves a mark in the state dir so that clients nobody typed (brains mcp, hooks) do not quietly start the
// daemon again; `brains up` (or any daemon that starts) clears it.
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { DaemonUnreachableError } from './client.js';
import type { StatePaths } from './paths.js';

export const STOPPED_MESSAGE = 'brains is stopped; run brains up';

/** What an automatic client gets instead of starting a daemon the user stopped. */
export class DaemonStoppedError extends DaemonUnreachableError {
  constructor() {
    super(STOPPED_MESSAGE);
    this.name = 'DaemonStoppedError';
  }
}

export function markStopped(paths: StatePaths, now: Date = new Date()): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  writeFileSync(paths.stoppedMarker, `stopped with brains down at ${now.toISOString()}; brains up removes this file\n`, { mode: 0o600 });
}

/** Best effort: a mark that cannot be removed only means automatic clients keep asking for brains up. */
export function clearStopped(paths: StatePaths): void {
  try {
    unlinkSync(paths.stoppedMarker);
  } catch {
    /* not there, or not ours to remove */
  }
}

export function stoppedByUser(paths: StatePaths): boolean {
  return existsSync(paths.stoppedMarker);
}
