// Runs the real `brains daemon` in a throwaway BRAINS_HOME, waits until it answers a ping, and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BrainsClient } from '../rpc/client.js';
import { socketPathProblem, statePaths } from '../rpc/paths.js';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../rpc/autostart.js';
import { collectTail, hasExited, sleep, stopChild } from './child.js';

export const BRAINS_CLI = fileURLToPath(new URL('../bin/brains.js', import.meta.url));

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 15_000;

export interface BenchDaemon {
  pid: number;
  socket: string;
  /** SIGTERM and wait; resolves with the exit code (0 is a clean stop). Idempotent. */
  stop(): Promise<number | null>;
  stderrTail(): string;
}

/**
 * The environment of the parent minus every BRAINS_* setting, so the daemon runs with its defaults, except MCP HTTP on
 * a free port and the gateway on another: a bench never takes the defaults 9877 and 8787 (system.info says where they listen).
 */
export function brainsEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('BRAINS_')) env[key] = value;
  return { ...env, ...DAEMON_ENV, BRAINS_HOME: home, BRAINS_MCP_PORT: '0', BRAINS_GATEWAY_PORT: '0', NO_COLOR: '1' };
}

/** Linux silently truncates an over-long socket path, so two sockets could end up on one file: refuse instead. */
export function requireBindableSocket(socket: string): void {
  const problem = socketPathProblem(socket);
  if (problem) throw new Error(`${problem} (TMPDIR is too deep for the benchmark)`);
}

export async function startDaemon(home: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchDaemon> {
  const env = { ...brainsEnv(home), ...extraEnv };
  const socket = statePaths(env).socket;
  requireBindableSocket(socket);
  // Launched exactly as `brains up` launches it.
  const proc = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BRAINS_CLI, 'daemon'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderrTail = collectTail(proc);
  let stopping: Promise<number | null> | null = null;
  const daemon: BenchDaemon = {
    pid: proc.pid ?? -1,
    socket,
    stop: () => (stopping ??= stopChild(proc, STOP_GRACE_MS)),
    stderrTail,
  };
  try {
    await waitUntilAnswering(socket, () => hasExited(proc));
    if (hasExited(proc)) throw new Error('something else answered on the socket, but the daemon exited');
  } catch (error) {
    await daemon.stop();
    throw new Error(`${(error as Error).message}\n--- daemon stderr ---\n${stderrTail()}`);
  }
  return daemon;
}

async function waitUntilAnswering(socket: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersPing(socket))) {
    if (exited()) throw new Error('the daemon exited before it answered');
    if (Date.now() > deadline) throw new Error(`the daemon did not answer on ${socket} within ${START_TIMEOUT_MS} ms`);
    await sleep(25);
  }
}

async function answersPing(socket: string): Promise<boolean> {
  let client: BrainsClient | null = null;
  try {
    client = await BrainsClient.connect(socket);
    await client.call('system.ping');
    return true;
  } catch {
    return false;
  } finally {
    await client?.close();
  }
}
