// Doctor: whether there is a backup to restore from, and whether scheduled backups keep coming when they are on.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../../rpc/paths.js';
import { RuntimeSettings } from '../../daemon/settings.js';
import { check, tilde, type Check } from './check.js';

const BACKUP_NAME = /^(brains|scheduled|pre-migration-v\d+)-\d{8}T\d{6}Z\.tar\.gz$/;

export interface BackupFacts {
  /** The newest archive in the backups folder and its age in hours; null when there is none. */
  newest: { path: string; ageHours: number } | null;
  /** backup_every_hours (0: scheduled backups off); null when the settings cannot be read. */
  everyHours: number | null;
}

export function backupFacts(paths: StatePaths, now = Date.now()): BackupFacts {
  let everyHours: number | null = null;
  try {
    everyHours = new RuntimeSettings(paths.config).get('backup_every_hours');
  } catch {
    everyHours = null;
  }
  if (!existsSync(paths.backupsDir)) return { newest: null, everyHours };
  const archives = readdirSync(paths.backupsDir)
    .filter((name) => BACKUP_NAME.test(name))
    .map((name) => ({ path: join(paths.backupsDir, name), mtime: statSync(join(paths.backupsDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const newest = archives[0];
  return { newest: newest ? { path: newest.path, ageHours: (now - newest.mtime) / 3_600_000 } : null, everyHours };
}

/** A note on the newest backup; a warning when scheduled backups are on but none came for twice their interval. */
export function backupChecks(facts: BackupFacts, databaseExists: boolean): Check[] {
  const scheduleHint = 'brains rpc config.set key=backup_every_hours value=24 backs up every day';
  if (!facts.newest) {
    if (!databaseExists) return [];
    return [check('backups', 'newest', 'info', `no backup in the backups folder yet`, { detail: `brains backup writes one; ${scheduleHint}` })];
  }
  const hours = facts.newest.ageHours;
  const age = hours < 1 ? `${Math.max(0, Math.round(hours * 60))} min` : hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(0)} days`;
  const summary = `newest backup ${tilde(facts.newest.path)} (${age} old)`;
  const every = facts.everyHours ?? 0;
  if (every > 0 && facts.newest.ageHours > 2 * every + 0.1) {
    return [
      check('backups', 'newest', 'warn', `${summary}, though scheduled backups are every ${every} h`, {
        detail: 'the daemon is not running, or its scheduled backups fail (brains logs --level warn says why)',
        fix: 'brains up, then brains logs --level warn; brains backup makes one now',
      }),
    ];
  }
  return [check('backups', 'newest', every > 0 ? 'ok' : 'info', every > 0 ? `${summary}; scheduled every ${every} h` : summary, every > 0 ? {} : { detail: `scheduled backups are off; ${scheduleHint}` })];
}
