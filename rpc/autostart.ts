// Starts the daemon on first use: detached, logging to the state dir, one daemon even when several clients race to start it.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrainsClient, DaemonUnreachableError } from './client.js';
import { socketPathProblem, type StatePaths } from './paths.js';
import { processAlive } from './process-alive.js';

export { processAlive };

const START_TIMEOUT_MS = 15_000;
const STALE_START_LOCK_MS = 20_000;
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
const RETRY_MS = 20;
/**
 * How brains launches its long-lived daemon so it stays small without slowing down: a 2 MiB young generation
 * (V8 otherwise grows it to 32 MiB after a burst of calls and keeps it), an old generation that grows by 10%
 * rather than V8's default factor before the next full collection, and at most two malloc arenas (glibc
 * otherwise keeps one per thread that ever allocated). `--optimize-for-size` was measured too: it saves ~5 MiB
 * but costs ~25% CPU per message, which the message throughput target cannot spare.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=10'];
export const DAEMON_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
/** Kept equal to daemon/main.ts EXIT_ALREADY_RUNNING (rpc/ may not import daemon/). */
export const DAEMON_ALREADY_RUNNING_EXIT = 4;

export interface ConnectOptions {
  autoStart: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Connect to the daemon, starting it first when it is not running and autoStart allows. */
export async function connectOrStart(paths: StatePaths, opts: ConnectOptions): Promise<BrainsClient> {
  try {
    return await BrainsClient.connect(paths.socket);
  } catch (error) {
    if (!opts.autoStart || !(error instanceof DaemonUnreachableError)) throw error;
  }
  await startDaemon(paths, opts.env ?? process.env);
  return BrainsClient.connect(paths.socket);
}

export async function isDaemonAnswering(socket: string): Promise<boolean> {
  try {
    const client = await BrainsClient.connect(socket);
    await client.close();
    return true;
  } catch {
    return false;
  }
}

/** Start a detached daemon and return once its socket answers; a no-op when one already answers. */
export async function startDaemon(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): Promise<{ started: boolean }> {
  const problem = socketPathProblem(paths.socket);
  if (problem) throw new Error(problem);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await isDaemonAnswering(paths.socket)) return { started: false };
    const lock = tryTakeStartLock(paths.startLock);
    if (lock) {
      try {
        if (await isDaemonAnswering(paths.socket)) return { started: false };
        await spawnAndWait(paths, env, deadline);
        return { started: true };
      } finally {
        releaseStartLock(paths.startLock);
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another client to start the daemon (lock ${paths.startLock})`);
    await sleep(RETRY_MS * 5);
  }
}

function tryTakeStartLock(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (startLockIsStale(lockPath)) {
    // Rename first so that of two clients clearing the same stale lock only one succeeds.
    try {
      renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
      unlinkSync(`${lockPath}.stale-${process.pid}`);
    } catch {
      /* another client cleared it first */
    }
  }
  return false;
}

function startLockIsStale(lockPath: string): boolean {
  try {
    const ageMs = Date.now() - statSync(lockPath).mtimeMs;
    const pid = Number(readFileSync(lockPath, 'utf8'));
    return ageMs > STALE_START_LOCK_MS || (Number.isInteger(pid) && pid > 0 && !processAlive(pid));
  } catch {
    return false;
  }
}

function releaseStartLock(lockPath: string): void {
  try {
    unlinkSync(lockPath);
  } catch {
    /* already gone */
  }
}

async function spawnAndWait(paths: StatePaths, env: NodeJS.ProcessEnv, deadline: number): Promise<void> {
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
  rotateLog(paths.daemonLog);
  const logFd = openSync(paths.daemonLog, 'a', 0o600);
  chmodSync(paths.daemonLog, 0o600);
  const logStart = statSync(paths.daemonLog).size;
  const entry = fileURLToPath(new URL('../bin/brains.js', import.meta.url));
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, entry, 'daemon', '--detached'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...env, ...DAEMON_ENV, NO_COLOR: '1' },
  });
  closeSync(logFd);
  let exited: number | null = null;
  child.once('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
  });
  child.unref();
  while (Date.now() < deadline) {
    if (await isDaemonAnswering(paths.socket)) return;
    // Exit code 4: another daemon holds the state dir (a foreground one started at the same moment); wait for it.
    if (exited !== null && exited !== DAEMON_ALREADY_RUNNING_EXIT) {
      throw new Error(`the daemon exited (code ${exited}) before answering: ${logTail(paths.daemonLog, logStart)}`);
    }
    await sleep(RETRY_MS);
  }
  throw new Error(`the daemon did not answer within ${START_TIMEOUT_MS / 1000}s; see ${paths.daemonLog}`);
}

function rotateLog(logPath: string): void {
  try {
    if (statSync(logPath).size > LOG_ROTATE_BYTES) renameSync(logPath, `${logPath}.1`);
  } catch {
    /* no log yet */
  }
}

/** A daemon log line as a person reads it in an error: no timestamp or level, an error="…" field as its plain text. */
function readableLogLine(raw: string): { text: string; error: boolean } {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const entry = JSON.parse(trimmed) as { level?: string; msg?: string; error?: string };
      return { text: [entry.msg, entry.error].filter(Boolean).join(': '), error: entry.level === 'error' };
    } catch {
      /* not a JSON log line: read it as text */
    }
  }
  const human = /^\d{4}-\d\d-\d\dT[\d:.]+Z\s+(DEBUG|INFO|WARN|ERROR)\s+(.*)$/.exec(trimmed);
  if (!human) return { text: trimmed, error: false };
  const body = human[2]!;
  const field = /\berror="((?:[^"\\]|\\.)*)"/.exec(body);
  const message = body.replace(/\s+\w+=("(?:[^"\\]|\\.)*"|\S+)/g, '');
  return { text: field ? `${message}: ${JSON.parse(`"${field[1]}"`) as string}` : message, error: human[1] === 'ERROR' };
}

function logTail(logPath: string, from: number): string {
  try {
    const lines = readFileSync(logPath).subarray(from).toString('utf8').trim().split('\n').map(readableLogLine).filter((line) => line.text !== '');
    // Why it stopped is in its ERROR lines; the rest is what it did before.
    const errors = lines.filter((line) => line.error);
    const shown = (errors.length > 0 ? errors : lines).slice(-3).map((line) => line.text).join(' | ');
    return shown || '(no log output)';
  } catch {
    return '(no log output)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
