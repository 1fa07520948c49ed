// The command backend: any CLI, one process per turn, the prompt on its stdin, its stdout streamed back as the answer.
import type { ResultPromise } from 'execa';
import { loadExeca } from './execa-lazy.js';
import { StringDecoder } from 'node:string_decoder';
import { DriverStartError, type AgentDriver, type AgentSpec, type DriverEvent, type DriverSession, type TurnOutcome } from '../driver.js';
import { endGracefully, signalGroup } from '../process-group.js';
import { findProgram } from './find-program.js';

const STDERR_TAIL_BYTES = 2000;

class CommandSession implements DriverSession {
  private child: ResultPromise | null = null;
  private ending: { status: 'interrupted' | 'error'; error?: string } | null = null;

  constructor(
    private readonly spec: AgentSpec,
    private readonly program: string,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  async turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    this.ending = null;
    const [name, ...args] = this.spec.command!;
    const { execa } = await loadExeca();
    // Stopped, interrupted or killed while execa loaded: no process was started, and none may start now.
    const early = this.ending as CommandSession['ending'];
    if (early) return { status: early.status, text: '', ...(early.error ? { error: early.error } : {}) };
    let child: ResultPromise;
    try {
      child = execa(this.program, args, {
        cwd: this.spec.workingDirectory,
        env: this.spec.env,
        extendEnv: false,
        detached: true,
        input: text,
        reject: false,
        buffer: false,
        stdout: 'pipe',
        stderr: 'pipe',
      });
    } catch (error) {
      return { status: 'error', text: '', error: `${name} could not start: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.child = child;
    const decoder = new StringDecoder('utf8');
    let said = '';
    let bytes = 0;
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > this.spec.maxOutputBytes) {
        if (!this.ending) this.ending = { status: 'error', error: `the answer passed ${this.spec.maxOutputBytes} bytes; the command was stopped` };
        signalGroup(child.pid, 'SIGKILL');
        return;
      }
      const delta = decoder.write(chunk);
      if (delta === '') return;
      said += delta;
      onEvent({ type: 'text', delta });
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES)));
    const result = await child;
    this.child = null;
    said += decoder.end();
    // Whatever it started in its group goes with it.
    signalGroup(child.pid, 'SIGKILL');
    const ending = this.ending as CommandSession['ending'];
    if (ending) return { status: ending.status, text: said, ...(ending.error ? { error: ending.error } : {}) };
    if (result.exitCode === 0) return { status: 'done', text: said };
    // Neither an exit code nor a signal: the program never ran (a missing interpreter, a bad working directory).
    if (result.exitCode === undefined && result.signal === undefined) {
      return { status: 'error', text: said, error: `${name} could not start: ${'originalMessage' in result && result.originalMessage ? result.originalMessage : 'the process did not start'}` };
    }
    const why = result.exitCode !== undefined ? `exited with code ${result.exitCode}` : `was ended by ${result.signal ?? 'a signal'}`;
    return { status: 'error', text: said, error: `${this.spec.command![0]} ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}` };
  }

  answerPermission(): void {}

  async interrupt(): Promise<void> {
    this.ending = { status: 'interrupted' };
    if (!this.child) return;
    signalGroup(this.child.pid, 'SIGTERM');
    const child = this.child;
    setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 2000).unref();
  }

  async stop(graceMs: number): Promise<void> {
    this.ending = { status: 'interrupted' };
    if (!this.child) return;
    await endGracefully(this.child, graceMs);
  }

  kill(reason: string): void {
    this.ending = { status: 'error', error: reason };
    if (!this.child) return;
    signalGroup(this.child.pid, 'SIGKILL');
  }
}

export class CommandDriver implements AgentDriver {
  readonly backend = 'command';

  async start(spec: AgentSpec): Promise<DriverSession> {
    const name = spec.command?.[0];
    if (!name) throw new DriverStartError('backend command needs a command line; set it with agent.update command=...', 'INVALID');
    const program = findProgram(name, spec.env.PATH, spec.workingDirectory);
    if (!program) throw new DriverStartError(`${name} not found on the agent's PATH; install it or give its absolute path in command`, 'NOT_FOUND');
    return new CommandSession(spec, program);
  }
}
