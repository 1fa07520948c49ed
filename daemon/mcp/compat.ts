// Brainstorm compatibility of tool arguments: the names Brainstorm spells differently from the contract, accepted and
// mapped in one table, the ones it documents that brains does not need, and the MCP defaults that differ from the socket's.
import { z } from 'zod';
import { RECEIVE_ACK_MODES } from '../../rpc/contract/messages.js';
import { SOURCE_PATH_FIELD } from './source-path.js';

export interface ArgumentCompat {
  /** Brainstorm name -> contract name. Both given with different values is refused (they name the same thing). */
  renames?: Record<string, string>;
  /** Arguments Brainstorm documents that the contract does not need; accepted and dropped. */
  ignored?: Record<string, z.ZodType>;
  /** Contract fields whose MCP schema differs (another default): replace the contract's field for MCP callers. */
  overrides?: Record<string, z.ZodType>;
  /** Arguments this MCP server handles itself before the call (a file it reads); kept out of the daemon's params. */
  local?: Record<string, z.ZodType>;
}

/** Keyed by tool name. Every other Brainstorm tool takes the contract's own argument names. */
export const BRAINSTORM_ARGUMENTS: Record<string, ArgumentCompat> = {
  create_project: { renames: { created_by: 'agent_name' } },
  archive_project: { renames: { reason: 'archive_reason' } },
  list_projects: { renames: { includeArchived: 'include_archived' } },
  leave_project: {
    ignored: {
      working_directory: z.string().max(4096).optional().describe('Accepted for Brainstorm compatibility; who leaves is agent_name.'),
    },
  },
  receive_messages: {
    overrides: {
      ack: z
        .enum(RECEIVE_ACK_MODES)
        .default('auto')
        .describe("auto (the default here): what is returned is acknowledged, read once as in Brainstorm. manual: acknowledge each with acknowledge_message, or it is delivered again after its ack deadline."),
    },
  },
  store_resource: { local: { source_path: SOURCE_PATH_FIELD } },
};

/** What the Brainstorm spelling means, for its description. */
const RENAME_NOTES: Record<string, string> = {
  created_by: 'Brainstorm spelling of agent_name: the agent creating the project, which joins it as coordinator and may later delete it.',
  reason: 'Brainstorm spelling of archive_reason.',
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

export interface ContractArguments {
  params: Record<string, unknown>;
  /** The arguments this server handles itself (source_path), when any were given. */
  local?: Record<string, unknown>;
  /** Why the arguments cannot be taken as given (a Brainstorm name and its contract name disagree). */
  refusal?: string;
}

/** Rewrite Brainstorm-named arguments to the contract's names and set aside the ones it does not take. */
export function toContractArguments(tool: string, args: Record<string, unknown>, shape: Record<string, z.ZodType> = {}): ContractArguments {
  const compat = BRAINSTORM_ARGUMENTS[tool];
  if (!compat) return { params: args };
  const params = { ...args };
  let refusal: string | undefined;
  for (const [alias, target] of Object.entries(compat.renames ?? {})) {
    const value = params[alias];
    delete params[alias];
    if (value === undefined) continue;
    // A target with a default was filled in when the caller left it out, so only one without can disagree.
    if (params[target] !== undefined && params[target] !== value && !(shape[target] instanceof z.ZodDefault)) {
      refusal = `${alias} and ${target} name the same thing and disagree (${JSON.stringify(value)} and ${JSON.stringify(params[target])}); pass one of them`;
    }
    params[target] = value;
  }
  for (const name of Object.keys(compat.ignored ?? {})) delete params[name];
  let local: Record<string, unknown> | undefined;
  for (const name of Object.keys(compat.local ?? {})) {
    if (params[name] !== undefined) (local ??= {})[name] = params[name];
    delete params[name];
  }
  return { params, ...(local ? { local } : {}), ...(refusal ? { refusal } : {}) };
}

/** The extra (optional) input fields a tool accepts for Brainstorm, and its MCP-specific fields, over the contract's shape. */
export function compatFields(tool: string, shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  const compat = BRAINSTORM_ARGUMENTS[tool];
  if (!compat) return {};
  const fields: Record<string, z.ZodType> = { ...(compat.ignored ?? {}), ...(compat.local ?? {}) };
  for (const [name, schema] of Object.entries(compat.overrides ?? {})) {
    if (!shape[name]) throw new Error(`MCP override ${name} of ${tool} replaces a field the contract does not have`);
    fields[name] = schema;
  }
  for (const [alias, target] of Object.entries(compat.renames ?? {})) {
    const base = shape[target];
    if (!base) throw new Error(`Brainstorm alias ${alias} of ${tool} maps to ${target}, which the contract does not have`);
    const inner = base instanceof z.ZodDefault ? (base.unwrap() as z.ZodType) : base;
    fields[alias] = inner.optional().describe(RENAME_NOTES[alias] ?? `Brainstorm spelling of ${target}.`);
  }
  return fields;
}
