// A managed agent's tool permission request becomes a pending approval of kind permission in the one queue; the
// operator's decision (approval.decided on the bus) goes back to the waiting driver.
import { PERMISSION_OPTIONS } from '../../rpc/contract/approvals.js';
import type { EventBus } from '../events/bus.js';
import type { Emit } from '../events/mutate.js';
import type { AgentRow } from '../store/agents.js';
import type { PlaneDeps } from '../planes/shared/deps.js';
import { outsideCall } from '../principals/call-scope.js';
import type { PermissionAnswer } from './driver.js';

const MAX_BODY_CHARS = 8000;
/** Claude's tool for asking the person a question: the agent then needs an answer, not a permission. */
export const QUESTION_TOOLS = new Set(['AskUserQuestion']);

export interface PermissionAsk {
  agent: AgentRow;
  toolName: string;
  input: Record<string, unknown>;
  summary: string;
}

interface Pending {
  approvalNo: number;
  agentName: string;
  input: Record<string, unknown>;
  toolName: string;
  resolve: (answer: PermissionAnswer) => void;
  timer: NodeJS.Timeout | null;
}

export class PermissionDesk {
  private readonly pending = new Map<string, Pending>();
  private unlisten: (() => void) | null = null;

  constructor(private readonly deps: PlaneDeps) {}

  start(bus: EventBus): void {
    this.unlisten = bus.listen(['approval.decided', 'approval.cancelled'], (event) => {
      const data = event.data as { approval_id?: string; kind?: string; decision?: string | null; comment?: string | null };
      if (data.kind !== 'permission' || !data.approval_id) return;
      const waiting = this.pending.get(data.approval_id);
      if (!waiting) return;
      if (event.type === 'approval.cancelled') this.settle(data.approval_id, { behavior: 'deny', message: 'the permission request was withdrawn' });
      else this.settle(data.approval_id, this.answerFor(waiting, data.decision ?? 'deny', data.comment ?? null));
    });
  }

  stop(): void {
    this.unlisten?.();
    for (const approvalId of [...this.pending.keys()]) this.withdraw(approvalId, 'the daemon stopped');
  }

  /** Ask the operator; resolves with the decision in the driver's terms. Tools allowed until #new are allowed at once. */
  ask(request: PermissionAsk, onOpened: (approvalId: string) => void): Promise<PermissionAnswer> {
    const allowed = JSON.parse(this.deps.store.agents.get(request.agent.agent_name)?.allowed_tools ?? '[]') as string[];
    if (allowed.includes(request.toolName)) return Promise.resolve({ behavior: 'allow', updatedInput: request.input });
    const approvalId = outsideCall(() => this.deps.mutate((emit) => this.open(emit, request)));
    onOpened(approvalId);
    return new Promise((resolve) => {
      const limit = this.deps.settings.get('agent_permission_timeout_seconds');
      const timer = limit > 0 ? setTimeout(() => this.expire(approvalId, limit), limit * 1000) : null;
      timer?.unref();
      this.pending.set(approvalId, { approvalNo: Number(approvalId.slice('approval-'.length)), agentName: request.agent.agent_name, input: request.input, toolName: request.toolName, resolve, timer });
    });
  }

  /** The agent's open requests are withdrawn (its turn ended, it was removed): each is cancelled and answered deny. */
  withdrawAllOf(agentName: string, why: string): void {
    for (const [approvalId, waiting] of [...this.pending]) if (waiting.agentName === agentName) this.withdraw(approvalId, why);
  }

  waitingFor(agentName: string): number {
    let count = 0;
    for (const waiting of this.pending.values()) if (waiting.agentName === agentName) count += 1;
    return count;
  }

  private open(emit: Emit, request: PermissionAsk): string {
    const { store } = this.deps;
    const body = JSON.stringify(request.input, null, 2);
    const approvalNo = store.approvals.insert({
      project_id: request.agent.project_id,
      kind: 'permission',
      requested_by: request.agent.agent_name,
      title: `${request.toolName}: ${request.summary}`.slice(0, 500),
      body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}…` : body,
      options: JSON.stringify(PERMISSION_OPTIONS),
      resource_refs: '[]',
      status: 'pending',
      addressed_to: 'operator',
      cc: '[]',
      created_at: new Date().toISOString(),
      decision: null,
      decided_by: null,
      decided_at: null,
      comment: null,
      task_no: null,
    });
    const approvalId = `approval-${approvalNo}`;
    emit('approval.requested', request.agent.project_id, {
      approval_id: approvalId,
      kind: 'permission',
      requested_by: request.agent.agent_name,
      title: `${request.toolName}: ${request.summary}`.slice(0, 500),
      addressed_to: 'operator',
      cc: [],
      options: [...PERMISSION_OPTIONS],
    });
    return approvalId;
  }

  private answerFor(waiting: Pending, decision: string, comment: string | null): PermissionAnswer {
    if (decision === 'allow_always') this.allowUntilNew(waiting.agentName, waiting.toolName);
    if (decision === 'allow') return { behavior: 'allow', updatedInput: waiting.input };
    if (decision === 'allow_always') return { behavior: 'allow', updatedInput: waiting.input, always: true };
    return { behavior: 'deny', message: comment ? `denied by the operator: ${comment}` : 'denied by the operator' };
  }

  private allowUntilNew(agentName: string, toolName: string): void {
    outsideCall(() =>
      this.deps.mutate((emit) => {
        const agent = this.deps.store.agents.get(agentName);
        if (!agent) return;
        const allowed = JSON.parse(agent.allowed_tools) as string[];
        if (allowed.includes(toolName)) return;
        this.deps.store.agents.update(agentName, { allowed_tools: JSON.stringify([...allowed, toolName]), updated_at: new Date().toISOString() });
        emit('agent.updated', agentName, { agent_name: agentName, project_id: agent.project_id, changed: ['allowed_tools'], fresh_session: false });
      }),
    );
  }

  private settle(approvalId: string, answer: PermissionAnswer): void {
    const waiting = this.pending.get(approvalId);
    if (!waiting) return;
    this.pending.delete(approvalId);
    if (waiting.timer) clearTimeout(waiting.timer);
    waiting.resolve(answer);
  }

  /** Close the approval (if still pending) without the operator, and answer the driver deny. */
  private withdraw(approvalId: string, why: string): void {
    const waiting = this.pending.get(approvalId);
    if (!waiting) return;
    // Settled first, so the approval.cancelled this publishes finds nothing left to answer.
    this.settle(approvalId, { behavior: 'deny', message: why });
    try {
      outsideCall(() =>
        this.deps.mutate((emit) => {
          const row = this.deps.store.approvals.get(waiting.approvalNo);
          if (!row || row.status !== 'pending') return;
          this.deps.store.approvals.close(waiting.approvalNo, { status: 'cancelled', decision: null, decided_by: waiting.agentName, decided_at: new Date().toISOString(), comment: why });
          emit('approval.cancelled', row.project_id, { approval_id: approvalId, kind: 'permission', requested_by: row.requested_by, reason: why });
        }),
      );
    } catch (error) {
      this.deps.log.warn('could not withdraw a permission request', { approval_id: approvalId, error: String(error) });
    }
  }

  private expire(approvalId: string, seconds: number): void {
    this.withdraw(approvalId, `nobody decided within agent_permission_timeout_seconds (${seconds} s)`);
  }
}
