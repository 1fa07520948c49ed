// The checkpoint thread: its own connection folds the write-ahead log back into the database file, so the event loop
// never waits for a checkpoint's copies and fsyncs (about 20 ms here, once every few hundred writes).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { RESTART_WAL_FRAMES } from './open.js';
import { RestartGate } from './restart-gate.js';

export interface FoldAnswer {
  ok: boolean;
  /** Frames in the log and frames copied back, as PRAGMA wal_checkpoint reports them. */
  log?: number;
  checkpointed?: number;
  /** The log was folded whole with the writers held back, so the next commit writes it from its start again. */
  restarted?: boolean;
  error?: string;
  code?: string;
}

/** Passive passes after the first, each copying what the writers added during the one before, while they keep up. */
const CATCH_UP_PASSES = 4;
/** Frames left over that the writers may be held back for while they are copied. */
const CATCH_UP_FRAMES = 256;
/** A log this many times its limit is started over even if the passes could not bring the remainder down. */
const FAR_PAST_LIMIT = 4;
/** Tries at the restart while the daemon (or another process) writes, or a reader still reads the log, and the pause between. */
const RESTART_TRIES = 20;
const RESTART_RETRY_MS = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * Under steady writes a passive fold never catches up with the writer: the log never starts over, and its file grows
 * by every frame written (hundreds of MB a minute, each new block zeroed by the file system first). So once the log is
 * long enough (RESTART_WAL_FRAMES), passive passes bring the remainder down, and a RESTART folds the rest while
 * holding the writers back for just that remainder (a few ms); the daemon's commits wait for it at the gate.
 */
export function fold(db: Database.Database, restartFromFrames = RESTART_WAL_FRAMES, gate?: RestartGate): FoldAnswer {
  // PASSIVE never waits for the daemon's own reads or writes, and never holds them up.
  const passive = () => (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[])[0]!;
  let row = passive();
  if (row.log < restartFromFrames) return { ok: true, log: row.log, checkpointed: row.checkpointed, restarted: false };
  for (let pass = 0; pass < CATCH_UP_PASSES && row.log - row.checkpointed > CATCH_UP_FRAMES; pass += 1) row = passive();
  // Writers faster than the copy: held back for a longer remainder only once the log is far past its limit.
  const farPast = row.log >= FAR_PAST_LIMIT * restartFromFrames;
  if (row.log - row.checkpointed > CATCH_UP_FRAMES && !farPast) return { ok: true, log: row.log, checkpointed: row.checkpointed, restarted: false };
  // No busy wait inside SQLite: the gate is closed only while a try holds the write lock, never while waiting for it.
  db.pragma('busy_timeout = 0');
  let restart = row;
  for (let attempt = 0; attempt < RESTART_TRIES; attempt += 1) {
    if (attempt > 0) Atomics.wait(pause, 0, 0, RESTART_RETRY_MS);
    gate?.closing();
    try {
      restart = (db.pragma('wal_checkpoint(RESTART)') as CheckpointRow[])[0]!;
    } finally {
      gate?.opened();
    }
    if (restart.busy === 0) break;
  }
  return { ok: true, log: restart.log, checkpointed: restart.checkpointed, restarted: restart.busy === 0 };
}

const port = parentPort;
if (port) {
  /** `restartFromFrames`: the log's length from which a fold starts it over (tests make it short). */
  const { path, restartFromFrames, gate } = workerData as { path: string; restartFromFrames?: number; gate?: SharedArrayBuffer };
  const restartGate = gate ? new RestartGate(gate) : undefined;
  const db = new Database(path, { fileMustExist: true });
  port.on('message', () => {
    let answer: FoldAnswer;
    try {
      answer = fold(db, restartFromFrames, restartGate);
    } catch (error) {
      answer = { ok: false, error: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code };
    }
    port.postMessage(answer);
  });
  port.once('close', () => db.close());
}
