// The write-ahead log is folded back on a thread of its own while writes come in (no commit does it), truncated once the
// daemon is idle, and folded by the commits themselves again when the thread cannot run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Store } from '../../daemon/store/index.js';
import { AUTO_CHECKPOINT_PAGES } from '../../daemon/store/open.js';
import { WalCheckpoints } from '../../daemon/services/wal-checkpoints.js';
import type { Logger } from '../../daemon/log.js';

const dir = mkdtempSync(join(tmpdir(), 'bwc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => Store.open(join(dir, `wal${++n}.sqlite`));

function recordingLog(): Logger & { lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function writeClients(store: Store, checkpoints: WalCheckpoints, count: number, prefix: string): void {
  for (let i = 0; i < count; i += 1) {
    store.transaction(() => store.sessions.ensureClient(`${prefix}-${i}`, null, new Date().toISOString()));
    checkpoints.afterCommit();
  }
}

/** The rows the database file holds on its own, without its write-ahead log: what a checkpoint has folded back. */
function clientsInFileAlone(store: Store): number {
  const copy = `${store.path}.alone`;
  copyFileSync(store.path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM clients').pluck().get() as number;
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

/** Every service the test starts is stopped, whether the test passed or not, so a failure cannot leave a thread behind. */
const started: Array<{ checkpoints: WalCheckpoints; store: Store }> = [];
after(async () => {
  for (const { checkpoints, store } of started) {
    await checkpoints.stop();
    store.close();
  }
});

function service(store: Store, log: Logger, idleMs: number, spawn?: (path: string, gate: SharedArrayBuffer) => Worker): WalCheckpoints {
  const checkpoints = spawn ? new WalCheckpoints(store, log, idleMs, spawn) : new WalCheckpoints(store, log, idleMs);
  started.push({ checkpoints, store });
  checkpoints.start();
  return checkpoints;
}

test('while writes come in, the thread folds them into the database file; no commit folds the log itself', async () => {
  const store = fresh();
  store.checkpoint();
  const log = recordingLog();
  const checkpoints = service(store, log, 60_000);
  assert.equal(store.autoCheckpointPages(), 0, 'commits leave the log to the thread');
  const before = clientsInFileAlone(store);
  writeClients(store, checkpoints, 100, 'busy');
  await until('the thread folded the log', () => checkpoints.folds >= 1);
  assert.equal(clientsInFileAlone(store), before + 100);
  assert.deepEqual(log.lines.filter((line) => line.level !== 'debug'), []);
});

test('under steady writes the log starts over from its beginning instead of growing by every frame written', async () => {
  const store = fresh();
  const restartFromFrames = 500;
  const shortLog = (path: string, gate: SharedArrayBuffer) => new Worker(new URL('../../daemon/store/checkpoint-worker.js', import.meta.url), { workerData: { path, restartFromFrames, gate } });
  const checkpoints = service(store, recordingLog(), 60_000, shortLog);
  store.limitWalFile(4 * 1024 * 1024);
  // As in the daemon: a write that finds the database locked fails at once rather than blocking.
  store.failFastWhenLocked();
  const body = 'x'.repeat(16 * 1024);
  const written = 40 * 1024 * 1024;
  let commits = 0;
  // Commits go on during every fold; one that meets the thread starting the log over waits for it rather than failing.
  for (let bytes = 0; bytes < written; bytes += body.length) {
    store.transaction(() => store.events.append('daemon.started', null, { body }));
    commits += 1;
    checkpoints.afterCommit();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.ok(checkpoints.restarts >= 1, `the log started over (${checkpoints.folds} folds, ${checkpoints.restarts} restarts)`);
  const wal = store.sizeBytes().wal;
  assert.ok(wal < written / 2, `the log file holds ${wal} bytes after ${written} bytes were written through it`);
  assert.equal(store.events.head(), commits);
});

test('a few writes are left to the idle truncate, and start no thread', async () => {
  const store = fresh();
  let spawned = 0;
  const counting = (path: string) => {
    spawned += 1;
    return new Worker(new URL('../../daemon/store/checkpoint-worker.js', import.meta.url), { workerData: { path } });
  };
  const checkpoints = service(store, recordingLog(), 300, counting);
  writeClients(store, checkpoints, 10, 'few');
  await until('the idle truncate emptied the log', () => store.sizeBytes().wal === 0);
  assert.equal(spawned, 0);
  assert.equal(clientsInFileAlone(store), 10);
});

test('an idle daemon truncates the log and lets the thread go; writes after that start it again', async () => {
  const store = fresh();
  const checkpoints = service(store, recordingLog(), 300);
  writeClients(store, checkpoints, 100, 'first');
  assert.ok(store.sizeBytes().wal > 0);
  await until('the idle truncate emptied the log', () => store.sizeBytes().wal === 0);
  const folded = checkpoints.folds;
  assert.ok(folded >= 1, 'the thread folded before the daemon went idle');
  writeClients(store, checkpoints, 100, 'second');
  await until('a new thread folded the new writes', () => checkpoints.folds > folded);
  assert.equal(clientsInFileAlone(store) >= 200, true);
});

test('a thread that cannot run hands folding back to the commits, says so once, and is tried again after an idle truncate', async () => {
  const store = fresh();
  const log = recordingLog();
  let spawned = 0;
  const broken = () => {
    spawned += 1;
    return new Worker('throw new Error("no threads here")', { eval: true });
  };
  const checkpoints = service(store, log, 1_000, broken);
  writeClients(store, checkpoints, 70, 'a');
  await until('the commits fold the log again', () => store.autoCheckpointPages() === AUTO_CHECKPOINT_PAGES);
  const warnings = log.lines.filter((line) => line.level === 'warn');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.msg, /checkpoint thread stopped; commits fold the write-ahead log themselves/);
  await until('the idle truncate gave the thread another chance', () => store.autoCheckpointPages() === 0);
  writeClients(store, checkpoints, 70, 'b');
  await until('the second thread failed too', () => spawned === 2 && store.autoCheckpointPages() === AUTO_CHECKPOINT_PAGES);
  assert.equal(log.lines.filter((line) => line.level === 'warn').length, 1, 'said once, not once per try');
});
