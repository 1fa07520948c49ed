// Scheduled backups: every backup_every_hours the daemon writes one into backups/ and keeps the newest backup_keep of them.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BrainsError } from '../../../rpc/errors.js';
import { freshBackupPath } from '../../backup/names.js';
import type { Service } from '../../services/registry.js';
import type { PlaneDeps } from '../shared/deps.js';
import { backupNow } from './backup.js';

/** How often the schedule is looked at when backups are off or far apart: a config.set takes effect within this. */
const LONGEST_CHECK_MS = 5_000;
const SCHEDULED_NAME = /^scheduled-\d{8}T\d{6}Z(-\d+)?\.tar\.gz$/;

export function scheduledBackups(deps: PlaneDeps): Service {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const everyMs = () => deps.settings.get('backup_every_hours') * 3_600_000;
  const arm = () => {
    if (!running) return;
    const every = everyMs();
    timer = setTimeout(() => void tick(), every > 0 ? Math.min(LONGEST_CHECK_MS, Math.max(250, every / 4)) : LONGEST_CHECK_MS);
    timer.unref();
  };
  const tick = async () => {
    timer = null;
    try {
      await backupIfDue(deps, everyMs());
    } catch (error) {
      deps.log.warn('a scheduled backup failed; it is tried again at the next check', { error: error instanceof Error ? error.message : String(error) });
    }
    arm();
  };
  return {
    name: 'scheduled-backups',
    start() {
      running = true;
      arm();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

async function backupIfDue(deps: PlaneDeps, everyMs: number): Promise<void> {
  if (everyMs <= 0) return;
  const newest = scheduledBackupFiles(deps.paths.backupsDir).at(-1);
  if (newest && Date.now() - statSync(newest).mtimeMs < everyMs) return;
  const out = freshBackupPath(deps.paths.backupsDir, 'scheduled', null);
  try {
    const summary = await backupNow(deps, out, 'scheduled');
    deps.log.info('scheduled backup written', { path: summary.path, bytes: summary.bytes });
  } catch (error) {
    // A backup the operator started is being written: this one waits for the next check.
    if (error instanceof BrainsError && error.appCode === 'CONFLICT') return;
    throw error;
  }
  const all = scheduledBackupFiles(deps.paths.backupsDir);
  for (const old of all.slice(0, Math.max(0, all.length - deps.settings.get('backup_keep')))) rmSync(old, { force: true });
}

/** The scheduled backups in the folder, oldest first. */
export function scheduledBackupFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => SCHEDULED_NAME.test(name))
    .map((name) => ({ path: join(folder, name), mtime: statSync(join(folder, name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path))
    .map((file) => file.path);
}
