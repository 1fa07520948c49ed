// The approvals and handoffs plane: agents ask, the operator decides once, and the requester hears of it at once.
import { OPERATOR } from '../../../rpc/contract/common.js';
import {
  DEFAULT_APPROVAL_OPTIONS,
  MAX_APPROVAL_BODY_BYTES,
  MAX_APPROVAL_COMMENT_BYTES,
  approvalsMethods,
  type ApprovalRecord,
  type ApprovalSummary,
} from '../../../rpc/contract/approvals.js';
import { BrainsError } from '../../../rpc/errors.js';
import { waitUntil } from '../../events/wait.js';
import type { Emit } from '../../events/mutate.js';
import type { ApprovalKind, ApprovalRow, ApprovalStatus } from '../../store/approvals.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import type { Principal } from '../../principals/principal.js';
import { requireMember, requireOpenProject, requireProject } from '../shared/guards.js';
import { decisionNotice, sendDecisionMessages } from './notify.js';
import { noteHandedIn, requireHandableTask, settleHandedTask } from './task-link.js';
import { taskIdOf } from '../tasks/queue.js';

const approvalIdOf = (approvalNo: number): string => `approval-${approvalNo}`;
const approvalNoOf = (approvalId: string): number => Number(approvalId.slice('approval-'.length));

function summaryOf(row: ApprovalRow): ApprovalSummary {
  return {
    approval_id: approvalIdOf(row.approval_no),
    kind: row.kind,
    project_id: row.project_id,
    requested_by: row.requested_by,
    title: row.title,
    options: JSON.parse(row.options) as string[],
    resource_refs: JSON.parse(row.resource_refs) as string[],
    status: row.status,
    addressed_to: row.addressed_to,
    cc: JSON.parse(row.cc) as string[],
    created_at: row.created_at,
    decision: row.decision,
    decided_by: row.decided_by,
    decided_at: row.decided_at,
    comment: row.comment,
    task_id: row.task_no === null ? null : taskIdOf(row.task_no),
  };
}

const recordOf = (row: ApprovalRow): ApprovalRecord => ({ ...summaryOf(row), body: row.body });

/** The default options read as approved / denied; any other chosen option leaves the approval `decided`. */
function statusFor(decision: string): Exclude<ApprovalStatus, 'pending' | 'cancelled'> {
  if (decision === 'approve' || decision === 'allow' || decision === 'allow_always') return 'approved';
  if (decision === 'deny') return 'denied';
  return 'decided';
}

function checkBytes(text: string, what: string, max: number): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > max) throw new BrainsError('LIMIT_EXCEEDED', `${what} is ${bytes} bytes, over the ${max}-byte limit; shorten it or store it as a resource`, { limit: max, size: bytes });
}

function describeClosed(row: ApprovalRow): string {
  if (row.status === 'cancelled') return `it was cancelled by ${row.decided_by} at ${row.decided_at}`;
  return `it was already decided (${row.decision}) by ${row.decided_by} at ${row.decided_at}`;
}

interface NewRequest {
  project_id: string;
  agent_name: string;
  kind: ApprovalKind;
  title: string;
  body: string | null;
  options: readonly string[];
  resource_refs: readonly string[];
  task_id: string | null;
}

export function approvalsHandlers(deps: PlaneDeps): HandlersFor<typeof approvalsMethods> {
  const { store } = deps;

  const requireApproval = (approvalId: string): ApprovalRow => {
    const row = store.approvals.get(approvalNoOf(approvalId));
    if (!row) throw new BrainsError('NOT_FOUND', `no approval ${approvalId}; see them with approval.list`, { approval_id: approvalId });
    return row;
  };

  /** An approval the caller may see: a token only those of its own project. */
  const requireVisible = (approvalId: string, principal: Principal): ApprovalRow => {
    const row = requireApproval(approvalId);
    deps.access.requireMaySee(principal, row.project_id, approvalId);
    return row;
  };

  const insertRequest = (request: NewRequest): ApprovalRecord => {
    if (request.agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} decides approvals; requests and handoffs come from agents`);
    if (request.body !== null) checkBytes(request.body, request.kind === 'handoff' ? 'the summary' : 'the body', MAX_APPROVAL_BODY_BYTES);
    return deps.mutate((emit) => {
      requireOpenProject(store, request.project_id);
      requireMember(store, request.project_id, request.agent_name);
      const task = request.task_id === null ? null : requireHandableTask(store, request.project_id, request.agent_name, request.task_id);
      const coordinator = store.projects.coordinator(request.project_id)?.agent_name ?? null;
      const cc = request.kind === 'handoff' && coordinator !== null && coordinator !== request.agent_name ? [coordinator] : [];
      const approvalNo = store.approvals.insert({
        project_id: request.project_id,
        kind: request.kind,
        requested_by: request.agent_name,
        title: request.title,
        body: request.body,
        options: JSON.stringify(request.options),
        resource_refs: JSON.stringify([...new Set(request.resource_refs)]),
        status: 'pending',
        addressed_to: OPERATOR,
        cc: JSON.stringify(cc),
        created_at: new Date().toISOString(),
        decision: null,
        decided_by: null,
        decided_at: null,
        comment: null,
        task_no: task?.task_no ?? null,
      });
      const record = recordOf(store.approvals.get(approvalNo)!);
      emit('approval.requested', request.project_id, {
        approval_id: record.approval_id,
        kind: record.kind,
        requested_by: record.requested_by,
        title: record.title,
        addressed_to: record.addressed_to,
        cc: record.cc,
        options: record.options,
      });
      if (task) noteHandedIn(emit, task, record.approval_id);
      return record;
    });
  };

  /** The decision reaches the requester (and a handoff's cc) as a message, and everyone else as approval.decided. */
  const notifyRequester = (emit: Emit, row: ApprovalRow): void => {
    const approvalId = approvalIdOf(row.approval_no);
    // A permission's decision goes back to the agent's CLI in its own protocol (the agent runtime hears approval.decided).
    const message_ids = row.kind === 'permission' ? [] : sendDecisionMessages(deps, emit, row, approvalId);
    emit('approval.decided', row.project_id, { ...decisionNotice(row, approvalId), to_agent: row.requested_by, message_ids });
  };

  deps.hooks.welcome.push(({ memberships }) => ({
    pending_approvals: memberships.flatMap((m) =>
      store.approvals.pendingFor(m.project_id, m.agent_name).map((row) => ({ ...summaryOf(row), relation: row.relation })),
    ),
  }));

  return {
    'approval.request': (params) =>
      insertRequest({
        project_id: params.project_id,
        agent_name: params.agent_name,
        kind: 'approval',
        title: params.title,
        body: params.body ?? null,
        options: params.options ?? DEFAULT_APPROVAL_OPTIONS,
        resource_refs: params.resource_refs ?? [],
        task_id: null,
      }),

    'handoff.submit': (params) =>
      insertRequest({
        project_id: params.project_id,
        agent_name: params.agent_name,
        kind: 'handoff',
        title: params.title,
        body: params.summary,
        options: DEFAULT_APPROVAL_OPTIONS,
        resource_refs: params.resource_refs ?? [],
        task_id: params.task_id ?? null,
      }),

    'approval.list': ({ project_id: asked, status, requested_by, offset, limit }, ctx) => {
      const project_id = deps.access.confinedTo(ctx.principal) ?? asked;
      if (project_id !== undefined) requireProject(store, project_id);
      const { rows, total } = store.approvals.list({ project_id, status, requested_by }, offset, limit);
      return { approvals: rows.map(summaryOf), total, offset, limit };
    },

    'approval.get': ({ approval_id }, ctx) => recordOf(requireVisible(approval_id, ctx.principal)),

    'approval.decide': ({ approval_id, decision, comment, decided_by }) => {
      const decider = decided_by ?? OPERATOR;
      if (decider !== OPERATOR) throw new BrainsError('PERMISSION_DENIED', `only the ${OPERATOR} decides approvals; ${decider} may ask with approval.request and wait with approval.wait`);
      if (comment !== undefined) checkBytes(comment, 'the comment', MAX_APPROVAL_COMMENT_BYTES);
      return deps.mutate((emit) => {
        const row = requireApproval(approval_id);
        if (row.status !== 'pending') throw new BrainsError('CONFLICT', `${approval_id} cannot be decided: ${describeClosed(row)}`, { status: row.status, decision: row.decision });
        const options = JSON.parse(row.options) as string[];
        // brains approve / deny say approve and deny; a permission calls them allow and deny.
        if (row.kind === 'permission' && decision === 'approve') decision = 'allow';
        if (!options.includes(decision)) throw new BrainsError('INVALID', `${decision} is not an option of ${approval_id}; choose one of: ${options.join(', ')}`, { options });
        store.approvals.close(row.approval_no, { status: statusFor(decision), decision, decided_by: decider, decided_at: new Date().toISOString(), comment: comment ?? null });
        const decided = store.approvals.get(row.approval_no)!;
        notifyRequester(emit, decided);
        settleHandedTask(store, emit, decided);
        return recordOf(decided);
      });
    },

    'approval.cancel': ({ approval_id, agent_name: named, reason }, ctx) =>
      deps.mutate((emit) => {
        const row = requireVisible(approval_id, ctx.principal);
        // An agent that leaves agent_name out is whoever it is in the approval's project; the operator must name the requester.
        const agent_name = named ?? (ctx.principal.kind === 'operator' ? undefined : deps.access.nameIn(ctx.principal, row.project_id));
        if (agent_name === undefined) throw new BrainsError('INVALID', `pass agent_name: the requester of ${approval_id} (${row.requested_by}) cancels it`);
        if (ctx.principal.kind !== 'operator') deps.access.requireMayActAs(ctx.principal, row.project_id, agent_name, approval_id);
        if (agent_name !== row.requested_by) throw new BrainsError('PERMISSION_DENIED', `only ${row.requested_by}, who asked, may cancel ${approval_id}; the ${OPERATOR} may deny it instead`);
        if (row.status !== 'pending') throw new BrainsError('CONFLICT', `${approval_id} cannot be cancelled: ${describeClosed(row)}`, { status: row.status });
        store.approvals.close(row.approval_no, { status: 'cancelled', decision: null, decided_by: agent_name, decided_at: new Date().toISOString(), comment: reason ?? null });
        emit('approval.cancelled', row.project_id, { approval_id, kind: row.kind, requested_by: row.requested_by, reason: reason ?? null });
        const cancelled = store.approvals.get(row.approval_no)!;
        settleHandedTask(store, emit, cancelled);
        return recordOf(cancelled);
      }),

    'approval.wait': async ({ approval_id, timeout_seconds }, ctx) => {
      const projectId = requireVisible(approval_id, ctx.principal).project_id;
      const approvalNo = approvalNoOf(approval_id);
      const outcome = await waitUntil(
        deps.bus,
        {
          types: ['approval.decided', 'approval.cancelled', 'project.deleted'],
          relevant: (e) => (e.type === 'project.deleted' ? e.subject === projectId : (e.data as { approval_id?: unknown } | null)?.approval_id === approval_id),
          timeoutMs: timeout_seconds * 1000,
          signal: ctx.signal,
        },
        () => {
          const row = store.approvals.get(approvalNo);
          return row === null || row.status !== 'pending' ? { row } : null;
        },
      );
      const row = outcome.value ? outcome.value.row : store.approvals.get(approvalNo);
      if (!row) throw new BrainsError('NOT_FOUND', `approval ${approval_id} was deleted with its project while you waited`, { approval_id });
      return { ...recordOf(row), timed_out: outcome.timed_out, waited_ms: outcome.waited_ms };
    },
  };
}
