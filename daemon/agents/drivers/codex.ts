// The codex backend: one long-lived `codex app-server` per agent, driven over its JSON-RPC: a thread (started, or
// resumed from the stored id), a turn per prompt, its approval requests answered from the operator's decisions.
import { stat } from 'node:fs/promises';
import { DriverStartError, type AgentDriver, type AgentSpec, type DriverEvent, type DriverSession, type PermissionAnswer, type TurnOutcome, type TurnUsage } from '../driver.js';
import { findProgram } from './find-program.js';
import { CliChild, type ChildExit } from './cli-child.js';
import { CliSession, type RunningTurn } from './cli-session.js';
import { LineRpc, type RpcAnswer, type RpcId } from './line-rpc.js';
import { appServerArgs, approvalDecision, readApprovalRequest, readNotification, threadParams, turnParams } from './codex-protocol.js';
import { isRecord } from './tool-summary.js';
import { CodexExecSession } from './codex-exec.js';

/** The CLI has no app-server subcommand (a Codex older than it): the driver falls back to codex exec. */
class NoAppServer extends Error {}

export interface CodexDriverOptions {
  /** BRAINS_CODEX_PATH of the daemon; otherwise `codex` is looked up on the agent's own PATH. */
  binaryPath?: string;
  log?: (msg: string) => void;
  /** How long start() waits for each answer of the handshake (initialize, thread/start or thread/resume). */
  startTimeoutMs?: number;
  /** How long an interrupted turn may take to end before its process tree is killed. */
  interruptGraceMs?: number;
  version?: string;
}

const REQUEST_TIMEOUT_MS = 60_000;
/** JSON-RPC's "method not found": what a request we do not serve gets, so Codex never waits on it. */
const METHOD_NOT_FOUND = -32601;
/** How Codex refuses to resume a thread it has no record of. */
const NO_SUCH_THREAD = /no rollout found|thread not found/i;

export class CodexDriver implements AgentDriver {
  readonly backend = 'codex';
  constructor(private readonly options: CodexDriverOptions = {}) {}

  async start(spec: AgentSpec): Promise<DriverSession> {
    const binary = findProgram(this.options.binaryPath || 'codex', spec.env.PATH, spec.workingDirectory);
    if (!binary) throw new DriverStartError('codex not found: install the Codex CLI (npm i -g @openai/codex) or set BRAINS_CODEX_PATH', 'NOT_FOUND');
    const isDirectory = await stat(spec.workingDirectory).then((s) => s.isDirectory(), () => false);
    if (!isDirectory) throw new DriverStartError(`working directory ${spec.workingDirectory} is not a directory`, 'INVALID');
    const log = this.options.log ?? (() => {});
    const session = new CodexSession(spec, log, this.options.interruptGraceMs ?? 5000);
    try {
      await session.open(binary, this.options.startTimeoutMs ?? 60_000, this.options.version ?? '0');
    } catch (error) {
      if (!(error instanceof NoAppServer)) throw error;
      log(`codex: ${binary} has no app-server (${error.message}); ${spec.agentName} runs on codex exec, one process per turn`);
      return new CodexExecSession(spec, binary, spec.nativeSessionId, log);
    }
    return session;
  }
}

interface CodexTurn extends RunningTurn {
  turnId: string | null;
  messages: string[];
  usage?: TurnUsage;
}

class CodexSession extends CliSession<CodexTurn> implements DriverSession {
  protected readonly name = 'codex';
  protected readonly maxOutputBytes: number;
  private rpc: LineRpc | null = null;
  private threadId: string | null;
  /** Approval requests waiting for the operator: our request id -> Codex's JSON-RPC id. */
  private readonly approvals = new Map<string, RpcId>();
  private approvalCount = 0;

  constructor(
    private readonly spec: AgentSpec,
    log: (msg: string) => void,
    private readonly interruptGraceMs: number,
  ) {
    super(log);
    this.threadId = spec.nativeSessionId;
    this.maxOutputBytes = spec.maxOutputBytes;
  }

  protected nativeSessionId(): string | null {
    return this.threadId;
  }

  protected dropPending(): void {
    this.approvals.clear();
  }

  async open(binary: string, timeoutMs: number, version: string): Promise<void> {
    const spawned = await CliChild.spawn({
      file: binary,
      args: appServerArgs(this.spec),
      cwd: this.spec.workingDirectory,
      env: this.spec.env,
      maxLineBytes: this.spec.maxOutputBytes,
      onLine: (line) => {
        const ignored = this.rpc?.receive(line);
        if (ignored) this.log(`codex: ignored stdout line (${ignored})`);
      },
      onStdoutBytes: (bytes) => this.countBytes(bytes),
      onLongLine: (bytes) => this.log(`codex: dropped a stdout line over ${bytes} bytes`),
      onExit: (exit) => this.onExit(exit),
    });
    if ('error' in spawned) throw new DriverStartError(`codex could not start: ${spawned.error}`, 'UNAVAILABLE');
    this.child = spawned;
    this.rpc = new LineRpc({
      jsonrpc: false,
      write: (line) => this.child?.write(line) ?? false,
      onRequest: (id, method, params) => this.onRequest(id, method, params),
      onNotification: (method, params) => this.onNotification(method, params),
    });
    const initialized = await this.rpc.request('initialize', { clientInfo: { name: 'brains', title: 'brains', version } }, timeoutMs);
    if (!initialized && this.gone) {
      await this.child.waitForExit(1000);
      const said = this.child.stderrTail;
      if (/unrecognized subcommand|unexpected argument 'app-server'|invalid value 'app-server'/.test(said)) throw new NoAppServer(said.split('\n')[0] ?? said);
    }
    if (!initialized || initialized.error) this.failStart('initialize', initialized, timeoutMs);
    this.rpc.notify('initialized');
    let resuming = this.threadId !== null;
    let thread = resuming ? await this.rpc.request('thread/resume', { threadId: this.threadId, ...threadParams(this.spec) }, timeoutMs) : null;
    if (thread?.error && NO_SUCH_THREAD.test(thread.error.message)) {
      // Codex stores a thread once its first turn ran; one whose first turn never finished cannot be resumed.
      this.log(`codex: thread ${this.threadId} of ${this.spec.agentName} was never stored (${thread.error.message}); starting a new one`);
      resuming = false;
    }
    if (!resuming) thread = await this.rpc.request('thread/start', threadParams(this.spec), timeoutMs);
    if (!thread || thread.error) this.failStart(resuming ? `thread/resume ${this.threadId}` : 'thread/start', thread, timeoutMs);
    const id = isRecord(thread.result) && isRecord(thread.result.thread) ? thread.result.thread.id : undefined;
    if (typeof id !== 'string' || id === '') this.failStart('thread/start', { error: { code: 0, message: 'its answer named no thread id' } }, timeoutMs);
    this.threadId = id;
  }

  private failStart(step: string, answer: RpcAnswer | null, timeoutMs: number): never {
    const why = answer?.error
      ? `codex refused ${step}: ${answer.error.message}`
      : this.gone
        ? `${this.gone}${this.child?.stderrTail ? `: ${this.child.stderrTail}` : ''}`
        : `codex did not answer ${step} within ${timeoutMs} ms`;
    this.child?.signal('SIGKILL');
    throw new DriverStartError(why, answer?.error ? 'INVALID' : 'UNAVAILABLE');
  }

  turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    const begun = this.begin(onEvent, { turnId: null, messages: [] });
    if (!('turn' in begun)) return Promise.resolve(begun);
    const { turn: state, outcome } = begun;
    void this.rpc!.request('turn/start', turnParams(this.threadId!, text), REQUEST_TIMEOUT_MS).then((answer) => {
      if (state.finished) return;
      if (answer?.error) return this.finish({ status: 'error', text: '', error: `codex refused the turn: ${answer.error.message}` });
      if (!answer) return this.finish({ status: 'error', text: state.deltas.join(''), error: this.gone ?? `codex did not start the turn within ${REQUEST_TIMEOUT_MS} ms`, transient: true });
      const turn = isRecord(answer.result) && isRecord(answer.result.turn) ? answer.result.turn : null;
      if (turn && typeof turn.id === 'string') state.turnId ??= turn.id;
    });
    return outcome;
  }

  answerPermission(requestId: string, answer: PermissionAnswer): void {
    const rpcId = this.approvals.get(requestId);
    if (rpcId === undefined) {
      this.log(`codex: no approval request ${requestId} is waiting; answer dropped`);
      return;
    }
    this.approvals.delete(requestId);
    this.rpc?.respond(rpcId, approvalDecision(answer));
  }

  async interrupt(): Promise<void> {
    const turn = this.turnState;
    if (!turn || turn.finished || !this.rpc) return;
    turn.interrupted = true;
    if (turn.turnId && this.threadId) void this.rpc.request('turn/interrupt', { threadId: this.threadId, turnId: turn.turnId }, this.interruptGraceMs);
    await this.awaitInterrupt(turn, this.interruptGraceMs, 'interrupted');
  }

  private onRequest(id: RpcId, method: string, params: unknown): void {
    const requestId = `codex-${++this.approvalCount}`;
    const asked = readApprovalRequest(requestId, method, params);
    if (!asked || !this.turnState) {
      this.rpc?.respondError(id, METHOD_NOT_FOUND, asked ? 'no turn is running' : `brains does not serve ${method}`);
      return;
    }
    this.approvals.set(requestId, id);
    this.deliver(asked);
  }

  private onNotification(method: string, params: unknown): void {
    if (this.gone) return;
    const notice = readNotification(method, params);
    if (notice.note) this.log(notice.note);
    const turn = this.turnState;
    if (!turn) return;
    if (notice.turnId) turn.turnId ??= notice.turnId;
    if (notice.usage) turn.usage = notice.usage;
    if (notice.message !== undefined) turn.messages.push(notice.message);
    for (const event of notice.events) this.deliver(event);
    if (notice.diff !== undefined) this.deliver({ type: 'diff', diff: notice.diff });
    if (!notice.end) return;
    const text = turn.messages.length > 0 ? turn.messages.join('\n\n') : turn.deltas.join('');
    const outcome: TurnOutcome =
      notice.end.status === 'interrupted' || turn.interrupted
        ? { status: 'interrupted', text }
        : notice.end.status === 'failed'
          ? { status: 'error', text, error: notice.end.error ?? 'the turn failed', transient: notice.end.transient }
          : { status: 'done', text };
    if (turn.usage) outcome.usage = turn.usage;
    this.finish(outcome);
  }

  protected override onExit(exit: ChildExit): void {
    this.rpc?.close();
    super.onExit(exit);
  }
}

