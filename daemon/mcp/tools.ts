// Tools generated from the contract: every method with an mcpTool name becomes a tool whose input is its params and whose output is its result.
import { z } from 'zod';
import { contract } from '../../rpc/contract/index.js';
import { inFaceNames } from '../../rpc/contract/face-names.js';
import type { MethodDef } from '../../rpc/contract/define.js';
import { compatFields } from './compat.js';
import { RESULT_COMPAT } from './compat-results.js';

export interface ToolSpec {
  tool: string;
  method: string;
  description: string;
  /** The contract params, with the fields the daemon fills for a known agent made optional, and Brainstorm aliases added. */
  input: z.ZodObject;
  output: z.ZodObject;
  shape: Record<string, z.ZodType>;
  mutates: boolean;
}

/** What to do after a call, for the methods where the next step is not obvious. Written in tool names. */
const NEXT_STEPS: Record<string, string> = {
  'session.start': 'Next: read identity_reminder; later calls in this MCP session may omit agent_name, from_agent and working_directory.',
  'session.status': 'Next: you are bound to the agent names listed; later calls may omit agent_name and from_agent. No projects? list_projects, then join_project.',
  'project.create': 'Next: other agents join with join_project; pass agent_name to join it yourself as coordinator.',
  'project.join': 'Next: get_project_info to see who is here, receive_messages with wait: true to listen, send_message to talk.',
  'project.info': 'Next: send_message to a member (to_agent) or to everyone (broadcast: true).',
  'message.send': 'With reply_expected, wait for the answer with receive_messages (wait: true).',
  'message.receive':
    "What it returns is acknowledged (read once, as in Brainstorm); with ack: 'manual' acknowledge each with acknowledge_message (delivery_token or message_id) once handled, or it comes back. Answer with send_message and reply_to. timeout: true, retry: true: nothing came; call again to keep listening.",
  'resource.store': 'Next: tell the others with send_message (broadcast: true) naming the resource_id.',
  'lock.acquire': 'Next: do the work, renew with lock_renew before expires_at, and lock_release when done (pass the fencing_token).',
  'task.claim': 'Next: do the task, then task_update with status done or failed and a note.',
  'approval.request': 'Next: wait_approval with the approval_id until the operator decides.',
  'handoff.submit': 'Next: wait_approval with the approval_id for the sign-off.',
  'approval.wait': 'Next: act on decision and comment; timed_out: true means call wait_approval again.',
};

const IDENTITY_NOTE = 'Who you are (agent_name, from_agent, created_by, holder) may be left out once brains knows your name in the project (after join_project, create_project with agent_name, or status).';

/** The params the daemon fills for a caller it knows (the actor, the holder of a lock, the session): optional for tools. */
function identityFieldsOf(def: MethodDef, shape: Record<string, z.ZodType>): Set<string> {
  const paths = [...(def.actor ?? []), ...(def.session ?? [])];
  return new Set(paths.map((path) => path.split('.')[0]!).filter((field) => field in shape));
}

function isRequired(schema: z.ZodType): boolean {
  return !schema.safeParse(undefined).success;
}

function describeTool(method: string, def: MethodDef, identity: ReadonlySet<string>): string {
  const parts = [def.summary, def.description, NEXT_STEPS[method], identity.size > 0 && def.actor ? IDENTITY_NOTE : undefined];
  return inFaceNames('mcp', parts.filter(Boolean).join('\n\n'));
}

function specFor(method: string, def: MethodDef & { mcpTool: string }): ToolSpec {
  const output = RESULT_COMPAT[def.mcpTool]?.output(def.result) ?? def.result;
  if (!(def.params instanceof z.ZodObject) || !(output instanceof z.ZodObject)) {
    throw new Error(`${method}: MCP tools need object params and results (a union result needs an entry in RESULT_COMPAT)`);
  }
  const shape = def.params.shape as Record<string, z.ZodType>;
  const identity = identityFieldsOf(def, shape);
  const optional = Object.fromEntries([...identity].filter((field) => isRequired(shape[field]!)).map((field) => [field, true])) as Record<string, true> & Record<number, never>;
  const input = def.params.partial(optional).extend(compatFields(def.mcpTool, shape));
  return {
    tool: def.mcpTool,
    method,
    description: describeTool(method, def, identity),
    input,
    output,
    shape,
    mutates: def.mutates === true,
  };
}

/** Every contract method offered as a tool, in contract order. */
export function contractTools(): ToolSpec[] {
  return Object.entries(contract as Record<string, MethodDef>).flatMap(([method, def]) => (def.mcpTool ? [specFor(method, def as MethodDef & { mcpTool: string })] : []));
}
