// Test helpers: a real daemon process in a temp BRAINS_HOME, the real CLI as a child process, and a raw socket peer.
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrainsClient } from '../../rpc/client.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';

export const CLI = fileURLToPath(new URL('../../bin/brains.js', import.meta.url));
/** A stand-in for an agent tool's process: `node TOOL_PROCESS node CLI mcp` gives brains mcp a tool process of its own. */
export const TOOL_PROCESS = fileURLToPath(new URL('../fixtures/tool-process.js', import.meta.url));

export function tempHome(): string {
  // Short prefix: Unix socket paths are limited to 107 bytes.
  return mkdtempSync(join(tmpdir(), 'bt-'));
}

/** A home with no daemon, for commands that must not need (or start) one: afterwards no socket may exist there. */
export async function withEmptyHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = tempHome();
  try {
    await fn(home);
    assert.equal(existsSync(join(home, 'brains.sock')), false, 'no daemon was started');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function envFor(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // MCP HTTP and the gateway stay off unless a test asks for a port (=0): tests never bind the defaults 9877 and 8787.
  const env: NodeJS.ProcessEnv = { ...process.env, BRAINS_HOME: home, BRAINS_CHECK_RESULTS: '1', NO_COLOR: '1', BRAINS_MCP_PORT: 'off', BRAINS_GATEWAY_PORT: 'off', ...extra };
  delete env.BRAINS_SOCKET;
  return env;
}

export interface TestDaemon {
  home: string;
  paths: StatePaths;
  proc: ChildProcess;
  stderr(): string;
  client(): Promise<BrainsClient>;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
  cleanup(): Promise<void>;
}

export interface StartDaemonOptions {
  /** An existing BRAINS_HOME (a restart); a fresh temp one otherwise. */
  home?: string;
  /** Extra `brains daemon` arguments. */
  args?: string[];
  /** Extra environment, over envFor's. */
  env?: NodeJS.ProcessEnv;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function answers(socket: string): Promise<boolean> {
  try {
    const c = await BrainsClient.connect(socket);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

/** Start `brains daemon` in the foreground as a child process and wait until its socket answers. */
export async function startDaemon(opts: StartDaemonOptions = {}): Promise<TestDaemon> {
  const home = opts.home ?? tempHome();
  const env = envFor(home, opts.env);
  const paths = statePaths(env);
  const proc = spawn(process.execPath, [CLI, 'daemon', ...(opts.args ?? [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(async () => gone || (await answers(paths.socket)), 15_000, 'the daemon to answer');
  if (gone) throw new Error(`daemon exited early: ${err}`);
  const clients: BrainsClient[] = [];
  const daemon: TestDaemon = {
    home,
    paths,
    proc,
    exited,
    stderr: () => err,
    client: async () => {
      const c = await BrainsClient.connect(paths.socket);
      clients.push(c);
      return c;
    },
    stop: async () => {
      if (!gone) proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (!gone) proc.kill('SIGKILL');
      await exited;
    },
    cleanup: async () => {
      for (const c of clients) await c.close().catch(() => {});
      // A change that belonged to no call and was not marked as background work is a bug even when no test saw it fail.
      if (/a change outside any call/.test(err)) throw new Error(`the daemon made a change outside any call:\n${err.split('\n').filter((l) => l.includes('outside any call')).slice(0, 3).join('\n')}`);
      if (!gone) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
  return daemon;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real `brains` CLI as a child process. */
export function runCli(args: string[], opts: { home: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: envFor(opts.home, opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`brains ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** The real `brains` CLI left running (brains logs -f, brains watch): what it printed so far, and its exit. */
export interface RunningCli {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

export function runningCli(args: string[], home: string, env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env: envFor(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** A raw socket peer that writes bytes and reads newline-delimited frames, for wire-level tests. */
export class RawPeer {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiters: Array<(line: string) => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static open(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next frame, parsed; fails after timeoutMs. */
  next(timeoutMs = 5000): Promise<any> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(JSON.parse(ready));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived')), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      });
    });
  }

  /** Send a frame and return the next one (for request/response pairs on an otherwise idle connection). */
  async roundTrip(frame: string): Promise<any> {
    this.write(`${frame}\n`);
    return this.next();
  }

  /** Prove nothing was answered to earlier frames: a ping sent now must be the very next frame back. */
  async expectSilenceThenPing(id = 'silence-probe'): Promise<void> {
    const reply = await this.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'system.ping', id }));
    if (reply.id !== id) throw new Error(`expected only the probe's reply, got ${JSON.stringify(reply)}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
