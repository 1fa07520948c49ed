// Contract of the messages plane: direct and broadcast messages between project members and the operator, delivered at least once until acknowledged.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { identifier, jsonObject, jsonValue, waitFields, waitOutcome, workingDirectory } from './common.js';

/** Largest payload plus metadata, encoded as JSON. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** The most messages one receive takes; a larger limit is capped to it, not refused. */
export const MAX_RECEIVE_LIMIT = 1000;
/** The most payload and metadata one receive carries, so an answer stays well inside a socket frame (4 MiB). */
export const MAX_RECEIVE_BYTES = 3 * 1024 * 1024;
/** How a receive settles what it returns: left for message.ack (at least once), or acknowledged as it is taken. */
export const RECEIVE_ACK_MODES = ['manual', 'auto'] as const;
export const MAX_ACK_TOKENS = 500;
export const MAX_LIST_LIMIT = 200;
export const MAX_INBOX_LIMIT = 200;
export const DELIVERY_STATES = ['pending', 'delivered', 'acked', 'dead', 'expired'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** `msg-` and a UUID: what message.send returns. */
export const messageId = z
  .string()
  .regex(/^msg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a message_id as message.send returns it (msg- and a UUID)');

/** Any string is accepted and judged one by one, so one malformed token does not sink the rest of a batch. */
const deliveryToken = z.string().min(1).max(300);

const whoFields = {
  working_directory: workingDirectory.optional(),
  client_id: identifier.optional(),
};

export const receivedMessage = z.object({
  message_id: z.string(),
  project_id: z.string(),
  from_agent: z.string(),
  to_agent: z.string().nullable().describe('The addressee of a direct message; null for a broadcast.'),
  broadcast: z.boolean(),
  reply_expected: z.boolean(),
  reply_to: z.string().nullable(),
  payload: jsonValue,
  metadata: jsonObject.nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  delivery_token: z.string().describe('Pass to message.ack once you have handled the message; it is refused after a redelivery.'),
  attempt: z.number().int().describe('1 on first delivery; higher when a delivery was not acknowledged in time.'),
  ack_deadline: z.string().describe('Acknowledge before this, or the message is delivered again.'),
});

const deliveryRecord = z.object({
  recipient: z.string(),
  state: z.enum(DELIVERY_STATES),
  attempt: z.number().int(),
  last_delivered_at: z.string().nullable(),
  ack_deadline: z.string().nullable(),
  acked_at: z.string().nullable(),
});

const historyRecord = receivedMessage
  .omit({ delivery_token: true, attempt: true, ack_deadline: true })
  .extend({ deliveries: z.array(deliveryRecord) });

const inboxEntry = receivedMessage
  .omit({ delivery_token: true, attempt: true, ack_deadline: true })
  .extend({
    recipient: z.string().describe('Who it was addressed to: you, under the name you hold in that project.'),
    preview: z.string().describe('The first 200 characters of the payload\'s text form (a string payload as itself), for one-line views.'),
    state: z.enum(DELIVERY_STATES).describe('Its delivery to you: pending (never received), delivered (received, not acknowledged), acked, dead, expired.'),
    unread: z.boolean().describe('pending or delivered: not acknowledged yet, and neither dead nor expired.'),
    attempt: z.number().int().describe('How many times it was delivered to you (0 while pending).'),
    last_delivered_at: z.string().nullable(),
    acked_at: z.string().nullable(),
  });

const unreadRow = z.object({
  project_id: z.string(),
  agent_name: z.string(),
  unread: z.number().int().describe('undelivered + unacked'),
  undelivered: z.number().int(),
  unacked: z.number().int().describe('Delivered, not yet acknowledged (it will be delivered again after its ack deadline).'),
});

export const messagesMethods = defineMethods({
  'message.send': {
    summary: 'Send a message to one member (to_agent) or to everyone in the project (broadcast: true); the operator can send and receive too.',
    description:
      'Exactly one of to_agent or broadcast. A broadcast reaches every member but the sender, plus the operator, all in one transaction. Pass reply_to (a message_id) to thread a reply. Pass idempotency_key to make a retry safe: the same key from the same sender with the same message returns the first message and writes nothing; the same key with different content is refused with CONFLICT. Payload plus metadata may be up to 256 KiB of JSON.',
    params: z
      .object({
        project_id: identifier,
        from_agent: identifier,
        to_agent: identifier.optional(),
        broadcast: z.boolean().default(false),
        reply_expected: z.boolean().default(false).describe('Say that you will wait for an answer.'),
        payload: jsonValue.describe('Any JSON.'),
        metadata: jsonObject.optional().describe('Optional JSON object (priority, trace ids...).'),
        reply_to: messageId.optional().describe('The message this one answers: makes a thread.'),
        idempotency_key: z.string().min(1).max(200).optional().describe('Retry-safe sends: the same key from the same sender in the same project is sent once; reused for different content, it is refused with CONFLICT.'),
      })
      .strict(),
    result: z.object({
      message_id: z.string(),
      recipients: z.array(z.string()),
      deduplicated: z.boolean().describe('True when idempotency_key matched an earlier send: nothing was written.'),
    }),
    emits: ['message.sent'],
    actor: ['from_agent'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'send_message',
  },
  'message.receive': {
    summary: 'Take your next messages, oldest first; with wait: true park until one arrives. Acknowledge each with message.ack.',
    description:
      'Returns messages not yet delivered to you, and ones delivered earlier but not acknowledged before their ack deadline (attempt counts up). Each has a delivery_token: acknowledge it with message.ack once handled, or it comes back (ack: \'manual\', the default here). With ack: \'auto\' what is returned is acknowledged as it is taken, read once as Brainstorm reads (MCP\'s receive_messages does that unless told ack: \'manual\'). Without limit it takes everything waiting, up to 1000 messages and about 3 MiB; offset leaves that many of the oldest where they are. After message_max_attempts unacknowledged deliveries a message is dead for you; after message_ttl_seconds it expires.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier,
        limit: z
          .number()
          .int()
          .min(1, 'at least 1')
          .optional()
          .describe(`How many to take at most (default and cap ${MAX_RECEIVE_LIMIT}; a larger limit is capped). Everything waiting, up to about 3 MiB, when left out.`),
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Skip this many of the oldest waiting messages (they stay waiting).'),
        ack: z.enum(RECEIVE_ACK_MODES).default('manual').describe("manual: acknowledge each with message.ack or it is delivered again; auto: acknowledged as it is returned."),
        ...waitFields,
      })
      .strict(),
    result: z.object({
      messages: z.array(receivedMessage),
      count: z.number().int(),
      offset: z.number().int().describe('The offset this page started at.'),
      limit: z.number().int().describe('The limit it was taken with (capped).'),
      acknowledged: z.boolean().describe('True when the messages returned were acknowledged as they were taken (ack: auto).'),
      ...waitOutcome,
    }),
    emits: ['message.delivered', 'message.acked', 'message.dead', 'message.expired'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'receive_messages',
  },
  'message.ack': {
    summary: 'Acknowledge handled messages (by delivery_tokens, or Brainstorm style by message_id): they leave your inbox.',
    description:
      'A token of an earlier attempt (the message was delivered again since) is refused as stale: acknowledge the newest delivery. A message_id acknowledges its current delivery, even one not received yet. Refusals are listed with a reason; nothing is an error unless the project or agent is unknown.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier,
        delivery_tokens: z.array(deliveryToken).min(1).max(MAX_ACK_TOKENS).optional(),
        message_id: z.string().min(1).max(300).optional(),
      })
      .strict(),
    result: z.object({
      acknowledged: z.array(z.string()).describe('The tokens (or message_id) that were acknowledged, as given.'),
      refused: z.array(
        z.object({
          token: z.string(),
          reason: z.enum(['malformed', 'unknown', 'stale', 'already_acked', 'dead', 'expired']),
        }),
      ),
    }),
    emits: ['message.acked'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'acknowledge_message',
  },
  'message.list': {
    summary: 'Message history, newest first, with each recipient\'s delivery state; filter by thread or member, page with before.',
    params: z
      .object({
        project_id: identifier,
        thread: messageId.optional().describe('A message_id: that message and every reply down its reply_to chain.'),
        member: identifier.optional().describe('Only messages from or to this agent (broadcasts it received count).'),
        include_dead_and_expired: z.boolean().default(true).describe('false: leave out deliveries that are dead or expired, and messages left with none.'),
        before: messageId.optional().describe('Page: only messages sent before this one (pass next_before of the previous page).'),
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
      })
      .strict(),
    result: z.object({
      messages: z.array(historyRecord),
      count: z.number().int(),
      next_before: z.string().nullable().describe('Pass as before for the next (older) page; null when there is none.'),
    }),
    emits: [],
    project: ['project_id'],
    mcpTool: 'list_messages',
  },
  'message.inbox': {
    summary: 'Your inbox across projects: messages addressed to you, unread first then newest first, each with its delivery state. Listing delivers nothing.',
    description:
      "The operator's inbox is every project's mail to the operator; an agent's is every project it holds a name in, under that name; a token's is its one project. project_id narrows it to one project. Reading the inbox is not a receive: nothing is marked delivered. Take messages with message.receive, or acknowledge one straight away with message.ack and its message_id.",
    params: z
      .object({
        project_id: identifier.optional().describe('Only this project.'),
        unread_only: z.boolean().default(false).describe('Leave out acknowledged, dead and expired messages.'),
        limit: z
          .number()
          .int()
          .min(1, 'at least 1')
          .max(MAX_INBOX_LIMIT, `at most ${MAX_INBOX_LIMIT} per call (message.list pages through one project's history)`)
          .default(50)
          .describe(`How many to return (default 50, max ${MAX_INBOX_LIMIT}).`),
      })
      .strict(),
    result: z.object({
      messages: z.array(inboxEntry),
      count: z.number().int(),
      total_unread: z.number().int().describe('Unread messages in the whole inbox (within project_id when given), however many were returned.'),
      has_more: z.boolean().describe('More messages match than limit allowed.'),
    }),
    emits: [],
    project: ['project_id'],
  },
  'message.unread_counts': {
    summary: 'How many messages wait per project and recipient (undelivered or unacknowledged; dead and expired not counted).',
    description:
      'Scope it with project_id, agent_name, or an identity (working_directory or client_id: the projects it joined, under the names it joined as). With nothing, every recipient that has something waiting.',
    params: z.object({ project_id: identifier.optional(), agent_name: identifier.optional(), ...whoFields }).strict(),
    result: z.object({
      counts: z.array(unreadRow),
      unread_by_project: z.record(z.string(), z.number().int()),
      total_unread: z.number().int(),
    }),
    emits: [],
    project: ['project_id'],
    mcpTool: 'unread_counts',
  },
});
