// Starting, stopping and removing the demo, for `brains demo` and for the cockpit's `npm start` (which calls startDemo on a
// fresh state dir): the driver runs detached with its pidfile and log in the state dir, like the daemon.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrainsClient, RpcCallError } from '../../rpc/client.js';
import { DAEMON_ENV, DAEMON_NODE_FLAGS, connectOrStart, isDaemonAnswering, processAlive, startDaemon } from '../../rpc/autostart.js';
import { logLimitsFrom, rotateBeforeAppending } from '../../rpc/log-files.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { readPidfile } from '../../daemon/lifecycle/pidfile.js';
import { CAST, DEMO_BACKEND, DEMO_PROJECT_ID, foreignProjectMessage, isDemoContext } from './demo-cast.js';
import { removeDemoAgents } from './demo-stage.js';
import { DEMO_ALREADY_RUNNING_EXIT, DRIVER_FLAG, type DriverReport } from './demo-handshake.js';

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
/** How long a driver that reported it could not start is given to exit before the command answers anyway. */
const FAILED_EXIT_WAIT_MS = 5_000;

export interface DemoStatus {
  running: boolean;
  /** The driver's pid while it runs. */
  pid: number | null;
  project_id: string;
  pidfile: string;
  log: string;
}

export interface DemoStarted extends DemoStatus {
  /** false when a driver was already running (then nothing was started). */
  started: boolean;
  agents: Array<{ name: string; backend: string }>;
}

/** The demo cannot do what was asked; the message says why and what to do. */
export class DemoError extends Error {}

/** Whether the demo's driver runs, from its pidfile (no daemon needed). */
export function demoStatus(env: NodeJS.ProcessEnv = process.env): DemoStatus {
  const paths = statePaths(env);
  const pid = readPidfile(paths.demoPidfile);
  const running = pid !== null && processAlive(pid) && looksLikeDriver(pid);
  return { running, pid: running ? pid : null, project_id: DEMO_PROJECT_ID, pidfile: paths.demoPidfile, log: paths.demoLog };
}

/**
 * Start the demo: the daemon first (like `brains rpc`), then its driver, detached; resolves once the project and its three
 * managed agents are there and the driver acts as them. A driver already running is left as it is ({started: false}). Throws DemoError when it cannot start.
 */
export async function startDemo(env: NodeJS.ProcessEnv = process.env): Promise<DemoStarted> {
  const paths = statePaths(env);
  const agents = CAST.map((name) => ({ name, backend: DEMO_BACKEND }));
  const before = demoStatus(env);
  if (before.running) return { ...before, started: false, agents };
  try {
    await startDaemon(paths, env);
  } catch (error) {
    throw new DemoError(`cannot reach the daemon: ${(error as Error).message}; see the log in ${paths.daemonLog}`);
  }
  if ((await demoProjectState(paths)) === 'foreign') throw new DemoError(foreignProjectMessage());
  const outcome = await spawnDriver(paths, env);
  if (outcome.type === 'failed') {
    if (!outcome.already_running) throw new DemoError(`the demo did not start: ${outcome.message}; see ${paths.demoLog}`);
    return { ...demoStatus(env), started: false, agents };
  }
  return { running: true, pid: outcome.pid, project_id: outcome.project_id, pidfile: paths.demoPidfile, log: paths.demoLog, started: true, agents };
}

/** Stop the driver (its agents give back their locks and claimed tasks, and stay); {stopped: false} when none ran. */
export async function stopDemo(env: NodeJS.ProcessEnv = process.env): Promise<{ stopped: boolean; pid: number | null }> {
  const paths = statePaths(env);
  const status = demoStatus(env);
  if (!status.running || status.pid === null) {
    removeStalePidfile(paths.demoPidfile);
    return { stopped: false, pid: null };
  }
  const pid = status.pid;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return { stopped: false, pid: null };
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new DemoError(`the demo driver (pid ${pid}) is still running after ${STOP_TIMEOUT_MS / 1000}s; kill it with: kill ${pid}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { stopped: true, pid };
}

/** Stop the driver, remove its managed agents and delete the demo project with everything in it. Throws DemoError when there is no demo project to remove. */
export async function cleanDemo(env: NodeJS.ProcessEnv = process.env): Promise<{ stopped: boolean; removed: true; agents: string[] }> {
  const paths = statePaths(env);
  const { stopped } = await stopDemo(env);
  const state = await demoProjectState(paths, { start: true, env });
  if (state === 'missing') throw new DemoError(`there is no demo project to remove${stopped ? ' (the demo driver was stopped)' : ''}; start one with brains demo`);
  if (state === 'foreign') throw new DemoError(foreignProjectMessage());
  const client = await BrainsClient.connect(paths.socket);
  try {
    const agents = await removeDemoAgents(client);
    await client.call('project.delete', { project_id: DEMO_PROJECT_ID });
    return { stopped, removed: true, agents };
  } finally {
    await client.close();
  }
}

/**
 * Whether the state dir is fresh: no project at all yet (the cockpit starts the demo then). Asks the daemon, starting it when
 * there is a database to read; a state dir without one is fresh without asking.
 */
export async function isFreshState(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const paths = statePaths(env);
  if (!existsSync(paths.db) && !(await isDaemonAnswering(paths.socket))) return true;
  const client = await connectOrStart(paths, { autoStart: true, env });
  try {
    const { total } = await client.call('project.list', { include_archived: true, limit: 1 });
    return total === 0;
  } finally {
    await client.close();
  }
}

/** Whether the demo project exists, and is the demo's (its context carries the mark) or somebody else's. */
async function demoProjectState(paths: StatePaths, opts: { start?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<'missing' | 'demo' | 'foreign'> {
  const client = opts.start ? await connectOrStart(paths, { autoStart: true, env: opts.env }) : await BrainsClient.connect(paths.socket);
  try {
    const info = await client.call('project.info', { project_id: DEMO_PROJECT_ID });
    if (info.timed_out) return 'missing';
    return isDemoContext(info.project.context) ? 'demo' : 'foreign';
  } catch (error) {
    if (error instanceof RpcCallError && error.appCode === 'NOT_FOUND') return 'missing';
    throw error;
  } finally {
    await client.close();
  }
}

/** Start the driver detached (its own session, output to its log) and wait for its one report: ready, or why not. */
async function spawnDriver(paths: StatePaths, env: NodeJS.ProcessEnv): Promise<DriverReport> {
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
  rotateBeforeAppending(paths.demoLog, logLimitsFrom(paths.config));
  const logFd = openSync(paths.demoLog, 'a', 0o600);
  const entry = fileURLToPath(new URL('../brains.js', import.meta.url));
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, entry, 'demo', DRIVER_FLAG], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...env, ...DAEMON_ENV, NO_COLOR: '1' },
  });
  closeSync(logFd);
  try {
    return await new Promise<DriverReport>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        reject(new DemoError(`the demo driver did not report within ${READY_TIMEOUT_MS / 1000}s; see ${paths.demoLog}`));
      }, READY_TIMEOUT_MS);
      let report: DriverReport | null = null;
      child.once('message', (message) => {
        clearTimeout(timer);
        report = message as DriverReport;
        if (report.type !== 'failed') return resolve(report);
        // A driver that could not start is answered for once it has exited, its pidfile and lock gone with it.
        const failed = report;
        setTimeout(() => resolve(failed), FAILED_EXIT_WAIT_MS).unref();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (report) return resolve(report);
        if (code === DEMO_ALREADY_RUNNING_EXIT) resolve({ type: 'failed', message: 'the demo is already running', already_running: true });
        else reject(new DemoError(`the demo driver exited (code ${code}) before it was ready: ${logTail(paths.demoLog)}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new DemoError(`cannot start the demo driver: ${error.message}`));
      });
    });
  } finally {
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/** A pid from the pidfile is our driver, not a process that got the pid after the driver died (where /proc can tell). */
function looksLikeDriver(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('demo') && argv.includes(DRIVER_FLAG);
  } catch {
    return true;
  }
}

function removeStalePidfile(path: string): void {
  const pid = readPidfile(path);
  if (pid === null || (processAlive(pid) && looksLikeDriver(pid))) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ') || '(no log output)';
  } catch {
    return '(no log output)';
  }
}
