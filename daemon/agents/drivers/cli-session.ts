// What every long-lived agent CLI session shares, whatever its protocol: the running turn and how it ends (answer,
// output cap, exit, kill), a graceful stop of the whole process tree, and the session id every outcome carries.
import type { DriverEvent, TurnOutcome } from '../driver.js';
import type { ChildExit, CliChild } from './cli-child.js';

export interface RunningTurn {
  onEvent: (event: DriverEvent) => void;
  resolve: (outcome: TurnOutcome) => void;
  done: Promise<void>;
  deltas: string[];
  bytes: number;
  interrupted: boolean;
  finished: boolean;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Close its input, then SIGTERM, then SIGKILL to the whole group, each after half the grace. */
export async function stopGracefully(child: CliChild | null, graceMs: number): Promise<void> {
  if (!child?.running) return;
  child.closeStdin();
  if (await child.waitForExit(graceMs / 2)) return;
  child.signal('SIGTERM');
  if (await child.waitForExit(graceMs / 2)) return;
  child.signal('SIGKILL');
  await child.waitForExit();
}

export abstract class CliSession<T extends RunningTurn = RunningTurn> {
  protected child: CliChild | null = null;
  protected turnState: T | null = null;
  protected gone: string | null = null;
  protected stopping = false;

  constructor(protected readonly log: (msg: string) => void) {}

  /** How the CLI is named in errors and logs (codex, gemini …). */
  protected abstract readonly name: string;
  protected abstract readonly maxOutputBytes: number;
  /** The native session every outcome carries, so the next process resumes it. */
  protected abstract nativeSessionId(): string | null;
  /** Requests the CLI is waiting on are void now (the turn ended, or the process went). */
  protected abstract dropPending(): void;

  get pid(): number | null {
    return this.child?.running ? this.child.pid : null;
  }

  /** A new turn's state, or an outcome saying why none can start now. */
  protected begin(onEvent: (event: DriverEvent) => void, extra: Omit<T, keyof RunningTurn>): { turn: T; outcome: Promise<TurnOutcome> } | TurnOutcome {
    if (this.gone || !this.child) return { status: 'error', text: '', transient: true, error: `the ${this.name} session is gone (${this.gone ?? 'not started'}); start it again` };
    if (this.turnState) return { status: 'error', text: '', error: 'a turn is already running in this session' };
    let resolve!: (outcome: TurnOutcome) => void;
    const outcome = new Promise<TurnOutcome>((r) => (resolve = r));
    const turn = { onEvent, resolve, done: outcome.then(() => undefined), deltas: [], bytes: 0, interrupted: false, finished: false, ...extra } as unknown as T;
    this.turnState = turn;
    return { turn, outcome };
  }

  async stop(graceMs: number): Promise<void> {
    if (!this.child?.running) return;
    this.stopping = true;
    await stopGracefully(this.child, graceMs);
  }

  kill(reason: string): void {
    this.finish({ status: 'error', text: this.turnState?.deltas.join('') ?? '', error: reason });
    this.markGone(reason);
    this.child?.signal('SIGKILL');
  }

  protected deliver(event: DriverEvent): void {
    const turn = this.turnState;
    if (!turn) return;
    if (event.type === 'text') turn.deltas.push(event.delta);
    turn.onEvent(event);
  }

  protected countBytes(bytes: number): void {
    const turn = this.turnState;
    if (!turn) return;
    turn.bytes += bytes;
    if (turn.bytes <= this.maxOutputBytes) return;
    this.finish({ status: 'error', text: turn.deltas.join(''), error: `output over ${this.maxOutputBytes} bytes` });
    this.markGone('its turn printed too much');
    this.child?.signal('SIGKILL');
  }

  protected onExit(exit: ChildExit): void {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    this.markGone(`${this.name} exited (${how})`);
    if (this.turnState && !this.turnState.finished) {
      const tail = this.child?.stderrTail;
      const error = this.stopping ? `${this.name} was stopped` : `${this.name} exited (${how})${tail ? `: ${tail}` : ''}`;
      this.finish({ status: 'error', text: this.turnState.deltas.join(''), error, transient: !this.stopping });
    }
  }

  /** Waits for the interrupted turn to end; past the grace, kills the process tree and ends it here. */
  protected async awaitInterrupt(turn: T, graceMs: number, asked: string): Promise<void> {
    const ended = await Promise.race([turn.done.then(() => true), delay(graceMs).then(() => false)]);
    if (ended) return;
    this.log(`${this.name}: the turn did not end within ${graceMs} ms of being ${asked}; killing its process tree`);
    this.finish({ status: 'interrupted', text: turn.deltas.join(''), error: `${this.name} did not stop when ${asked}; its process was killed` });
    this.markGone('killed after an interrupt');
    this.child?.signal('SIGKILL');
  }

  protected finish(outcome: TurnOutcome): void {
    const turn = this.turnState;
    if (!turn || turn.finished) return;
    turn.finished = true;
    this.turnState = null;
    this.dropPending();
    const session = this.nativeSessionId();
    if (session) outcome.nativeSessionId = session;
    turn.resolve(outcome);
  }

  protected markGone(reason: string): void {
    this.gone ??= reason;
    this.dropPending();
  }
}
