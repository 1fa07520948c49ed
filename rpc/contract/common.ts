// Schemas several planes share: the event record, event-type filters and log cursors.
import { z } from 'zod';
import { codePointName, firstInvisible } from '../visible-text.js';

export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const eventRecord = z.object({
  seq: seq.describe('Position in the event log; strictly increasing, never reused.'),
  time: z.string().describe('ISO 8601 time the event was committed.'),
  type: z.string().describe('Dotted event type, e.g. daemon.started or user.deploy.'),
  subject: z.string().nullable().describe('What the event is about (an id or a name), or null.'),
  data: z.unknown().describe('Event payload: its shape is declared per type in the event catalogue (system.methods, brains rpc --events).'),
  live: z.literal(true).optional().describe('Delivered live only, never kept in the log: its seq is the newest kept event at the time, not its own.'),
});
export type EventRecord = z.output<typeof eventRecord>;

/** An exact event type (`daemon.started`), a prefix pattern (`user.*`), or `*` for everything. */
export const eventTypePattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/, 'an event type such as daemon.started, a prefix such as user.*, or *');

export const eventTypeFilter = z.array(eventTypePattern).min(1).max(100);

/** project_id, agent_name, resource_id, ...: letters, digits, _ and -, 1 to 256 long. */
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1 to 256 letters, digits, _ or - (no spaces, dots or slashes)');

/**
 * The check every one-line field (a title, a name, a reason, a label, a key) carries: control, bidi and zero-width
 * characters are refused, naming the first, since they could hide or reorder what the operator reads.
 */
export function visibleOnOneLine(value: string, ctx: z.RefinementCtx): void {
  const found = firstInvisible(value);
  if (!found) return;
  ctx.addIssue({
    code: 'custom',
    message: `has ${codePointName(found.char)} at character ${found.index + 1}, a control, bidi or zero-width character that can hide or reorder text; use plain visible text on one line`,
  });
}

/** A path on this machine: absolute, bounded. */
export const absolutePath = z.string().min(1).max(4096).regex(/^\//, 'an absolute path (starting with /)');

/** Where an agent works (its project root): declared once, reused by every method that takes it. */
export const workingDirectory = absolutePath.describe('Your project root, as an absolute path.');

export const DEFAULT_WAIT_SECONDS = 300;
export const MAX_WAIT_SECONDS = 3600;

/** Brainstorm's long-poll fields: wait for something to exist or arrive, up to timeout_seconds. */
export const waitFields = {
  wait: z.boolean().default(false).describe('Park until it is there (or arrives), instead of answering at once.'),
  timeout_seconds: z
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(DEFAULT_WAIT_SECONDS)
    .describe(`With wait: give up after this many seconds (default ${DEFAULT_WAIT_SECONDS}, max ${MAX_WAIT_SECONDS}).`),
};

/**
 * How every waiting method answers: a normal result, never an error, with timed_out saying whether the wait ran out.
 * A method whose result is a thing (a lease, a resource, a project) answers a timed-out wait with the other branch of
 * its result: timed_out: true, what it waited for, and a message saying so.
 */
export const waitOutcome = {
  timed_out: z.boolean().describe('True when the wait ran out with nothing to show (wait again, or give up); false otherwise.'),
  waited_ms: z.number().int().min(0).describe('How long the call waited.'),
};

/** The branch of a waiting method's result when the wait ran out before the thing existed. */
export function timedOut<S extends z.ZodRawShape>(whatItWaitedFor: S) {
  return z.object({
    timed_out: z.literal(true),
    waited_ms: z.number().int().min(0),
    message: z.string().describe('What did not happen in time, and what to do.'),
    ...whatItWaitedFor,
  });
}

export const pageFields = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
};

/** Any JSON an agent attaches (payload, metadata, context); size and depth are checked when stored. */
export const jsonValue = z.unknown();
export const jsonObject = z.record(z.string(), z.unknown());

/** The human at the cockpit: a member of every project, never a name an agent may take. */
export { OPERATOR } from '../operator.js';
