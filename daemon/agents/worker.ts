// One managed agent's supervisor: runs its queued turns one at a time through its driver, with the global slot limit,
// retries with backoff, a timeout that kills the process tree, permissions sent to the approval queue, and a restart
// of its process (resuming the native session) after a crash or a change of settings.
import type { ToolUseRecord } from '../../rpc/contract/agents.js';
import type { PlaneDeps } from '../planes/shared/deps.js';
import { finishTurn, recordToolUse, setState, startTurn } from '../planes/agents/turns.js';
import { turnIdOf } from '../planes/agents/records.js';
import type { AgentRow, TurnRow } from '../store/agents.js';
import { outsideCall } from '../principals/call-scope.js';
import { DriverStartError, type AgentDriver, type DriverEvent, type DriverSession, type TurnOutcome } from './driver.js';
import type { PermissionDesk } from './permissions.js';
import { QUESTION_TOOLS } from './permissions.js';
import type { AutoReply } from './auto-reply.js';
import type { Slots } from './slots.js';
import { TurnClock } from './turn-clock.js';

const MAX_BACKOFF_MS = 30_000;

export interface WorkerContext {
  deps: PlaneDeps;
  drivers: ReadonlyMap<string, AgentDriver>;
  slots: Slots;
  permissions: PermissionDesk;
  autoReply: AutoReply;
  /** Start a driver session for the agent (token, MCP config, environment). */
  startSession(driver: AgentDriver, agent: AgentRow): Promise<DriverSession>;
  publishOutput(agent: AgentRow, turnNo: number, delta: string): void;
  /** The turn's whole change so far (live only, like the output). */
  publishDiff(agent: AgentRow, turnNo: number, diff: string): void;
  /** First retry waits this long, doubling each time. */
  backoffMs: number;
}

interface Running {
  turnNo: number;
  /** A scheduled turn in a fresh native session, in a process of its own that ends with it. */
  isolated: boolean;
  interrupted: boolean;
  timedOut: boolean;
  session: DriverSession | null;
  wake: (() => void) | null;
}

export class AgentWorker {
  private session: DriverSession | null = null;
  /** The process running now was started for an isolated turn: no conversation turn may use it. */
  private isolatedSession = false;
  private stale = false;
  private running: Running | null = null;
  private pumping: Promise<void> | null = null;
  private readonly ended = new AbortController();
  /** Why the worker ended (the daemon stopped, the agent was removed): the error of the turn it cut short. */
  private endReason = 'the agent stopped';

  constructor(
    readonly agentName: string,
    private readonly ctx: WorkerContext,
  ) {}

  get pid(): number | null {
    return this.session?.pid ?? null;
  }

  /** The running session's note (codex in exec mode), if it has one. */
  get note(): string | null {
    return this.session?.note ?? null;
  }

  get runningTurnNo(): number | null {
    return this.running?.turnNo ?? null;
  }

  /** Run what is queued, unless a run is under way (it picks new turns up itself). */
  kick(): void {
    if (this.pumping || this.ended.signal.aborted) return;
    this.pumping = this.pump()
      .catch((error: unknown) => this.ctx.deps.log.error('a managed agent stopped taking turns', { agent_name: this.agentName, error: String(error) }))
      .finally(() => (this.pumping = null));
  }

  interrupt(): string | null {
    const running = this.running;
    if (!running) return null;
    running.interrupted = true;
    running.wake?.();
    void running.session?.interrupt();
    return turnIdOf(running.turnNo);
  }

  /** New settings: the process ends after the running turn (now, when idle); the next turn starts one that has them. */
  reconfigured(): void {
    this.stale = true;
    if (!this.running) void this.endSession(this.grace());
  }

  /** The agent was removed, or the daemon stops: end the running turn and the process. */
  async end(why: string): Promise<void> {
    this.endReason = why;
    this.ended.abort();
    const running = this.running;
    if (running) {
      running.interrupted = true;
      running.wake?.();
    }
    this.ctx.permissions.withdrawAllOf(this.agentName, why);
    await this.endSession(this.grace());
    // The running turn is written down (interrupted, with why) before the store may close.
    await this.pumping;
  }

  private grace(): number {
    return this.ctx.deps.settings.get('agent_stop_grace_seconds') * 1000;
  }

  private async endSession(graceMs: number): Promise<void> {
    const session = this.session;
    this.session = null;
    this.stale = false;
    await session?.stop(graceMs).catch((error: unknown) => this.ctx.deps.log.warn('an agent process did not stop cleanly', { agent_name: this.agentName, error: String(error) }));
  }

  private async pump(): Promise<void> {
    const { store } = this.ctx.deps;
    while (!this.ended.signal.aborted) {
      const next = store.agents.nextQueued(this.agentName);
      if (!next) return;
      let release: () => void;
      try {
        release = await this.ctx.slots.acquire(this.ended.signal);
      } catch {
        return;
      }
      try {
        await this.run(next);
      } catch (error) {
        this.ctx.deps.log.error('a managed agent turn failed in the runtime', { agent_name: this.agentName, turn_id: turnIdOf(next.turn_no), error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        const why = 'brains failed to run this turn; see the daemon log';
        this.record((emit, agent) => {
          finishTurn(this.ctx.deps, emit, agent, next.turn_no, { status: 'error', text: '', toolUses: [], usage: null, costUsd: null, error: why });
          setState(this.ctx.deps, emit, agent, 'error', why);
        });
      } finally {
        release();
      }
    }
  }

  /** A write of this agent's, outside any call; skipped when the agent is gone. */
  private record<T>(write: (emit: Parameters<Parameters<PlaneDeps['mutate']>[0]>[0], agent: AgentRow) => T): T | undefined {
    return outsideCall(() =>
      this.ctx.deps.mutate((emit) => {
        const agent = this.ctx.deps.store.agents.get(this.agentName);
        return agent ? write(emit, agent) : undefined;
      }),
    );
  }

  private async run(turn: TurnRow): Promise<void> {
    const { deps } = this.ctx;
    const userText = (turn.user_turn_no !== null ? deps.store.agents.turn(turn.user_turn_no)?.text : undefined) ?? '';
    const running: Running = { turnNo: turn.turn_no, isolated: turn.isolated === 1, interrupted: false, timedOut: false, session: null, wake: null };
    this.running = running;
    const toolUses: ToolUseRecord[] = [];
    let outcome: TurnOutcome = { status: 'error', text: '', error: 'the turn did not run' };
    let attempt = turn.attempts;
    try {
      for (;;) {
        attempt += 1;
        const started = this.record((emit, agent) => {
          const ok = startTurn(deps, emit, agent, turn.turn_no, attempt);
          if (ok) setState(deps, emit, agent, 'working', null);
          return ok;
        });
        if (!started) return;
        outcome = await this.attempt(running, userText, toolUses);
        const retry = outcome.status === 'error' && outcome.transient === true && attempt < deps.settings.get('agent_retry_attempts');
        if (!retry || running.interrupted || running.timedOut || this.ended.signal.aborted) break;
        deps.log.warn('a managed agent turn failed; trying again', { agent_name: this.agentName, turn_id: turnIdOf(turn.turn_no), attempt, error: outcome.error });
        await this.endSession(0);
        await this.pause(running, Math.min(MAX_BACKOFF_MS, this.ctx.backoffMs * 2 ** (attempt - 1)));
        if (running.interrupted || this.ended.signal.aborted) break;
      }
    } finally {
      this.running = null;
    }
    this.ctx.permissions.withdrawAllOf(this.agentName, 'the turn ended before a decision');
    const status = running.timedOut ? 'timed_out' : running.interrupted && outcome.status !== 'done' ? 'interrupted' : outcome.status;
    const cutShort = status === 'interrupted' && this.ended.signal.aborted;
    const error = status === 'done' ? null : cutShort ? `${this.endReason} while this turn ran; send it again if it is still wanted` : (outcome.error ?? (status === 'interrupted' ? 'interrupted' : null));
    this.record((emit, agent) => {
      finishTurn(deps, emit, agent, turn.turn_no, { status, text: outcome.text, toolUses, usage: outcome.usage ?? null, costUsd: outcome.costUsd ?? null, error });
      if (!running.isolated && outcome.nativeSessionId && outcome.nativeSessionId !== agent.native_session_id) deps.store.agents.update(agent.agent_name, { native_session_id: outcome.nativeSessionId });
      setState(deps, emit, agent, status === 'error' || status === 'timed_out' ? 'error' : this.ended.signal.aborted ? 'stopped' : 'idle', status === 'error' || status === 'timed_out' ? error : null);
    });
    this.ctx.autoReply.answered(turn, { status, text: outcome.text, error });
    if (this.stale || running.timedOut || running.isolated) await this.endSession(this.grace());
  }

  /** Wait out a backoff; an interrupt or the end cuts it short. */
  private pause(running: Running, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        running.wake = null;
        resolve();
      }
      running.wake = done;
    });
  }

  private async attempt(running: Running, userText: string, toolUses: ToolUseRecord[]): Promise<TurnOutcome> {
    const { deps } = this.ctx;
    let session: DriverSession;
    try {
      session = await this.sessionFor(running.isolated);
    } catch (error) {
      const known = error instanceof DriverStartError;
      return { status: 'error', text: '', error: known ? error.message : `the agent could not start: ${error instanceof Error ? error.message : String(error)}`, transient: !known };
    }
    running.session = session;
    if (running.interrupted) return { status: 'interrupted', text: '' };
    const timeoutSeconds = deps.settings.get('agent_turn_timeout_seconds');
    const clock = new TurnClock(timeoutSeconds * 1000, () => {
      running.timedOut = true;
      session.kill(`the turn ran past agent_turn_timeout_seconds (${timeoutSeconds} s); its processes were killed`);
    });
    let said = '';
    const onEvent = (event: DriverEvent) => this.onEvent(event, running, session, clock, toolUses, (delta) => (said += delta));
    const outcome = await session.turn(userText, onEvent);
    clock.clear();
    running.session = null;
    if (running.timedOut || (outcome.status === 'error' && outcome.transient)) this.session = null;
    return { ...outcome, text: outcome.text || said };
  }

  /**
   * The process for the next turn. An isolated turn gets one of its own that resumes nothing; the conversation's process
   * ends first (a new process's token replaces the old one's), and the next conversation turn resumes its session anew.
   */
  private async sessionFor(isolated = false): Promise<DriverSession> {
    if (this.session && (this.stale || isolated || this.isolatedSession)) await this.endSession(this.grace());
    this.isolatedSession = isolated;
    if (this.session) return this.session;
    const stored = this.ctx.deps.store.agents.get(this.agentName);
    const agent = stored && isolated ? { ...stored, native_session_id: null } : stored;
    if (!agent) throw new DriverStartError(`${this.agentName} was removed`, 'NOT_FOUND');
    const driver = this.ctx.drivers.get(agent.backend);
    if (!driver) throw new DriverStartError(`backend ${agent.backend} is not available in this brains; choose one of ${[...this.ctx.drivers.keys()].join(', ')}`, 'INVALID');
    const session = await this.ctx.startSession(driver, agent);
    // Ended while the process started (removed, the daemon stopping): nothing else would ever stop it.
    if (this.ended.signal.aborted) {
      await session.stop(this.grace()).catch(() => undefined);
      throw new DriverStartError(this.endReason, 'UNAVAILABLE');
    }
    this.session = session;
    return session;
  }

  private onEvent(event: DriverEvent, running: Running, session: DriverSession, clock: TurnClock, toolUses: ToolUseRecord[], say: (delta: string) => void): void {
    const { deps } = this.ctx;
    switch (event.type) {
      case 'session':
        if (running.isolated) return;
        this.record((_emit, agent) => {
          if (agent.native_session_id !== event.nativeSessionId) deps.store.agents.update(agent.agent_name, { native_session_id: event.nativeSessionId });
        });
        return;
      case 'diff': {
        const agent = deps.store.agents.get(this.agentName);
        if (agent) this.ctx.publishDiff(agent, running.turnNo, event.diff);
        return;
      }
      case 'text': {
        say(event.delta);
        const agent = deps.store.agents.get(this.agentName);
        if (agent) this.ctx.publishOutput(agent, running.turnNo, event.delta);
        return;
      }
      case 'tool_use': {
        const use: ToolUseRecord = { tool_use_id: event.toolUseId, name: event.name, summary: event.summary, result: null, is_error: null };
        toolUses.push(use);
        this.record((emit, agent) => recordToolUse(deps, emit, agent, running.turnNo, toolUses, use));
        return;
      }
      case 'tool_result': {
        const use = toolUses.find((u) => u.tool_use_id === event.toolUseId);
        if (!use) return;
        use.result = event.summary;
        use.is_error = event.isError;
        this.record((emit, agent) => recordToolUse(deps, emit, agent, running.turnNo, toolUses, use));
        return;
      }
      case 'permission': {
        const agent = deps.store.agents.get(this.agentName);
        if (!agent) return;
        clock.pause();
        const state = QUESTION_TOOLS.has(event.toolName) ? 'needs_answer' : 'needs_permission';
        void this.ctx.permissions
          .ask({ agent, toolName: event.toolName, input: event.input, summary: event.summary }, (approvalId) =>
            this.record((emit, row) => setState(deps, emit, row, state, `${approvalId} ${event.toolName}: ${event.summary}`.slice(0, 300))),
          )
          .then((answer) => {
            session.answerPermission(event.requestId, answer);
            clock.resume();
            if (this.running === running && this.ctx.permissions.waitingFor(this.agentName) === 0) this.record((emit, row) => setState(deps, emit, row, 'working', null));
          });
        return;
      }
    }
  }
}
