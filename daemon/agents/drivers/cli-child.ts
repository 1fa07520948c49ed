// An agent CLI's process in a group of its own: stdout as bounded lines, a tail of stderr, and the whole tree signalled at once.
import type { ResultPromise } from 'execa';
import { loadExeca } from './execa-lazy.js';
import { signalGroup } from '../process-group.js';

const STDERR_TAIL_CHARS = 2000;
const CLOSE_GRACE_MS = 1000;

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

export interface CliChildOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** A line longer than this is dropped whole (reported through onLongLine), so no line is ever buffered unbounded. */
  maxLineBytes: number;
  onLine(line: string): void;
  onStdoutBytes(bytes: number): void;
  onLongLine(bytes: number): void;
  onExit(exit: ChildExit): void;
}

export class CliChild {
  private stderrText = '';
  private exit: ChildExit | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropping = false;

  private constructor(
    readonly pid: number,
    private readonly subprocess: ResultPromise,
    private readonly options: CliChildOptions,
  ) {
    subprocess.stdout!.on('data', (chunk: Buffer) => this.readStdout(chunk));
    subprocess.stderr!.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    subprocess.stdin!.on('error', () => {});
    subprocess.on('exit', (code, signal) => {
      this.signal('SIGKILL');
      const settle = (): void => this.settle({ code, signal });
      subprocess.on('close', settle);
      setTimeout(settle, CLOSE_GRACE_MS).unref();
    });
  }

  /** Reported once stdout is drained (its last lines read), or a moment after exit if a stray holder keeps it open. */
  private settle(exit: ChildExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.options.onExit(exit);
    for (const wake of this.exitWaiters.splice(0)) wake();
  }

  /** Starts the CLI in its own process group; a spawn failure (no such file, not executable) comes back as its message. */
  static async spawn(options: CliChildOptions): Promise<CliChild | { error: string }> {
    const { execa } = await loadExeca();
    const subprocess = execa(options.file, options.args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
      detached: true,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
    });
    if (subprocess.pid === undefined) {
      const result = await subprocess;
      return { error: result.shortMessage || result.message || 'the process did not start' };
    }
    void subprocess.then(() => undefined);
    return new CliChild(subprocess.pid, subprocess, options);
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** The last couple of thousand characters the CLI wrote to stderr, trimmed. */
  get stderrTail(): string {
    return this.stderrText.trim();
  }

  write(line: string): boolean {
    const stdin = this.subprocess.stdin!;
    if (!this.running || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  closeStdin(): void {
    const stdin = this.subprocess.stdin!;
    if (!stdin.destroyed && !stdin.writableEnded) stdin.end();
  }

  /** Signals every process in the group (the CLI, its tools, their children); a group already gone is no error. */
  signal(signal: NodeJS.Signals): void {
    signalGroup(this.pid, signal);
  }

  /** Resolves true when the CLI has exited, or false once `ms` has passed (never, without `ms`). */
  waitForExit(ms?: number): Promise<boolean> {
    if (!this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => resolve(false), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private readStdout(chunk: Buffer): void {
    this.options.onStdoutBytes(chunk.length);
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, newline));
      const line = this.dropping ? null : Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      this.dropping = false;
      start = newline + 1;
      if (line !== null) this.options.onLine(line);
    }
    this.take(chunk.subarray(start));
  }

  private take(part: Buffer): void {
    if (this.dropping || part.length === 0) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.options.maxLineBytes) {
      this.options.onLongLine(this.pendingBytes);
      this.pending = [];
      this.dropping = true;
      return;
    }
    this.pending.push(part);
  }
}
