// Brainstorm compatibility: the few argument names Brainstorm spells differently from the contract, accepted and mapped in
// one table; and the tool results agents were given before waits answered timed_out (a TIMEOUT error, `timeout: true`).
import { z } from 'zod';

export interface ArgumentCompat {
  /** Brainstorm name -> contract name; the Brainstorm value wins when given. */
  renames?: Record<string, string>;
  /** Arguments Brainstorm documents that the contract does not need; accepted and dropped. */
  ignored?: Record<string, z.ZodType>;
}

/** Keyed by tool name. Every other Brainstorm tool takes the contract's own argument names. */
export const BRAINSTORM_ARGUMENTS: Record<string, ArgumentCompat> = {
  list_projects: { renames: { includeArchived: 'include_archived' } },
  leave_project: {
    ignored: {
      working_directory: z.string().max(4096).optional().describe('Accepted for Brainstorm compatibility; who leaves is agent_name.'),
    },
  },
};

/** The tools Brainstorm documents; each must exist under this name (checked by the tests). */
export const BRAINSTORM_TOOLS = [
  'create_project',
  'join_project',
  'get_project_info',
  'list_projects',
  'leave_project',
  'archive_project',
  'delete_project',
  'handover_coordinator',
  'send_message',
  'receive_messages',
  'acknowledge_message',
  'store_resource',
  'get_resource',
  'list_resources',
  'delete_resource',
  'heartbeat',
  'status',
  'version',
] as const;

/** Rewrite Brainstorm-named arguments to the contract's names and drop the ones it does not take. */
export function toContractArguments(tool: string, args: Record<string, unknown>): Record<string, unknown> {
  const compat = BRAINSTORM_ARGUMENTS[tool];
  if (!compat) return args;
  const out = { ...args };
  for (const [alias, target] of Object.entries(compat.renames ?? {})) {
    if (out[alias] !== undefined) out[target] = out[alias];
    delete out[alias];
  }
  for (const name of Object.keys(compat.ignored ?? {})) delete out[name];
  return out;
}

/** The extra (optional) input fields a tool accepts for Brainstorm, with the schema of the field each one maps to. */
export function compatFields(tool: string, shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  const compat = BRAINSTORM_ARGUMENTS[tool];
  if (!compat) return {};
  const fields: Record<string, z.ZodType> = { ...(compat.ignored ?? {}) };
  for (const [alias, target] of Object.entries(compat.renames ?? {})) {
    const base = shape[target];
    if (!base) throw new Error(`Brainstorm alias ${alias} of ${tool} maps to ${target}, which the contract does not have`);
    const inner = base instanceof z.ZodDefault ? (base.unwrap() as z.ZodType) : base;
    fields[alias] = inner.optional().describe(`Brainstorm spelling of ${target}.`);
  }
  return fields;
}

/** How a tool answers: its structured result, or a tool error in the words agents already know. */
export type ToolAnswer = { result: Record<string, unknown> } | { error: string };

interface ResultCompat {
  /** The tool's output schema from the contract's result (a union's arrived branch, without timed_out). */
  output(result: z.ZodType): z.ZodObject;
  adapt(result: Record<string, unknown>): ToolAnswer;
}

function withoutTimedOut(result: Record<string, unknown>): Record<string, unknown> {
  const { timed_out: _omit, ...rest } = result;
  return rest;
}

/** The branch of a discriminated result that arrived (timed_out: false), as an object without the flag. */
function arrivedBranch(result: z.ZodType): z.ZodObject {
  const options = (result as z.ZodDiscriminatedUnion<z.ZodObject[]>).options;
  const arrived = options.find((o) => o.shape.timed_out instanceof z.ZodLiteral && o.shape.timed_out.value === false);
  if (!arrived) throw new Error('a waiting result needs a timed_out: false branch');
  return arrived.omit({ timed_out: true });
}

/** A wait that ran out was a TIMEOUT error for these tools; they keep answering so. */
const timeoutAsError: ResultCompat = {
  output: arrivedBranch,
  adapt: (result) => (result.timed_out === true ? { error: `TIMEOUT: ${String(result.message)}` } : { result: withoutTimedOut(result) }),
};

/** Keyed by tool name: tools whose result agents saw in another shape before the contract's one wait outcome. */
export const LEGACY_RESULTS: Record<string, ResultCompat> = {
  get_project_info: timeoutAsError,
  get_resource: timeoutAsError,
  lock_acquire: timeoutAsError,
  receive_messages: {
    output: (result) => (result as z.ZodObject).omit({ timed_out: true }).extend({ timeout: z.literal(true).optional().describe('Present when a wait ran out with nothing to deliver.') }),
    adapt: (result) => ({ result: { ...withoutTimedOut(result), ...(result.timed_out === true ? { timeout: true } : {}) } }),
  },
  task_claim: {
    output: (result) => (result as z.ZodObject).omit({ timed_out: true }),
    adapt: (result) => ({ result: withoutTimedOut(result) }),
  },
};

/** A tool's answer from the method's result, in the shape the tool has always had. */
export function toolAnswer(tool: string, result: Record<string, unknown>): ToolAnswer {
  return LEGACY_RESULTS[tool]?.adapt(result) ?? { result };
}
