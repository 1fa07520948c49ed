// The managed-agent runtime, a service: one worker per agent, the global slot limit, permissions and auto_reply; it
// recovers what a stopped daemon left (turns it was running are marked interrupted, queued ones run) and ends every
// agent process when the daemon stops.
import type { EventRecord } from '../../rpc/contract/index.js';
import type { AgentControl, PlaneDeps } from '../planes/shared/deps.js';
import { markInterruptedByRestart, setState } from '../planes/agents/turns.js';
import { turnIdOf } from '../planes/agents/records.js';
import type { AgentRow } from '../store/agents.js';
import { newAgentToken, secretHash } from '../principals/credentials.js';
import { outsideCall } from '../principals/call-scope.js';
import type { Service } from '../services/registry.js';
import type { AgentDriver, DriverSession } from './driver.js';
import { AutoReply } from './auto-reply.js';
import { PermissionDesk } from './permissions.js';
import { Slots } from './slots.js';
import { specOf, writeMcpConfig, type SpecInputs } from './spec.js';
import { AgentWorker } from './worker.js';

/** Longest diff an agent.diff_updated event carries; a worktree agent's whole change is in agent.diff. */
const MAX_LIVE_DIFF_BYTES = 64 * 1024;
/** The backends whose CLI takes MCP servers: each gets brains mcp with its token, so the agent is in the fabric. */
const SPEAKS_MCP = new Set(['claude', 'codex', 'acp', 'gemini', 'copilot']);


export interface RuntimeOptions {
  drivers: ReadonlyMap<string, AgentDriver>;
  daemonEnv: NodeJS.ProcessEnv;
  /** First retry backoff (doubles per attempt). */
  backoffMs?: number;
  maxOutputBytes?: number;
}

export class AgentRuntime implements Service, AgentControl {
  readonly name = 'agents';
  private readonly workers = new Map<string, AgentWorker>();
  private readonly slots: Slots;
  private readonly permissions: PermissionDesk;
  private readonly autoReply: AutoReply;
  private unlisten: (() => void) | null = null;
  private stopping = false;

  constructor(
    private readonly deps: PlaneDeps,
    private readonly options: RuntimeOptions,
  ) {
    this.slots = new Slots(() => deps.settings.get('agent_concurrency'));
    this.permissions = new PermissionDesk(deps);
    this.autoReply = new AutoReply(deps, (name) => this.queued(name));
  }

  start(): void {
    this.recover();
    this.permissions.start(this.deps.bus);
    this.autoReply.start(this.deps.bus);
    this.unlisten = this.deps.bus.listen(['project.deleted', 'config.changed'], (event) => this.onEvent(event));
    for (const name of this.deps.store.agents.agentsWithQueued()) this.queued(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unlisten?.();
    this.autoReply.stop();
    await Promise.all([...this.workers.values()].map((worker) => worker.end('the daemon stopped')));
    this.permissions.stop();
    this.workers.clear();
  }

  queued(agentName: string): void {
    if (this.stopping) return;
    this.worker(agentName).kick();
  }

  interrupt(agentName: string): string | null {
    return this.workers.get(agentName)?.interrupt() ?? null;
  }

  reconfigured(agentName: string): void {
    this.workers.get(agentName)?.reconfigured();
  }

  removed(agentName: string): void {
    const worker = this.workers.get(agentName);
    this.workers.delete(agentName);
    void worker?.end(`${agentName} was removed`);
  }

  live(agentName: string): { pid: number | null; runningTurnNo: number | null; note: string | null } {
    const worker = this.workers.get(agentName);
    return { pid: worker?.pid ?? null, runningTurnNo: worker?.runningTurnNo ?? null, note: worker?.note ?? null };
  }

  /** Slots in use and turns waiting for one (system.info, the bench). */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.inUse, waiting: this.slots.queued };
  }

  private worker(agentName: string): AgentWorker {
    let worker = this.workers.get(agentName);
    if (!worker) {
      worker = new AgentWorker(agentName, {
        deps: this.deps,
        drivers: this.options.drivers,
        slots: this.slots,
        permissions: this.permissions,
        autoReply: this.autoReply,
        startSession: (driver, agent) => this.startSession(driver, agent),
        publishOutput: (agent, turnNo, delta) => this.publishLive('agent.output', agent, turnNo, { delta }),
        publishDiff: (agent, turnNo, diff) => {
          const cut = Buffer.byteLength(diff) > MAX_LIVE_DIFF_BYTES;
          this.publishLive('agent.diff_updated', agent, turnNo, { diff: cut ? Buffer.from(diff).subarray(0, MAX_LIVE_DIFF_BYTES).toString('utf8') : diff, truncated: cut });
        },
        backoffMs: this.options.backoffMs ?? 1000,
      });
      this.workers.set(agentName, worker);
    }
    return worker;
  }

  /** What a daemon that stopped left: turns it ran end as interrupted, states it showed are reset, its permission requests closed. */
  private recover(): void {
    const { store } = this.deps;
    outsideCall(() =>
      this.deps.mutate((emit) => {
        for (const turn of store.agents.running()) markInterruptedByRestart(this.deps, emit, turn);
        for (const agent of store.agents.list()) if (agent.state !== 'idle' && agent.state !== 'error') setState(this.deps, emit, agent, 'idle', null);
        const stale = store.approvals.list({ status: 'pending' }, 0, 10_000).rows.filter((row) => row.kind === 'permission');
        const now = new Date().toISOString();
        for (const row of stale) {
          store.approvals.close(row.approval_no, { status: 'cancelled', decision: null, decided_by: row.requested_by, decided_at: now, comment: 'the daemon restarted; the agent asks again if it still needs it' });
          emit('approval.cancelled', row.project_id, { approval_id: `approval-${row.approval_no}`, kind: 'permission', requested_by: row.requested_by, reason: 'the daemon restarted' });
        }
      }),
    );
  }

  private specInputs(): Omit<SpecInputs, 'token'> {
    return { daemonEnv: this.options.daemonEnv, stateHome: this.deps.paths.home, socket: this.deps.paths.socket, gatewayUrl: this.deps.gateway?.status().url ?? null, ...(this.options.maxOutputBytes ? { maxOutputBytes: this.options.maxOutputBytes } : {}) };
  }

  /** A new process gets a new token (the last one stops working) and, for CLIs that speak MCP, a config naming brains mcp. */
  private async startSession(driver: AgentDriver, agent: AgentRow): Promise<DriverSession> {
    const token = driver.backend === 'echo' ? null : this.mintToken(agent);
    const inputs: SpecInputs = { ...this.specInputs(), token };
    const mcpConfigPath = token !== null && SPEAKS_MCP.has(driver.backend) ? writeMcpConfig(agent, inputs, token) : null;
    return driver.start(specOf(agent, inputs, mcpConfigPath));
  }

  private mintToken(agent: AgentRow): string {
    const token = newAgentToken();
    outsideCall(() =>
      this.deps.mutate((emit) => {
        const replaced = this.deps.store.mcpTokens.replace({ token_hash: secretHash(token), project_id: agent.project_id, agent_name: agent.agent_name, created_at: new Date().toISOString() });
        emit('mcp.token_minted', agent.project_id, { agent_name: agent.agent_name, replaced });
      }),
    );
    return token;
  }

  /** Streamed text goes to subscribers only: never into the event log (the finished turn is stored whole). */
  private publishLive(type: 'agent.output' | 'agent.diff_updated', agent: AgentRow, turnNo: number, facts: Record<string, unknown>): void {
    const event: EventRecord = {
      seq: this.deps.store.events.head(),
      time: new Date().toISOString(),
      type,
      subject: agent.agent_name,
      data: { agent_name: agent.agent_name, project_id: agent.project_id, turn_id: turnIdOf(turnNo), ...facts },
      live: true,
    };
    this.deps.bus.publish([event]);
  }

  private onEvent(event: EventRecord): void {
    if (event.type === 'config.changed') {
      this.slots.admit();
      return;
    }
    // A deleted project took its agents with it.
    for (const name of [...this.workers.keys()]) if (!this.deps.store.agents.get(name)) this.removed(name);
  }
}
