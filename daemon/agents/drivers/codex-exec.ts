// An older Codex without app-server: `codex exec --json [resume ID] -`, one process per turn, its JSONL events read as
// they come. It cannot ask for permission, so Codex's own sandbox (workspace-write) decides what the agent may do.
import type { AgentSpec, DriverEvent, DriverSession, TurnOutcome, TurnUsage } from '../driver.js';
import { CliChild, type ChildExit } from './cli-child.js';
import { mcpOverrides } from './codex-protocol.js';
import { isRecord } from './tool-summary.js';

export const EXEC_MODE_NOTE = "codex exec (this Codex has no app-server): no permission requests; Codex's own sandbox (workspace-write) decides what the agent may do";

export function execArgs(spec: AgentSpec, threadId: string | null): string[] {
  return [
    ...mcpOverrides(spec.mcpConfigPath),
    'exec',
    '--json',
    '--skip-git-repo-check',
    '--sandbox',
    'workspace-write',
    ...(spec.model ? ['--model', spec.model] : []),
    ...spec.addDirs.flatMap((dir) => ['--add-dir', dir]),
    ...(threadId ? ['resume', threadId] : []),
    '-',
  ];
}

interface ExecTurn {
  child: CliChild;
  onEvent: (event: DriverEvent) => void;
  texts: string[];
  usage?: TurnUsage;
  failure: string | null;
  completed: boolean;
  interrupted: boolean;
  bytes: number;
  resolve: (outcome: TurnOutcome) => void;
}

export class CodexExecSession implements DriverSession {
  readonly note = EXEC_MODE_NOTE;
  private running: ExecTurn | null = null;
  private stopped = false;

  constructor(
    private readonly spec: AgentSpec,
    private readonly binary: string,
    private threadId: string | null,
    private readonly log: (msg: string) => void,
  ) {}

  get pid(): number | null {
    return this.running?.child.running ? this.running.child.pid : null;
  }

  async turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    if (this.stopped) return { status: 'error', text: '', error: 'the codex session was stopped' };
    if (this.running) return { status: 'error', text: '', error: 'a turn is already running in this session' };
    let resolve!: (outcome: TurnOutcome) => void;
    const outcome = new Promise<TurnOutcome>((r) => (resolve = r));
    let turn: ExecTurn | null = null;
    const spawned = await CliChild.spawn({
      file: this.binary,
      args: execArgs(this.spec, this.threadId),
      cwd: this.spec.workingDirectory,
      env: this.spec.env,
      maxLineBytes: this.spec.maxOutputBytes,
      onLine: (line) => turn && this.onLine(turn, line),
      onStdoutBytes: (bytes) => turn && this.countBytes(turn, bytes),
      onLongLine: (bytes) => this.log(`codex exec: dropped a stdout line over ${bytes} bytes`),
      onExit: (exit) => turn && this.onExit(turn, exit),
    });
    if ('error' in spawned) return { status: 'error', text: '', error: `codex could not start: ${spawned.error}` };
    turn = { child: spawned, onEvent, texts: [], failure: null, completed: false, interrupted: false, bytes: 0, resolve };
    this.running = turn;
    spawned.write(text);
    spawned.closeStdin();
    return outcome;
  }

  answerPermission(requestId: string): void {
    this.log(`codex exec: no permission request ${requestId} can wait here (exec mode asks none); answer dropped`);
  }

  async interrupt(): Promise<void> {
    const turn = this.running;
    if (!turn) return;
    turn.interrupted = true;
    turn.child.signal('SIGINT');
    if (!(await turn.child.waitForExit(5000))) turn.child.signal('SIGKILL');
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    const turn = this.running;
    if (!turn) return;
    turn.child.signal('SIGTERM');
    if (!(await turn.child.waitForExit(graceMs))) turn.child.signal('SIGKILL');
  }

  kill(reason: string): void {
    const turn = this.running;
    if (!turn) return;
    turn.failure = reason;
    turn.child.signal('SIGKILL');
  }

  private onLine(turn: ExecTurn, line: string): void {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (!isRecord(event)) return;
    const item = isRecord(event.item) ? event.item : null;
    switch (event.type) {
      case 'thread.started':
        if (typeof event.thread_id === 'string') this.threadId = event.thread_id;
        return;
      case 'item.started':
        if (item?.type === 'command_execution' && typeof item.id === 'string') turn.onEvent({ type: 'tool_use', toolUseId: item.id, name: 'shell', summary: String(item.command ?? '') });
        return;
      case 'item.completed':
        if (!item || typeof item.id !== 'string') return;
        if (item.type === 'agent_message' && typeof item.text === 'string') {
          turn.texts.push(item.text);
          turn.onEvent({ type: 'text', delta: turn.texts.length > 1 ? `\n\n${item.text}` : item.text });
        } else if (item.type === 'command_execution') {
          turn.onEvent({ type: 'tool_result', toolUseId: item.id, summary: item.status === 'declined' ? 'declined by the sandbox' : String(item.aggregated_output ?? '').trim().split('\n').slice(-3).join(' / ') || 'no output', isError: item.status !== 'completed' });
        } else if (item.type === 'file_change') {
          const paths = Array.isArray(item.changes) ? item.changes.map((c) => (isRecord(c) ? String(c.path) : '')).join(', ') : '';
          turn.onEvent({ type: 'tool_use', toolUseId: item.id, name: 'edit', summary: paths });
          turn.onEvent({ type: 'tool_result', toolUseId: item.id, summary: String(item.status ?? 'done'), isError: item.status !== 'completed' });
        }
        return;
      case 'turn.completed': {
        turn.completed = true;
        const usage = isRecord(event.usage) ? event.usage : null;
        if (usage) {
          turn.usage = {};
          if (typeof usage.input_tokens === 'number') turn.usage.input_tokens = usage.input_tokens;
          if (typeof usage.output_tokens === 'number') turn.usage.output_tokens = usage.output_tokens;
          if (typeof usage.cached_input_tokens === 'number') turn.usage.cache_read_input_tokens = usage.cached_input_tokens;
        }
        return;
      }
      case 'turn.failed':
        turn.failure = isRecord(event.error) && typeof event.error.message === 'string' ? event.error.message : 'the turn failed';
        return;
      case 'error':
        if (typeof event.message === 'string') this.log(`codex exec: ${event.message}`);
        return;
    }
  }

  private countBytes(turn: ExecTurn, bytes: number): void {
    turn.bytes += bytes;
    if (turn.bytes <= this.spec.maxOutputBytes || turn.failure) return;
    turn.failure = `output over ${this.spec.maxOutputBytes} bytes`;
    turn.child.signal('SIGKILL');
  }

  private onExit(turn: ExecTurn, exit: ChildExit): void {
    this.running = null;
    const text = turn.texts.join('\n\n');
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    let outcome: TurnOutcome;
    if (turn.interrupted) outcome = { status: 'interrupted', text };
    else if (turn.failure) outcome = { status: 'error', text, error: turn.failure, transient: /overloaded|capacity|rate limit|try again/i.test(turn.failure) };
    else if (!turn.completed || exit.code !== 0) outcome = { status: 'error', text, error: `codex exited (${how}) before the turn completed${turn.child.stderrTail ? `: ${turn.child.stderrTail}` : ''}`, transient: !this.stopped };
    else outcome = { status: 'done', text };
    if (turn.usage) outcome.usage = turn.usage;
    if (this.threadId) outcome.nativeSessionId = this.threadId;
    turn.resolve(outcome);
  }
}

