// brains backup of the big store (a million messages; quick: 100,000) beside a plain copy of the same file, and how the
// daemon answers while the backup runs.
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrainsClient } from '../rpc/client.js';
import { BRAINS_CLI, brainsEnv } from './daemon-process.js';
import { phase } from './messages-setup.js';
import { elapsedSince, median, now, percentile, sortDurations, toMillis } from './stats.js';

const run = promisify(execFile);
const ROUNDS = 3;
const PING_EVERY_MS = 5;

export interface BackupMeasurements {
  /** Wall time of `brains backup FILE` (the CLI, the daemon's online copy, the archive), ms, median of the rounds. */
  backupMs: number;
  /** A plain copy of the same database file, ms, median of the rounds. */
  copyMs: number;
  databaseBytes: number;
  archiveBytes: number;
  /** system.ping while the backups ran: p99 and worst, ms. */
  pingP99Ms: number;
  pingWorstMs: number;
}

export async function measureBackup(home: string, db: string, client: BrainsClient): Promise<BackupMeasurements> {
  await client.call('daemon.maintain');
  const databaseBytes = statSync(db).size;
  phase(`brains backup of the ${(databaseBytes / 1024 / 1024).toFixed(0)} MiB database beside a plain file copy, ${ROUNDS} rounds each`);
  const copies: bigint[] = [];
  const backups: bigint[] = [];
  const pings: bigint[] = [];
  let archiveBytes = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const copy = join(home, `plain-copy-${round}.db`);
    const started = now();
    copyFileSync(db, copy);
    copies.push(elapsedSince(started));
    rmSync(copy, { force: true });

    const archive = join(home, `bench-backup-${round}.tar.gz`);
    let backingUp = true;
    const pinging = (async () => {
      while (backingUp) {
        const sent = now();
        await client.call('system.ping');
        pings.push(elapsedSince(sent));
        await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
      }
    })();
    const began = now();
    await run(process.execPath, [BRAINS_CLI, 'backup', archive, '--json'], { env: brainsEnv(home), maxBuffer: 1024 * 1024 });
    backups.push(elapsedSince(began));
    backingUp = false;
    await pinging;
    archiveBytes = statSync(archive).size;
    rmSync(archive, { force: true });
  }
  const sortedPings = sortDurations(pings);
  return {
    backupMs: toMillis(median(sortDurations(backups))),
    copyMs: toMillis(median(sortDurations(copies))),
    databaseBytes,
    archiveBytes,
    pingP99Ms: toMillis(percentile(sortedPings, 99)),
    pingWorstMs: toMillis(sortedPings.at(-1) ?? 0n),
  };
}
