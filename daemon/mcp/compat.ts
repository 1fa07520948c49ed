// Brainstorm compatibility: the few argument names Brainstorm spells differently from the contract, accepted and mapped in one table.
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
