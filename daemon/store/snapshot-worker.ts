// The thread that copies the database for a backup, so neither the copy nor its final fsync holds the daemon's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { backupDatabaseFile, finishCopy } from './snapshots.js';

const { source, dest } = workerData as { source: string; dest: string };
backupDatabaseFile(source, dest)
  .then(() => parentPort!.postMessage({ ok: true, facts: finishCopy(dest) }))
  .catch((error: unknown) => {
    const { message, code } = error as { message?: string; code?: string };
    parentPort!.postMessage({ ok: false, message: message ?? String(error), code: code ?? null });
  });
