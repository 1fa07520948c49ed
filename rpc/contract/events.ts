// Contract of the event plane: the ordered log every change appends to, read by snapshot + subscription, or waited on.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods, defineNotifications } from './define.js';
import { MAX_WAIT_SECONDS, eventRecord, eventTypeFilter, seq, visibleOnOneLine, waitOutcome } from './common.js';

export const MAX_PUBLISH_EVENTS = 100;

const subscriptionId = z.string().min(1).max(64);

export const eventsMethods = defineMethods({
  'events.subscribe': {
    summary: 'Stream events as `events.event` notifications: first every kept event after `since`, then live ones.',
    description:
      'Take a snapshot, note its seq, then subscribe with since=seq: nothing is lost or repeated. A client that reconnects passes the last seq it saw. A since older than the oldest kept event fails with CURSOR_EXPIRED: reload a snapshot and subscribe again from its seq.',
    params: z
      .object({
        types: eventTypeFilter.optional().describe('Only these types (exact, prefix.*, or *). Default: all.'),
        since: seq.optional().describe('Replay kept events with seq greater than this first. Default: live events only.'),
      })
      .strict(),
    result: z.object({
      subscription_id: subscriptionId,
      head_seq: seq.describe('Newest seq at the moment of subscribing; replayed events end here, live ones follow.'),
    }),
    emits: [],
  },
  'events.unsubscribe': {
    summary: 'Stop a subscription made on this connection.',
    params: z.object({ subscription_id: subscriptionId }).strict(),
    result: z.object({ unsubscribed: z.boolean() }),
    emits: [],
  },
  'events.list': {
    summary: 'Read kept events after a seq, oldest first (paging through the log).',
    params: z
      .object({
        after: seq.default(0),
        types: eventTypeFilter.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({
      events: z.array(eventRecord),
      head_seq: seq,
      oldest_seq: seq.describe('Oldest kept event (0 when the log is empty).'),
    }),
    emits: [],
  },
  'events.wait': {
    summary: 'Wait for the next event (after a seq) matching the types, or until the timeout.',
    description: 'Parks on the event bus without polling. Returns at once when a matching event already exists after `after`.',
    params: z
      .object({
        types: eventTypeFilter.optional(),
        after: seq.optional().describe('Default: the head at the time of the call (wait for something new).'),
        timeout_seconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(30),
      })
      .strict(),
    result: z.object({ event: eventRecord.nullable(), ...waitOutcome, head_seq: seq }),
    emits: [],
  },
  'events.publish': {
    summary: 'Append your own events (type user.*) to the log in one transaction: markers for scripts and the cockpit.',
    params: z
      .object({
        events: z
          .array(
            z
              .object({
                type: z
                  .string()
                  .max(200)
                  .regex(/^user(\.[a-z0-9_-]+)+$/, 'a type under user., such as user.deploy or user.build.failed'),
                subject: z.string().max(500).superRefine(visibleOnOneLine).optional(),
                data: z.unknown().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(MAX_PUBLISH_EVENTS),
      })
      .strict(),
    result: z.object({ seqs: z.array(seq) }),
    emits: ['user.*'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
});

export const eventsNotifications = defineNotifications({
  'events.event': {
    summary: 'One event delivered to a subscription.',
    params: z.object({ subscription_id: subscriptionId, event: eventRecord }),
  },
});
