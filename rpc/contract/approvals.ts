// Contract of the approvals and handoffs plane: agents ask the human for a decision; contributors hand finished work to the human via the coordinator.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, identifier, visibleOnOneLine } from './common.js';
import { taskId } from './tasks.js';

export const APPROVAL_KINDS = ['approval', 'handoff', 'permission'] as const;
/** A managed agent's tool permission: allow once, allow the tool for the agent until #new, or deny. */
export const PERMISSION_OPTIONS = ['allow', 'allow_always', 'deny'] as const;
/** approved / denied for the default options; decided when another option was chosen (see `decision`). */
export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'decided', 'cancelled'] as const;
export const DEFAULT_APPROVAL_OPTIONS = ['approve', 'deny'] as const;
export const MAX_APPROVAL_BODY_BYTES = 64 * 1024;
export const MAX_APPROVAL_COMMENT_BYTES = 16 * 1024;
export const MAX_RESOURCE_REFS = 50;

/** Approvals and handoffs share one numbering: approval-1, approval-2, ... never reused. */
export const approvalId = z.string().regex(/^approval-[1-9][0-9]{0,14}$/, 'an approval id such as approval-7');

const title = z.string().min(1).max(500).regex(/\S/, 'a title with some visible text').superRefine(visibleOnOneLine);
const option = z.string().regex(/^[^\s\p{Cc}](?:[^\p{Cc}]{0,62}[^\s\p{Cc}])?$/u, 'a short option of 1 to 64 characters without control characters or surrounding spaces').superRefine(visibleOnOneLine);
const options = z
  .array(option)
  .min(2)
  .max(10)
  .refine((list) => new Set(list).size === list.length, 'options must differ from each other');
const resourceRefs = z.array(identifier).max(MAX_RESOURCE_REFS).describe('resource_ids of the work this is about.');
const status = z.enum(APPROVAL_STATUSES);

export const approvalRecord = z.object({
  approval_id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  project_id: z.string(),
  requested_by: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  options: z.array(z.string()),
  resource_refs: z.array(z.string()),
  status,
  addressed_to: z.string(),
  cc: z.array(z.string()).describe('Who else is kept informed: the coordinator, for a contributor handoff.'),
  created_at: z.string(),
  decision: z.string().nullable().describe('The option chosen, once decided.'),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  comment: z.string().nullable(),
  task_id: z.string().nullable().describe('The task a handoff hands in: approving it marks the task done, denying it returns the task to its claimer.'),
});
export type ApprovalRecord = z.output<typeof approvalRecord>;

/** What approval.list gives per approval: everything but the body, which approval.get returns. */
export const approvalSummary = approvalRecord.omit({ body: true });
export type ApprovalSummary = z.output<typeof approvalSummary>;

export const approvalsMethods = defineMethods({
  'approval.request': {
    summary: 'Ask the human (operator) to decide something; returns a pending approval to wait on.',
    description: 'Then park on approval.wait until the operator decides; the decision also reaches you as a message. Options default to approve / deny.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier.describe('You, the requester.'),
        title,
        body: z.string().optional().describe(`Context for the decision, up to ${MAX_APPROVAL_BODY_BYTES} bytes.`),
        options: options.optional(),
        resource_refs: resourceRefs.optional(),
      })
      .strict(),
    result: approvalRecord,
    emits: ['approval.requested'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'request_approval',
  },
  'handoff.submit': {
    summary: 'Hand finished work in for human sign-off; the project coordinator is kept in copy.',
    description:
      'The contributor -> coordinator -> human pattern: the handoff is addressed to the operator with the coordinator in cc, so the coordinator can present it and relay the decision. Wait for the decision with approval.wait. With task_id (a task you hold), approving marks the task done and denying leaves it with you, the comment added as a note.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier.describe('You, the contributor handing the work in.'),
        title,
        summary: z.string().min(1).describe(`What was done and how to check it, up to ${MAX_APPROVAL_BODY_BYTES} bytes.`),
        resource_refs: resourceRefs.optional(),
        task_id: taskId.optional().describe('The task this hands in: one you hold (task.claim) with no other handoff pending.'),
      })
      .strict(),
    result: approvalRecord,
    emits: ['approval.requested', 'task.updated'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'submit_handoff',
  },
  'approval.list': {
    summary: 'Approvals and handoffs, pending first then newest first; filter by project, status or requester.',
    params: z
      .object({
        project_id: identifier.optional(),
        status: status.optional(),
        requested_by: identifier.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({ approvals: z.array(approvalSummary), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }),
    emits: [],
    project: ['project_id'],
    mcpTool: 'list_approvals',
  },
  'approval.get': {
    summary: 'One approval or handoff in full, with its body.',
    params: z.object({ approval_id: approvalId }).strict(),
    result: approvalRecord,
    emits: [],
    mcpTool: 'get_approval',
  },
  'approval.decide': {
    summary: 'Decide a pending approval with one of its options; only the operator may, and only once.',
    description:
      'The requester is told at once: its approval.wait wakes and the decision is sent to it. A handoff with a task: approve marks the task done, deny keeps it with its claimer (back in the queue if the session that claimed it has ended) with the comment as a note; in the same transaction.',
    params: z
      .object({
        approval_id: approvalId,
        decision: z.string().min(1).max(64).describe('One of the approval options (approve or deny by default).'),
        comment: z.string().optional().describe(`Why, or what to change, up to ${MAX_APPROVAL_COMMENT_BYTES} bytes.`),
        decided_by: identifier.optional().describe('Default operator; nobody else may decide.'),
      })
      .strict(),
    result: approvalRecord,
    emits: ['approval.decided', 'message.sent', 'task.updated', 'task.released'],
    allow: OPERATOR_ONLY,
    mutates: true,
    mcpTool: 'decide_approval',
  },
  'approval.cancel': {
    summary: 'Withdraw your own pending approval or handoff.',
    params: z
      .object({
        approval_id: approvalId,
        agent_name: identifier.optional().describe('The requester; an agent may leave it out (it is itself in the approval\'s project).'),
        reason: z.string().max(2000).superRefine(visibleOnOneLine).optional(),
      })
      .strict(),
    result: approvalRecord,
    emits: ['approval.cancelled', 'task.released'],
    actor: ['agent_name'],
    mutates: true,
    mcpTool: 'cancel_approval',
  },
  'approval.wait': {
    summary: 'Park until an approval is decided or cancelled, or the timeout; returns it with timed_out.',
    params: z
      .object({
        approval_id: approvalId,
        timeout_seconds: z
          .number()
          .min(0)
          .max(MAX_WAIT_SECONDS)
          .default(DEFAULT_WAIT_SECONDS)
          .describe(`Give up after this many seconds (default ${DEFAULT_WAIT_SECONDS}, max ${MAX_WAIT_SECONDS}).`),
      })
      .strict(),
    result: approvalRecord.extend({ timed_out: z.boolean(), waited_ms: z.number().int() }),
    emits: [],
    mcpTool: 'wait_approval',
  },
});
