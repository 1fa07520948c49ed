// The acp backend (and its presets gemini and copilot): one long-lived agent process per managed agent, driven over the
// Agent Client Protocol: a session (new, or loaded from the stored id when the agent can), a prompt per turn, its
// permission requests answered from the operator's decisions, session/cancel to interrupt.
import { stat } from 'node:fs/promises';
import { DriverStartError, type AgentDriver, type AgentSpec, type DriverEvent, type DriverSession, type PermissionAnswer, type TurnOutcome } from '../driver.js';
import { findProgram } from './find-program.js';
import { CliChild, type ChildExit } from './cli-child.js';
import { CliSession } from './cli-session.js';
import { LineRpc, type RpcAnswer, type RpcId } from './line-rpc.js';
import { ACP_PRESETS, CANCELLED_PERMISSION, initializeParams, isTransientCode, mcpServers, permissionOutcome, presetArgs, readPermissionRequest, readUpdate, stopOutcome, usageOf, type AcpOption, type AcpPreset } from './acp-protocol.js';
import { isRecord } from './tool-summary.js';

export interface AcpDriverOptions {
  /** Where each preset's CLI is, when not on the agent's PATH (BRAINS_GEMINI_PATH, BRAINS_COPILOT_PATH). */
  paths?: Partial<Record<AcpPreset, string>>;
  log?: (msg: string) => void;
  startTimeoutMs?: number;
  interruptGraceMs?: number;
  version?: string;
}

const METHOD_NOT_FOUND = -32601;

/** backend acp runs the agent's own command; gemini and copilot are that with their CLI's --acp. */
export class AcpDriver implements AgentDriver {
  constructor(
    readonly backend: 'acp' | AcpPreset,
    private readonly options: AcpDriverOptions = {},
  ) {}

  async start(spec: AgentSpec): Promise<DriverSession> {
    const { program, args, missing } = this.commandLine(spec);
    const binary = findProgram(program, spec.env.PATH, spec.workingDirectory);
    if (!binary) throw new DriverStartError(missing, 'NOT_FOUND');
    const isDirectory = await stat(spec.workingDirectory).then((s) => s.isDirectory(), () => false);
    if (!isDirectory) throw new DriverStartError(`working directory ${spec.workingDirectory} is not a directory`, 'INVALID');
    const session = new AcpSession(spec, this.backend, this.options.log ?? (() => {}), this.options.interruptGraceMs ?? 5000);
    await session.open(binary, args, this.options.startTimeoutMs ?? 60_000, this.options.version ?? '0');
    return session;
  }

  private commandLine(spec: AgentSpec): { program: string; args: string[]; missing: string } {
    if (this.backend === 'acp') {
      const [program, ...args] = spec.command ?? [];
      if (!program) throw new DriverStartError('backend acp needs command: the agent\'s program and the arguments that make it speak ACP on stdio', 'INVALID');
      return { program, args, missing: `${program} not found: name the ACP agent's program by its path, or put it on PATH` };
    }
    const preset = ACP_PRESETS[this.backend];
    const configured = this.options.paths?.[this.backend];
    return { program: configured || preset.program, args: presetArgs(spec), missing: `${preset.program} not found: ${preset.install} or set ${preset.pathVariable}` };
  }
}

class AcpSession extends CliSession implements DriverSession {
  protected readonly maxOutputBytes: number;
  private rpc: LineRpc | null = null;
  private sessionId: string | null = null;
  private readonly permissions = new Map<string, { rpcId: RpcId; options: AcpOption[] }>();
  private readonly seenToolCalls = new Set<string>();
  private permissionCount = 0;

  constructor(
    private readonly spec: AgentSpec,
    protected readonly name: string,
    log: (msg: string) => void,
    private readonly interruptGraceMs: number,
  ) {
    super(log);
    this.maxOutputBytes = spec.maxOutputBytes;
  }

  protected nativeSessionId(): string | null {
    return this.sessionId;
  }

  protected dropPending(): void {
    this.permissions.clear();
  }

  async open(binary: string, args: string[], timeoutMs: number, version: string): Promise<void> {
    const spawned = await CliChild.spawn({
      file: binary,
      args,
      cwd: this.spec.workingDirectory,
      env: this.spec.env,
      maxLineBytes: this.spec.maxOutputBytes,
      onLine: (line) => {
        const ignored = this.rpc?.receive(line);
        if (ignored) this.log(`${this.name}: ignored stdout line (${ignored})`);
      },
      onStdoutBytes: (bytes) => this.countBytes(bytes),
      onLongLine: (bytes) => this.log(`${this.name}: dropped a stdout line over ${bytes} bytes`),
      onExit: (exit) => this.onExit(exit),
    });
    if ('error' in spawned) throw new DriverStartError(`${this.name} could not start: ${spawned.error}`, 'UNAVAILABLE');
    this.child = spawned;
    this.rpc = new LineRpc({
      jsonrpc: true,
      write: (line) => this.child?.write(line) ?? false,
      onRequest: (id, method, params) => this.onRequest(id, method, params),
      onNotification: (method, params) => this.onNotification(method, params),
    });
    const initialized = await this.rpc.request('initialize', initializeParams(version), timeoutMs);
    if (!initialized || initialized.error) this.failStart('initialize', initialized, timeoutMs);
    const capabilities = isRecord(initialized.result) && isRecord(initialized.result.agentCapabilities) ? initialized.result.agentCapabilities : {};
    const servers = mcpServers(this.spec.mcpConfigPath);
    const stored = this.spec.nativeSessionId;
    if (stored && capabilities.loadSession === true) {
      const loaded = await this.rpc.request('session/load', { sessionId: stored, cwd: this.spec.workingDirectory, mcpServers: servers }, timeoutMs);
      if (!loaded || loaded.error) this.failStart(`session/load ${stored}`, loaded, timeoutMs);
      this.sessionId = stored;
      return;
    }
    if (stored) this.log(`${this.name}: the agent cannot load sessions, so ${this.spec.agentName} starts a new one (the conversation so far is not carried over)`);
    const created = await this.rpc.request('session/new', { cwd: this.spec.workingDirectory, mcpServers: servers }, timeoutMs);
    if (!created || created.error) this.failStart('session/new', created, timeoutMs);
    const id = isRecord(created.result) ? created.result.sessionId : undefined;
    if (typeof id !== 'string' || id === '') this.failStart('session/new', { error: { code: 0, message: 'its answer named no sessionId' } }, timeoutMs);
    this.sessionId = id;
  }

  private failStart(step: string, answer: RpcAnswer | null, timeoutMs: number): never {
    const why = answer?.error
      ? `${this.name} refused ${step}: ${answer.error.message}`
      : this.gone
        ? `${this.gone}${this.child?.stderrTail ? `: ${this.child.stderrTail}` : ''}`
        : `${this.name} did not answer ${step} within ${timeoutMs} ms`;
    this.child?.signal('SIGKILL');
    throw new DriverStartError(why, answer?.error ? 'INVALID' : 'UNAVAILABLE');
  }

  turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    const begun = this.begin(onEvent, {});
    if (!('turn' in begun)) return Promise.resolve(begun);
    const { turn: state, outcome } = begun;
    // A prompt runs as long as the agent works; the runtime's turn clock ends one that runs too long.
    void this.rpc!.request('session/prompt', { sessionId: this.sessionId, prompt: [{ type: 'text', text }] }, 2 ** 31 - 1).then((answer) => {
      if (state.finished) return;
      const streamed = state.deltas.join('');
      if (!answer) return this.finish({ status: 'error', text: streamed, error: this.gone ?? `${this.name} stopped answering`, transient: true });
      if (answer.error) return this.finish({ status: state.interrupted ? 'interrupted' : 'error', text: streamed, error: `${this.name}: ${answer.error.message}`, transient: isTransientCode(answer.error.code) });
      const end = stopOutcome(answer.result);
      const finished: TurnOutcome = state.interrupted && end.status === 'done' ? { status: 'interrupted', text: streamed } : { status: end.status, text: streamed, ...(end.error ? { error: end.error } : {}) };
      const usage = usageOf(answer.result);
      if (usage) finished.usage = usage;
      this.finish(finished);
    });
    return outcome;
  }

  answerPermission(requestId: string, answer: PermissionAnswer): void {
    const waiting = this.permissions.get(requestId);
    if (!waiting) {
      this.log(`${this.name}: no permission request ${requestId} is waiting; answer dropped`);
      return;
    }
    this.permissions.delete(requestId);
    this.rpc?.respond(waiting.rpcId, permissionOutcome(waiting.options, answer));
  }

  async interrupt(): Promise<void> {
    const turn = this.turnState;
    if (!turn || turn.finished || !this.rpc || !this.sessionId) return;
    turn.interrupted = true;
    this.rpc.notify('session/cancel', { sessionId: this.sessionId });
    for (const { rpcId } of this.permissions.values()) this.rpc.respond(rpcId, CANCELLED_PERMISSION);
    this.permissions.clear();
    await this.awaitInterrupt(turn, this.interruptGraceMs, 'cancelled');
  }

  private onRequest(id: RpcId, method: string, params: unknown): void {
    if (method !== 'session/request_permission') {
      this.rpc?.respondError(id, METHOD_NOT_FOUND, `brains does not serve ${method}`);
      return;
    }
    if (!this.turnState) {
      this.rpc?.respond(id, CANCELLED_PERMISSION);
      return;
    }
    const requestId = `acp-${++this.permissionCount}`;
    const { event, options } = readPermissionRequest(requestId, params);
    this.permissions.set(requestId, { rpcId: id, options });
    this.deliver(event);
  }

  private onNotification(method: string, params: unknown): void {
    if (this.gone || method !== 'session/update' || !this.turnState) return;
    for (const event of readUpdate(params, this.seenToolCalls)) this.deliver(event);
  }

  protected override onExit(exit: ChildExit): void {
    this.rpc?.close();
    super.onExit(exit);
  }
}

