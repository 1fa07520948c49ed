// The event catalogue: every event type the daemon emits, declared once with its data schema, where it is delivered and which project it belongs to.
import { z } from 'zod';
import { defineEvents, type EventDef } from './define.js';
import { lockHolder, LOCK_MODES, LOCK_END_REASONS } from './locks.js';
import { TASK_PRIORITIES, TASK_STATUSES } from './tasks.js';
import { APPROVAL_KINDS, APPROVAL_STATUSES } from './approvals.js';
import { HOOK_EVENTS, HOOK_TOOLS } from './nudges.js';
import { agentEvents } from './agent-events.js';
import { scheduleEvents } from './schedule-events.js';

/** Longest payload preview a message.sent event carries (its text form, cut here). */
export const MESSAGE_PREVIEW_CHARS = 200;

const bySubject = (e: { subject: string | null }) => e.subject;
const none = () => null;
const count = z.number().int().min(0);

const projectEvents = defineEvents({
  'project.created': {
    summary: 'A project was created.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ name: z.string(), created_by: z.string() }),
  },
  'project.joined': {
    summary: 'An agent joined a project (or rejoined under the name it holds).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ agent_name: z.string(), role: z.enum(['coordinator', 'contributor']), rejoined: z.boolean() }),
  },
  'project.left': {
    summary: 'An agent left a project; what it held there was released.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ agent_name: z.string() }),
  },
  'project.coordinator_changed': {
    summary: 'The coordinator role moved to another member (a handover, or the coordinator left).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ from_agent: z.string(), to_agent: z.string(), reason: z.string() }),
  },
  'project.archived': {
    summary: 'A project was archived: it is read-only from now on.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ by: z.string(), reason: z.string().nullable() }),
  },
  'project.deleted': {
    summary: 'A project and everything in it were deleted.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ by: z.string() }),
  },
});

const messageEnded = z.object({ message_id: z.string(), from_agent: z.string(), recipient: z.string(), attempts: count });

const messageEvents = defineEvents({
  'message.sent': {
    summary: 'A message was sent: who to whom, and a preview of its payload (only to principals allowed to read it).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({
      message_id: z.string(),
      from_agent: z.string(),
      to_agent: z.string().nullable(),
      broadcast: z.boolean(),
      reply_expected: z.boolean(),
      reply_to: z.string().nullable(),
      recipient_count: count,
      recipients: z.array(z.string()),
      preview: z
        .string()
        .max(MESSAGE_PREVIEW_CHARS)
        .nullable()
        .describe(`The first ${MESSAGE_PREVIEW_CHARS} characters of the payload's text form; null for a reader not allowed to read the message.`),
    }),
  },
  'message.delivered': {
    summary: 'Messages were handed to a recipient (a receive took them).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ agent_name: z.string(), deliveries: z.array(z.object({ message_id: z.string(), attempt: count })) }),
  },
  'message.acked': {
    summary: 'A recipient acknowledged messages: they left its inbox.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ agent_name: z.string(), message_ids: z.array(z.string()) }),
  },
  'message.dead': {
    summary: 'A message was delivered the most times without an ack: it is dead for that recipient.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: messageEnded,
  },
  'message.expired': {
    summary: 'A message outlived its TTL (or its recipient left) before being acknowledged.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: messageEnded,
  },
});

const resourceEvents = defineEvents({
  'resource.stored': {
    summary: 'A shared resource was created or replaced (its version went up by one).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ resource_id: z.string(), version: count, by: z.string(), created: z.boolean() }),
  },
  'resource.deleted': {
    summary: 'A shared resource was deleted.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ resource_id: z.string(), by: z.string() }),
  },
});

const lease = z.object({
  key: z.string(),
  mode: z.enum(LOCK_MODES),
  holder: lockHolder,
  holder_label: z.string(),
  fencing_token: z.number().int(),
  expires_at: z.string(),
  // Absent on leases from before locks had scopes (those were all global).
  scope: z.string().optional(),
  root: z.string().nullable().optional(),
  holder_text: z.string().optional(),
});
const leaseProject = (e: { data: unknown }): string | null => {
  const holder = (e.data as { holder?: { project_id?: unknown } } | null)?.holder;
  return typeof holder?.project_id === 'string' ? holder.project_id : null;
};
const leaseEnded = lease.extend({ reason: z.enum(LOCK_END_REASONS), detail: z.string(), ended_at: z.string() });

const lockEvents = defineEvents({
  'lock.acquired': {
    summary: 'A lease was granted (at once, or to a waiter when the lock came free).',
    subject: 'lock key',
    delivery: 'log',
    project: leaseProject,
    data: lease.extend({ waited_ms: count }),
  },
  'lock.renewed': {
    summary: 'A lease was extended by its holder.',
    subject: 'lock key',
    delivery: 'log',
    project: leaseProject,
    data: lease.extend({ ttl_seconds: z.number() }),
  },
  'lock.released': {
    summary: 'A lease ended before its time: released, its holder gone, or the member left.',
    subject: 'lock key',
    delivery: 'log',
    project: leaseProject,
    data: leaseEnded,
  },
  'lock.expired': {
    summary: 'A lease ran past its TTL without a renew.',
    subject: 'lock key',
    delivery: 'log',
    project: leaseProject,
    data: leaseEnded,
  },
});

const taskEvents = defineEvents({
  'task.created': {
    summary: 'A task was added to a project queue.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ task_id: z.string(), title: z.string(), priority: z.enum(TASK_PRIORITIES), labels: z.array(z.string()), created_by: z.string() }),
  },
  'task.claimed': {
    summary: 'An agent took a task.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ task_id: z.string(), agent_name: z.string(), session_id: z.string().nullable(), priority: z.enum(TASK_PRIORITIES) }),
  },
  'task.updated': {
    summary: 'A task changed status (done, failed, cancelled), got a note, or was handed in (handoff_id).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({
      task_id: z.string(),
      agent_name: z.string(),
      status: z.enum(TASK_STATUSES),
      previous_status: z.enum(TASK_STATUSES),
      claimed_by: z.string().nullable().optional(),
      note_added: z.boolean().optional(),
      handoff_id: z.string().optional().describe('The handoff that caused the change: submitted for the task, or decided.'),
    }),
  },
  'task.released': {
    summary: 'A claimed task went back to the queue (released, or its holder went away).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({
      task_id: z.string(),
      agent_name: z.string().nullable(),
      session_id: z.string().nullable(),
      released_by: z.string().nullable(),
      reason: z.string(),
    }),
  },
});

/** What every approval event says of the approval it is about. */
const approvalFacts = { approval_id: z.string(), kind: z.enum(APPROVAL_KINDS), requested_by: z.string() };

const approvalEvents = defineEvents({
  'approval.requested': {
    summary: 'An agent asked the human to decide (an approval or a handoff).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ ...approvalFacts, title: z.string(), addressed_to: z.string(), cc: z.array(z.string()), options: z.array(z.string()) }),
  },
  'approval.decided': {
    summary: 'The operator decided an approval; the decision went to the requester as a message.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({
      ...approvalFacts,
      cc: z.array(z.string()),
      title: z.string(),
      decision: z.string().nullable(),
      status: z.enum(APPROVAL_STATUSES),
      decided_by: z.string().nullable(),
      comment: z.string().nullable(),
      to_agent: z.string(),
      message_ids: z.array(z.string()),
    }),
  },
  'approval.cancelled': {
    summary: 'The requester withdrew its pending approval or handoff.',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ ...approvalFacts, reason: z.string().nullable() }),
  },
});

const sessionFacts = { client_id: z.string().nullable() };
const sessionEvents = defineEvents({
  'session.started': {
    summary: 'An agent instance started (presence: active).',
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object({ ...sessionFacts, tool: z.string(), working_directory: z.string().nullable(), pid: z.number().int().nullable() }),
  },
  'session.active': {
    summary: 'A session is back from idle: it called, heartbeat or prompted again (presence: active).',
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object(sessionFacts),
  },
  'session.idle': {
    summary: 'A session has been quiet for session_idle_seconds (presence: idle).',
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object(sessionFacts),
  },
  'session.ended': {
    summary: 'A session ended on purpose (its agent or tool said so); what it held was released (presence: gone).',
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object({ ...sessionFacts, tool: z.string(), reason: z.string() }),
  },
  'session.gone': {
    summary: 'The reaper ended a session whose process died or whose heartbeats stopped; what it held was released (presence: gone).',
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object({ ...sessionFacts, tool: z.string(), reason: z.string() }),
  },
  'hook.nudged': {
    summary: "An agent tool's hook was told something new (mail, decisions, expiring leases) at a prompt, start or stop.",
    subject: 'session_id',
    delivery: 'log',
    project: none,
    data: z.object({
      tool: z.enum(HOOK_TOOLS),
      event: z.enum(HOOK_EVENTS),
      tool_session_id: z.string(),
      messages: count.optional(),
      decisions: count.optional(),
      leases: count.optional(),
      blocked: count.optional(),
    }),
  },
});

const daemonEvents = defineEvents({
  'daemon.started': {
    summary: 'The daemon started and answers on its socket.',
    subject: 'none',
    delivery: 'log',
    project: none,
    data: z.object({ pid: z.number().int(), version: z.string() }),
  },
  'daemon.stopping': {
    summary: 'The daemon is stopping (a request, a signal, or a fatal error).',
    subject: 'none',
    delivery: 'log',
    project: none,
    data: z.object({ pid: z.number().int(), reason: z.string() }),
  },
  'config.changed': {
    summary: 'A runtime setting was changed with config.set.',
    subject: 'setting key',
    delivery: 'log',
    project: none,
    data: z.object({ key: z.string(), value: z.number(), previous: z.number() }),
  },
  'mcp.token_minted': {
    summary: 'A per-agent token was minted (replacing the agent’s earlier one, if any).',
    subject: 'project_id',
    delivery: 'log',
    project: bySubject,
    data: z.object({ agent_name: z.string(), replaced: z.boolean() }),
  },
  'gateway.key_created': {
    summary: 'A named gateway key was made (gateway.key_create).',
    subject: 'key name',
    delivery: 'log',
    project: (e) => (e.data as { project_id: string | null }).project_id,
    data: z.object({ key_id: z.number().int(), agent_name: z.string().nullable(), project_id: z.string().nullable(), expires_at: z.string().nullable() }),
  },
  'gateway.key_revoked': {
    summary: 'A named gateway key was revoked (gateway.key_revoke).',
    subject: 'key name',
    delivery: 'log',
    project: none,
    data: z.object({ key_id: z.number().int() }),
  },
  'gateway.config_changed': {
    summary: 'gateway.json was replaced with gateway.config_set.',
    subject: 'the file path',
    delivery: 'log',
    project: none,
    data: z.object({ providers: z.array(z.string()), models: z.array(z.string()) }),
  },
  'gateway.budget_exceeded': {
    summary: 'A gateway budget was reached: requests over it are refused with 429 until it resets (once per budget and period).',
    subject: 'the budget: agents.<name>.daily, keys.<name>.monthly',
    delivery: 'log',
    project: (e) => (e.data as { project_id: string | null }).project_id,
    data: z.object({
      budget: z.string(),
      period: z.enum(['daily', 'monthly']),
      limit: z.number(),
      spent: z.number(),
      resets_at: z.string(),
      key: z.string().describe('The credential of the refused request: token, key:<name>.'),
      agent_name: z.string().nullable(),
      project_id: z.string().nullable(),
    }),
  },
  'gateway.requests_recorded': {
    summary: 'The gateway recorded more requests (live only, at most one every 2 seconds): usage views read gateway.usage again.',
    subject: 'none',
    delivery: 'live',
    project: none,
    data: z.object({ requests: z.number().int().describe('How many since the last such event.'), agents: z.array(z.string()).describe('The agents among them (up to 50).') }),
  },
});

/** Types under `user.` are the operator's and scripts' own markers (events.publish): any data. */
export const USER_EVENT_PREFIX = 'user.';
const userEvent: EventDef = {
  summary: 'Your own marker, published with events.publish (type user.<anything>).',
  subject: 'free text',
  delivery: 'log',
  project: none,
  data: z.unknown(),
};

export const catalogue = {
  ...daemonEvents,
  ...sessionEvents,
  ...projectEvents,
  ...messageEvents,
  ...resourceEvents,
  ...lockEvents,
  ...taskEvents,
  ...approvalEvents,
  ...agentEvents,
  ...scheduleEvents,
};

export type Catalogue = typeof catalogue;
export type CatalogueEventType = keyof Catalogue & string;
export type UserEventType = `user.${string}`;
export type EventType = CatalogueEventType | UserEventType;
export type EventData<T extends EventType> = T extends CatalogueEventType ? z.output<Catalogue[T]['data']> : unknown;

/** The declaration of a type, `user.*` included; null for a type nobody declared. */
export function eventDef(type: string): EventDef | null {
  if (Object.prototype.hasOwnProperty.call(catalogue, type)) return (catalogue as Record<string, EventDef>)[type]!;
  return type.startsWith(USER_EVENT_PREFIX) && type.length > USER_EVENT_PREFIX.length ? userEvent : null;
}

/** Every declared type, with `user.*` standing for the open family. */
export function catalogueEntries(): Array<[string, EventDef]> {
  return [...Object.entries(catalogue as Record<string, EventDef>), ['user.*', userEvent]];
}

/** An event as a subscriber receives it, its data typed by its type. */
export type TypedEvent = {
  [T in CatalogueEventType]: { seq: number; time: string; type: T; subject: string | null; data: z.output<Catalogue[T]['data']>; live?: true };
}[CatalogueEventType];
