// Brainstorm compatibility of tool results: each tool answers with a superset of the keys Brainstorm's answers carry
// (success, count, pagination, ...), and a wait that ran out is a normal result with timeout: true and retry: true.
import { z } from 'zod';
import { BrainsError } from '../../rpc/errors.js';

/** How a tool answers: its structured result, or a tool error. */
export type ToolAnswer = { result: Record<string, unknown> } | { error: BrainsError };

type Params = Record<string, unknown>;

interface ResultCompat {
  /** The tool's output schema from the contract's result. */
  output(result: z.ZodType): z.ZodObject;
  adapt(result: Record<string, unknown>, params: Params): ToolAnswer;
}

const success = { success: z.literal(true).describe('Brainstorm\'s success flag: true on every answer that is not an error.') };
const pagination = z
  .object({ offset: z.number().int(), limit: z.number().int().nullable(), returned: z.number().int() })
  .describe('Brainstorm\'s paging: where this page starts, its limit, and how many it holds.');
const page = { ...success, count: z.number().int().describe('How many this page holds.'), pagination };
const timeoutFields = {
  timeout: z.literal(true).optional().describe('Present when a wait ran out: nothing arrived in time.'),
  retry: z.literal(true).optional().describe('With timeout: calling again to wait again is the right next step.'),
};

function withoutTimedOut(result: Record<string, unknown>): Record<string, unknown> {
  const { timed_out: _omit, ...rest } = result;
  return rest;
}

/** The branch of a discriminated result that arrived (timed_out: false), and the one that ran out. */
function branches(result: z.ZodType): { arrived: z.ZodObject; ranOut: z.ZodObject } {
  const options = (result as z.ZodDiscriminatedUnion<z.ZodObject[]>).options;
  const flag = (o: z.ZodObject, value: boolean) => o.shape.timed_out instanceof z.ZodLiteral && o.shape.timed_out.value === value;
  const arrived = options.find((o) => flag(o, false));
  const ranOut = options.find((o) => flag(o, true));
  if (!arrived || !ranOut) throw new Error('a waiting result needs a timed_out: false and a timed_out: true branch');
  return { arrived: arrived.omit({ timed_out: true }), ranOut: ranOut.omit({ timed_out: true }) };
}

/**
 * A tool that waits for a thing to exist: one object that is either the thing or, when the wait ran out, timeout: true,
 * retry: true and a message (Brainstorm's shape). Every field is optional in the schema, since MCP output is one object.
 */
const waitsForAThing: ResultCompat = {
  output: (result) => {
    const { arrived, ranOut } = branches(result);
    return arrived.extend(ranOut.shape).partial().extend(timeoutFields);
  },
  adapt: (result) => ({ result: result.timed_out === true ? { ...withoutTimedOut(result), timeout: true, retry: true } : withoutTimedOut(result) }),
};

/** A result with Brainstorm's extra keys added (computed from the result and the call's params). */
function adding(extra: z.ZodRawShape, keys: (result: Record<string, unknown>, params: Params) => Record<string, unknown>): ResultCompat {
  return {
    output: (result) => (result as z.ZodObject).extend(extra),
    adapt: (result, params) => ({ result: { ...keys(result, params), ...result } }),
  };
}

const SUCCESS = adding(success, () => ({ success: true }));

function pageOf(items: unknown, params: Params, limit?: unknown): { success: true; count: number; pagination: z.output<typeof pagination> } {
  const returned = Array.isArray(items) ? items.length : 0;
  const effective = typeof limit === 'number' ? limit : typeof params.limit === 'number' ? params.limit : null;
  return { success: true, count: returned, pagination: { offset: typeof params.offset === 'number' ? params.offset : 0, limit: effective, returned } };
}

/** Keyed by tool name: tools whose result gains Brainstorm's keys, or whose wait outcome takes Brainstorm's shape. */
export const RESULT_COMPAT: Record<string, ResultCompat> = {
  create_project: SUCCESS,
  join_project: SUCCESS,
  get_project_info: waitsForAThing,
  list_projects: adding(page, (r, p) => pageOf(r.projects, p, r.limit)),
  leave_project: adding({ ...success, project_id: z.string() }, (_r, p) => ({ success: true, project_id: p.project_id })),
  archive_project: adding({ ...success, message: z.string() }, (r, p) => ({
    success: true,
    message: `Project ${String(r.project_id)} archived${typeof p.archive_reason === 'string' ? ` (reason: ${p.archive_reason})` : ''}. brains keeps archived projects read-only: members can still read it, and a new project carries the work on.`,
  })),
  delete_project: adding({ ...success, message: z.string() }, (r) => ({ success: true, message: `Project ${String(r.project_id)} deleted, with its members, messages and resources.` })),
  handover_coordinator: SUCCESS,
  send_message: SUCCESS,
  receive_messages: {
    output: (result) =>
      (result as z.ZodObject)
        .omit({ timed_out: true })
        .extend({ ...page, ...timeoutFields, message: z.string().optional().describe('With timeout: what happened and what to do.') }),
    adapt: (result, params) => {
      const base = { ...pageOf(result.messages, params, result.limit), ...withoutTimedOut(result) };
      if (result.timed_out !== true) return { result: base };
      return { result: { ...base, timeout: true, retry: true, message: 'No message arrived within the wait; call receive_messages again (wait: true) to keep listening.' } };
    },
  },
  acknowledge_message: SUCCESS,
  store_resource: adding({ ...success, storage_type: z.literal('inline').describe('brains always keeps the content itself (a source_path file is read and stored).') }, () => ({ success: true, storage_type: 'inline' })),
  get_resource: waitsForAThing,
  list_resources: adding(page, (r, p) => pageOf(r.resources, p, r.limit)),
  delete_resource: adding({ ...success, message: z.string() }, (r) => ({ success: true, message: `Resource ${String(r.resource_id)} deleted.` })),
  heartbeat: adding({ ...success, agent_name: z.string().optional(), online: z.boolean() }, (_r, p) => ({
    success: true,
    ...(typeof p.agent_name === 'string' ? { agent_name: p.agent_name } : {}),
    online: p.online !== false,
  })),
  lock_acquire: {
    output: (result) => branches(result).arrived,
    adapt: (result) => (result.timed_out === true ? { error: new BrainsError('TIMEOUT', String(result.message)) } : { result: withoutTimedOut(result) }),
  },
  task_claim: {
    output: (result) => (result as z.ZodObject).omit({ timed_out: true }),
    adapt: (result) => ({ result: withoutTimedOut(result) }),
  },
};

/** A tool's answer from the method's result, in the tool's shape. */
export function toolAnswer(tool: string, result: Record<string, unknown>, params: Params): ToolAnswer {
  return RESULT_COMPAT[tool]?.adapt(result, params) ?? { result };
}
