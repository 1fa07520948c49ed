// The checkpoint thread: its own connection folds the write-ahead log back into the database file, so the event loop
// never waits for a checkpoint's copies and fsyncs (about 20 ms here, once every few hundred writes).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface FoldAnswer {
  ok: boolean;
  /** Frames in the log and frames copied back, as PRAGMA wal_checkpoint reports them. */
  log?: number;
  checkpointed?: number;
  error?: string;
  code?: string;
}

const port = parentPort;
if (port) {
  const { path } = workerData as { path: string };
  const db = new Database(path, { fileMustExist: true });
  port.on('message', () => {
    let answer: FoldAnswer;
    try {
      // PASSIVE never waits for the daemon's own reads or writes, and never holds them up.
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
      answer = { ok: true, log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
    } catch (error) {
      answer = { ok: false, error: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code };
    }
    port.postMessage(answer);
  });
  port.once('close', () => db.close());
}
