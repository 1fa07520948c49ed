// Doctor: free space on the filesystem the state lives on; SQLite fails writes, and the daemon with them, on a full disk.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { bytes, check, tilde, type Check } from './check.js';

const MiB = 1024 * 1024;
export const PROBLEM_BELOW_BYTES = 100 * MiB;
export const WARN_BELOW_BYTES = 1024 * MiB;
export const WARN_BELOW_SHARE = 0.05;

/** The verdict on `free` of `total` bytes: a problem under 100 MiB, a warning under 1 GiB or 5 %. */
export function spaceCheck(free: number, total: number, where: string): Check {
  const share = total > 0 ? free / total : 1;
  const summary = `${bytes(free)} free of ${bytes(total)} (${Math.floor(share * 100)} %) where ${where} lives`;
  if (free < PROBLEM_BELOW_BYTES) return check('disk', 'free', 'problem', summary, { detail: 'a write that finds the disk full fails, and every call that writes with it', fix: `free space on the filesystem of ${where} (df -h ${where})` });
  if (free < WARN_BELOW_BYTES || share < WARN_BELOW_SHARE) return check('disk', 'free', 'warn', summary, { fix: `free space on the filesystem of ${where} (df -h ${where})` });
  return check('disk', 'free', 'ok', summary);
}

export function diskCheck(home: string): Check {
  // A state dir not made yet lives where its nearest existing parent does.
  let dir = home;
  for (;;) {
    try {
      const stats = statfsSync(dir);
      return spaceCheck(stats.bavail * stats.bsize, stats.blocks * stats.bsize, tilde(home));
    } catch (error) {
      const parent = dirname(dir);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) {
        return check('disk', 'free', 'warn', `cannot read the free space where ${tilde(home)} lives: ${(error as Error).message}`, { fix: `df -h ${dir}` });
      }
      dir = parent;
    }
  }
}
