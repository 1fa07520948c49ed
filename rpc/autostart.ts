// Starts the daemon on first use: detached, logging to the state dir, one daemon even when several clients race to start it.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrainsClient, DaemonUnreachableError } from './client.js';
import { parseLogLine } from './log-lines.js';
import { socketPathProblem, type StatePaths } from './paths.js';
import { processAlive } from './process-alive.js';
import { describeService, reachableService, serviceState, startService, type ServiceIdentity } from './service-start.js';
import { DaemonStoppedError, stoppedByUser } from './stopped.js';
import { DAEMON_ALREADY_RUNNING_EXIT } from './daemon-exit.js';

export { processAlive, DAEMON_ALREADY_RUNNING_EXIT };

const START_TIMEOUT_MS = 15_000;
const STALE_START_LOCK_MS = 20_000;
const RETRY_MS = 20;
/** How often a start through the service manager asks it whether the daemon has already stopped again. */
const SERVICE_CHECK_MS = 250;
/**
 * How brains launches its long-lived daemon so it stays small without slowing down: a 2 MiB young generation
 * (V8 otherwise grows it to 32 MiB after a burst of calls and keeps it), an old generation that grows by 10%
 * rather than V8's default factor before the next full collection, and at most two malloc arenas (glibc
 * otherwise keeps one per thread that ever allocated). `--optimize-for-size` was measured too: it saves ~5 MiB
 * but costs ~25% CPU per message, which the message throughput target cannot spare.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=10'];
export const DAEMON_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export interface ConnectOptions {
  autoStart: boolean;
  /**
   * Given by the commands a person types (brains rpc, brains tui): they start even a daemon stopped with `brains down`,
   * calling this first so the person is told. Without it (brains mcp, hooks) a stopped daemon stays stopped.
   */
  onStartingStopped?: () => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Connect to the daemon, starting it first when it is not running and autoStart allows. Rejects with DaemonStoppedError
 * when the user stopped it and this client may not start it (an automatic client, or autoStart off).
 */
export async function connectOrStart(paths: StatePaths, opts: ConnectOptions): Promise<BrainsClient> {
  try {
    return await BrainsClient.connect(paths.socket);
  } catch (error) {
    if (!(error instanceof DaemonUnreachableError)) throw error;
    const stopped = stoppedByUser(paths);
    if (stopped && (!opts.autoStart || !opts.onStartingStopped)) throw new DaemonStoppedError();
    if (!opts.autoStart) throw error;
    if (stopped) opts.onStartingStopped?.();
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

export interface DaemonStart {
  started: boolean;
  /** The installed service its manager was asked to start (the daemon then runs with the service's flags, not daemonArgs). */
  service?: ServiceIdentity;
}

/**
 * Start the daemon and return once its socket answers; a no-op when one already answers. When brains installed a service
 * for this state dir and its manager answers, the manager starts it; otherwise a detached `brains daemon ARGS`.
 */
export async function startDaemon(paths: StatePaths, env: NodeJS.ProcessEnv = process.env, daemonArgs: readonly string[] = []): Promise<DaemonStart> {
  const problem = socketPathProblem(paths.socket);
  if (problem) throw new Error(problem);
  if (await isDaemonAnswering(paths.socket)) return { started: false };
  assertStateDirUsable(paths.home);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await isDaemonAnswering(paths.socket)) return { started: false };
    let lock: boolean;
    try {
      lock = tryTakeStartLock(paths.startLock);
    } catch (error) {
      throw new Error(stateDirProblem(paths.home, error) ?? `cannot take the start lock ${paths.startLock}: ${(error as Error).message}`);
    }
    if (lock) {
      try {
        if (await isDaemonAnswering(paths.socket)) return { started: false };
        const service = await reachableService(paths, env);
        if (service) {
          await startServiceAndWait(paths, service, env, deadline);
          return { started: true, service };
        }
        try {
          await spawnAndWait(paths, env, daemonArgs, deadline);
        } catch (error) {
          const problem = stateDirProblem(paths.home, error);
          throw problem ? new Error(problem) : error;
        }
        return { started: true };
      } finally {
        releaseStartLock(paths.startLock);
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another client to start the daemon (lock ${paths.startLock})`);
    await sleep(RETRY_MS * 5);
  }
}

/** The state dir made and writable, or an error that says why not and what to do (not a timeout, not a bare errno). */
function assertStateDirUsable(home: string): void {
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    accessSync(home, fsConstants.W_OK);
  } catch (error) {
    throw new Error(stateDirProblem(home, error) ?? `cannot use the brains state directory ${home}: ${(error as Error).message}`);
  }
}

/** What a file-system error on the state dir means to a person, or null when it is none of the usual causes. */
export function stateDirProblem(home: string, error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EROFS') return `the brains state directory ${home} is on a read-only file system; make it writable, or set BRAINS_HOME to a writable directory`;
  if (code === 'EACCES' || code === 'EPERM') return `the brains state directory ${home} is not writable by this user; fix its permissions, or set BRAINS_HOME to a writable directory`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `no space left on the device holding ${home}; free some space, then start brains again`;
  return null;
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

async function spawnAndWait(paths: StatePaths, env: NodeJS.ProcessEnv, daemonArgs: readonly string[], deadline: number): Promise<void> {
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
  // Imported only here: the limits are read with the settings' schema, which a client that only connects never loads.
  const { logLimitsFrom, rotateBeforeAppending } = await import('./log-files.js');
  rotateBeforeAppending(paths.daemonLog, logLimitsFrom(paths.config));
  const logFd = openSync(paths.daemonLog, 'a', 0o600);
  chmodSync(paths.daemonLog, 0o600);
  const logStart = statSync(paths.daemonLog).size;
  const entry = fileURLToPath(new URL('../bin/brains.js', import.meta.url));
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, entry, 'daemon', '--detached', ...daemonArgs], {
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

/** Ask the service manager to start the daemon and wait for its socket; fails early when the manager says it stopped again. */
export async function startServiceAndWait(paths: StatePaths, service: ServiceIdentity, env: NodeJS.ProcessEnv, deadline: number, start = true): Promise<void> {
  const logStart = logSize(paths.daemonLog);
  if (start) await startService(service, env);
  let nextCheck = Date.now() + SERVICE_CHECK_MS;
  while (Date.now() < deadline) {
    if (await isDaemonAnswering(paths.socket)) return;
    if (Date.now() >= nextCheck) {
      nextCheck = Date.now() + SERVICE_CHECK_MS;
      const state = await serviceState(service, env);
      // systemd says `activating` while it waits to restart the daemon: not yet a failure.
      if (!state.running && state.word !== 'activating' && !(await isDaemonAnswering(paths.socket))) {
        throw new Error(`the daemon run by ${describeService(service)} stopped before answering (${state.word}): ${logTail(paths.daemonLog, logStart)}`);
      }
    }
    await sleep(RETRY_MS);
  }
  throw new Error(`the daemon run by ${describeService(service)} did not answer within ${START_TIMEOUT_MS / 1000}s; see ${paths.daemonLog}`);
}

/** How long a wait for a daemon to answer may take from now (brains service install waits as long as brains up). */
export function startDeadline(): number {
  return Date.now() + START_TIMEOUT_MS;
}

function logSize(logPath: string): number {
  try {
    return statSync(logPath).size;
  } catch {
    return 0;
  }
}

/** A daemon log line as a person reads it in an error: no timestamp or level, an error field as its plain text. */
function readableLogLine(line: string): { text: string; error: boolean } {
  const entry = parseLogLine(line.trim());
  const error = typeof entry.fields.error === 'string' ? entry.fields.error : undefined;
  return { text: [entry.msg, error].filter(Boolean).join(': '), error: !entry.raw && entry.level === 'error' };
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
