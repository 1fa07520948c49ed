// `brains backup` and `brains restore`: one archive of the state, made while the daemon runs, put back with a safety copy.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrainsClient } from '../../rpc/client.js';
import { startDaemon } from '../../rpc/autostart.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { clearStopped, markStopped, stoppedByUser } from '../../rpc/stopped.js';
import type { Result } from '../../rpc/contract/index.js';
import { writeBackup, type BackupSummary } from '../../daemon/backup/make.js';
import { backupTargetProblem, freshBackupPath } from '../../daemon/backup/names.js';
import { BackupArchiveError } from '../../daemon/backup/archive.js';
import { discardStaged, stageRestore, swapIn, undoSwap, type StagedRestore } from '../../daemon/backup/restore.js';
import { acquireInstanceLock } from '../../daemon/lifecycle/instance-lock.js';
import { snapshotInThread } from '../../daemon/store/snapshots.js';
import { VERSION } from '../../daemon/version.js';
import { EXIT } from './exit-codes.js';
import { parseFlags, printUsageError } from './flags.js';
import { stopDaemonForMaintenance } from './stop-daemon.js';

export async function backupCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('backup', argv, { json: { type: 'boolean' } }, true);
  if (!parsed) return EXIT.USAGE;
  if (parsed.values.help) return (await import('./help.js')).helpCommand(['backup']);
  if (parsed.positionals.length > 1) return printUsageError('backup', `it takes one FILE, not ${parsed.positionals.length}`);
  const paths = statePaths();
  const out = targetPath(parsed.positionals[0]);
  if (out !== null) {
    const problem = backupTargetProblem(out);
    if (problem) return failed('backup', problem.message);
  }
  let summary: BackupSummary;
  let live: boolean;
  try {
    ({ summary, live } = await makeBackup(paths, out));
  } catch (error) {
    return failed('backup', error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, daemon_running: live })}\n`);
    return EXIT.OK;
  }
  process.stdout.write(
    [
      `brains backup: wrote ${summary.path} (${size(summary.bytes)}; database ${size(summary.database_bytes)}, schema ${summary.schema_version})`,
      `  holds    ${describeCounts(summary.counts)}`,
      `  files    ${summary.files.join(', ')}`,
      `  taken    in ${(summary.duration_ms / 1000).toFixed(1)} s ${live ? 'while the daemon ran (calls went on)' : 'from the database file (no daemon was running)'}`,
      `restore it with: brains restore ${summary.path}`,
      '',
    ].join('\n'),
  );
  return EXIT.OK;
}

/** The archive path: FILE made absolute (a folder gets a fresh name inside it), or null for the daemon's default. */
function targetPath(file: string | undefined): string | null {
  if (file === undefined) return null;
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) return freshBackupPath(path, 'manual', null);
  return path;
}

/** Through the daemon when it runs (its own connection sees every write); else straight from the file, no daemon started. */
async function makeBackup(paths: StatePaths, out: string | null): Promise<{ summary: BackupSummary; live: boolean }> {
  let client: BrainsClient | null = null;
  try {
    client = await BrainsClient.connect(paths.socket);
  } catch {
    client = null;
  }
  if (client) {
    try {
      return { summary: await client.call('daemon.backup', out === null ? {} : { path: out }), live: true };
    } finally {
      await client.close();
    }
  }
  if (!existsSync(paths.db)) throw new Error(`there is nothing to back up: no database at ${paths.db} (brains has not run with this state dir)`);
  const target = out ?? freshBackupPath(paths.backupsDir, 'manual', null);
  const summary = await writeBackup({ paths, out: target, reason: 'manual', version: VERSION, copyDatabase: (dest) => snapshotInThread(paths.db, dest) });
  return { summary, live: false };
}

export async function restoreCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('restore', argv, { check: { type: 'boolean' }, json: { type: 'boolean' } }, true);
  if (!parsed) return EXIT.USAGE;
  if (parsed.values.help) return (await import('./help.js')).helpCommand(['restore']);
  if (parsed.positionals.length !== 1) return printUsageError('restore', parsed.positionals.length === 0 ? 'name the backup FILE to restore' : 'it takes one FILE');
  const archive = resolve(parsed.positionals[0]!);
  const paths = statePaths();
  const say = (line: string) => {
    if (!parsed.values.json) process.stdout.write(`${line}\n`);
  };
  let staged: StagedRestore;
  try {
    staged = await stageRestore(archive, paths);
  } catch (error) {
    return failed('restore', error instanceof BackupArchiveError ? `${archive}: ${error.message}` : (error as Error).message);
  }
  const made = staged.manifest;
  say(`${archive}: a backup made ${made.created_at} by brains ${made.brains_version}, schema ${staged.schemaVersion}; it checks out`);
  say(`  holds    ${describeCounts(staged.counts)}`);
  if (parsed.values.check) {
    discardStaged(staged);
    if (parsed.values.json) process.stdout.write(`${JSON.stringify({ checked: true, restored: false, archive, manifest: made, counts: staged.counts })}\n`);
    return EXIT.OK;
  }

  const wasStopped = stoppedByUser(paths);
  // Marked first, so no agent's client starts the daemon again between its stop and the swap.
  markStopped(paths);
  const undoMark = () => (wasStopped ? undefined : clearStopped(paths));
  let wasRunning: boolean;
  try {
    wasRunning = await stopDaemonForMaintenance(paths);
  } catch (error) {
    discardStaged(staged);
    undoMark();
    return failed('restore', `${(error as Error).message}; nothing was restored`);
  }
  const lock = acquireInstanceLock(paths.instanceLock);
  if (!lock) {
    discardStaged(staged);
    undoMark();
    return failed('restore', 'a daemon started again for this state dir while the restore waited; run brains down, then brains restore again');
  }
  let kept: string;
  try {
    kept = swapIn(staged, paths);
  } catch (error) {
    undoMark();
    return failed('restore', `${(error as Error).message}; nothing was restored`);
  } finally {
    lock.release();
  }
  say(`  replaced state kept in ${kept}`);
  clearStopped(paths);
  try {
    await startDaemon(paths, process.env);
  } catch (error) {
    undoSwap(kept, paths);
    const again = wasRunning ? await startDaemon(paths, process.env).then(() => ' and started the daemon again', () => '') : '';
    return failed('restore', `the daemon would not start on the restored state (${(error as Error).message}); put the previous state back${again}`);
  }
  say(`  daemon started on the restored state${wasRunning ? '' : ' (it was not running before; brains down stops it)'}`);
  const verified = await verifyAudit(paths);
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify({ checked: true, restored: true, archive, manifest: made, counts: staged.counts, replaced_state: kept, audit: verified })}\n`);
  } else if (verified.ok) {
    say(`  audit.verify: ok (${verified.checked} rows chained)`);
  } else {
    say(`  audit.verify: BROKEN at seq ${verified.first_broken_seq}: ${verified.reason}`);
  }
  return verified.ok ? EXIT.OK : EXIT.METHOD_ERROR;
}

async function verifyAudit(paths: StatePaths): Promise<Result<'audit.verify'>> {
  const client = await BrainsClient.connect(paths.socket);
  try {
    return await client.call('audit.verify');
  } finally {
    await client.close();
  }
}

function failed(command: 'backup' | 'restore', message: string): number {
  process.stderr.write(`brains ${command}: ${message}\n`);
  return EXIT.METHOD_ERROR;
}

/** "1,000 messages, 3 projects, …": the kinds with rows, biggest first. */
export function describeCounts(counts: Record<string, number>): string {
  const shown = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `${n.toLocaleString('en-US')} ${n === 1 ? singular(kind) : kind.replace(/_/g, ' ')}`);
  return shown.length > 0 ? shown.join(', ') : 'nothing yet (an empty state)';
}

/** "audit_rows" -> "audit row", "messages" -> "message". */
function singular(kind: string): string {
  return kind.replace(/_/g, ' ').replace(/s$/, '');
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
