// Schemas several planes share: the event record, event-type filters and log cursors.
import { z } from 'zod';

export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const eventRecord = z.object({
  seq: seq.describe('Position in the event log; strictly increasing, never reused.'),
  time: z.string().describe('ISO 8601 time the event was committed.'),
  type: z.string().describe('Dotted event type, e.g. daemon.started or user.deploy.'),
  subject: z.string().nullable().describe('What the event is about (an id or a name), or null.'),
  data: z.unknown().describe('Event payload (any JSON).'),
});
export type EventRecord = z.output<typeof eventRecord>;

/** An exact event type (`daemon.started`), a prefix pattern (`user.*`), or `*` for everything. */
export const eventTypePattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/, 'an event type such as daemon.started, a prefix such as user.*, or *');

export const eventTypeFilter = z.array(eventTypePattern).min(1).max(100);
