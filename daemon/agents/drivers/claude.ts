// The claude backend: one long-lived Claude Code process per agent, driven over stream-json with its control requests.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { DriverStartError, type AgentDriver, type AgentSpec, type DriverEvent, type DriverSession, type PermissionAnswer, type TurnOutcome } from '../driver.js';
import { findProgram } from './find-program.js';
import { CliChild, type ChildExit } from './cli-child.js';
import { CliSession, delay } from './cli-session.js';
import {
  claudeArgs,
  encodeControlError,
  encodeInitialize,
  encodeInterrupt,
  encodePermissionAnswer,
  encodeUserTurn,
  isTransientResult,
  parseClaudeLine,
  type ClaudeResult,
  type ParsedLine,
} from './claude-protocol.js';

export interface ClaudeDriverOptions {
  /** BRAINS_CLAUDE_PATH of the daemon; otherwise `claude` is looked up on the agent's own PATH. */
  binaryPath?: string;
  log?: (msg: string) => void;
  /** How long start() waits for the CLI to answer its initialize request (MCP servers start first). */
  startTimeoutMs?: number;
  /** How long an interrupted turn may take to end before its process tree is killed. */
  interruptGraceMs?: number;
}

export class ClaudeDriver implements AgentDriver {
  readonly backend = 'claude';
  constructor(private readonly options: ClaudeDriverOptions = {}) {}

  async start(spec: AgentSpec): Promise<DriverSession> {
    const binary = findProgram(this.options.binaryPath || 'claude', spec.env.PATH, spec.workingDirectory);
    if (!binary) throw new DriverStartError('claude not found: install Claude Code or set BRAINS_CLAUDE_PATH', 'NOT_FOUND');
    const isDirectory = await stat(spec.workingDirectory).then((s) => s.isDirectory(), () => false);
    if (!isDirectory) throw new DriverStartError(`working directory ${spec.workingDirectory} is not a directory`, 'INVALID');
    const session = new ClaudeSession(spec, this.options.log ?? (() => {}), this.options.interruptGraceMs ?? 5000);
    await session.open(binary, this.options.startTimeoutMs ?? 60_000);
    return session;
  }
}

interface ControlWaiter {
  resolve: (response: NonNullable<ParsedLine['controlResponse']> | null) => void;
}

class ClaudeSession extends CliSession implements DriverSession {
  protected readonly name = 'claude';
  protected readonly maxOutputBytes: number;
  private sessionId: string | null;
  private readonly permissions = new Set<string>();
  private readonly controlWaiters = new Map<string, ControlWaiter>();
  private startErrors: string[] = [];
  private requestCount = 0;

  constructor(
    private readonly spec: AgentSpec,
    log: (msg: string) => void,
    private readonly interruptGraceMs: number,
  ) {
    super(log);
    this.sessionId = spec.nativeSessionId;
    this.maxOutputBytes = spec.maxOutputBytes;
  }

  protected nativeSessionId(): string | null {
    return this.sessionId;
  }

  protected dropPending(): void {
    this.permissions.clear();
  }

  async open(binary: string, timeoutMs: number): Promise<void> {
    const spawned = await CliChild.spawn({
      file: binary,
      args: claudeArgs(this.spec),
      cwd: this.spec.workingDirectory,
      env: this.spec.env,
      maxLineBytes: this.spec.maxOutputBytes,
      onLine: (line) => this.onLine(line),
      onStdoutBytes: (bytes) => this.countBytes(bytes),
      onLongLine: (bytes) => this.log(`claude: dropped a stdout line over ${bytes} bytes`),
      onExit: (exit) => this.onExit(exit),
    });
    if ('error' in spawned) throw new DriverStartError(`claude could not start: ${spawned.error}`, 'UNAVAILABLE');
    this.child = spawned;
    const answer = await this.control(encodeInitialize, timeoutMs);
    this.startErrors = [];
    if (answer?.ok) return;
    const why = answer ? `claude refused to initialize: ${answer.error}` : this.gone ? this.startFailure() : `claude did not answer within ${timeoutMs} ms`;
    this.child.signal('SIGKILL');
    throw new DriverStartError(why, answer ? 'INVALID' : 'UNAVAILABLE');
  }

  turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    const begun = this.begin(onEvent, {});
    if (!('turn' in begun)) return Promise.resolve(begun);
    this.child!.write(encodeUserTurn(text));
    return begun.outcome;
  }

  answerPermission(requestId: string, answer: PermissionAnswer): void {
    if (!this.permissions.delete(requestId)) {
      this.log(`claude: no permission request ${requestId} is waiting; answer dropped`);
      return;
    }
    this.child?.write(encodePermissionAnswer(requestId, answer));
  }

  async interrupt(): Promise<void> {
    const turn = this.turnState;
    if (!turn || turn.finished || !this.child) return;
    turn.interrupted = true;
    void this.control(encodeInterrupt, this.interruptGraceMs);
    await this.awaitInterrupt(turn, this.interruptGraceMs, 'interrupted');
  }

  private onLine(line: string): void {
    if (this.gone) return;
    const parsed = parseClaudeLine(line, this.spec.workingDirectory);
    if (parsed.error) this.log(`claude: ignored stdout line (${parsed.error})`);
    for (const event of parsed.events) this.deliver(event);
    if (parsed.controlResponse) this.controlWaiters.get(parsed.controlResponse.requestId)?.resolve(parsed.controlResponse);
    if (parsed.cancelledRequestId && this.permissions.delete(parsed.cancelledRequestId)) {
      this.log(`claude: permission request ${parsed.cancelledRequestId} was withdrawn by the CLI`);
    }
    if (parsed.unservedRequest) {
      this.child?.write(encodeControlError(parsed.unservedRequest.requestId, `brains does not serve ${parsed.unservedRequest.subtype}`));
    }
    if (parsed.result) this.onResult(parsed.result);
  }

  protected override deliver(event: DriverEvent): void {
    if (event.type === 'session') {
      if (event.nativeSessionId === this.sessionId) return;
      this.sessionId = event.nativeSessionId;
    }
    if (event.type === 'permission') this.permissions.add(event.requestId);
    const turn = this.turnState;
    if (!turn) {
      if (event.type !== 'session') this.log(`claude: a ${event.type} event arrived outside a turn`);
      return;
    }
    if (event.type === 'text') turn.deltas.push(event.delta);
    turn.onEvent(event);
  }

  private onResult(result: ClaudeResult): void {
    const turn = this.turnState;
    if (!turn) {
      if (result.isError) this.startErrors.push(result.text);
      return;
    }
    this.permissions.clear();
    const streamed = turn.deltas.join('');
    const outcome: TurnOutcome = turn.interrupted
      ? { status: 'interrupted', text: streamed }
      : result.isError
        ? { status: 'error', text: streamed, error: result.text, transient: isTransientResult(result) }
        : { status: 'done', text: result.text || streamed };
    if (result.usage) outcome.usage = result.usage;
    if (result.costUsd !== undefined) outcome.costUsd = result.costUsd;
    this.finish(outcome);
  }

  protected override onExit(exit: ChildExit): void {
    for (const waiter of this.controlWaiters.values()) waiter.resolve(null);
    super.onExit(exit);
  }

  private startFailure(): string {
    const said = [...this.startErrors, this.child?.stderrTail ?? ''].filter(Boolean).join(' / ');
    return `${this.gone}${said ? `: ${said}` : ''}`;
  }

  /** Sends one control request and waits for its answer: null when the process ended or `ms` passed first. */
  private async control(encode: (requestId: string) => string, ms: number): Promise<ParsedLine['controlResponse'] | null> {
    const requestId = `req_${++this.requestCount}_${randomBytes(4).toString('hex')}`;
    const answer = new Promise<ParsedLine['controlResponse'] | null>((resolve) => this.controlWaiters.set(requestId, { resolve }));
    if (!this.child?.write(encode(requestId))) this.controlWaiters.get(requestId)?.resolve(null);
    const result = await Promise.race([answer, delay(ms).then(() => null)]);
    this.controlWaiters.delete(requestId);
    return result;
  }
}
