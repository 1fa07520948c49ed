// What a session holding a per-agent token may do: act only as its agent, only in its project (the admin key may do anything).
import { BrainsError } from '../../rpc/errors.js';

export interface AgentScope {
  project_id: string;
  agent_name: string;
}

/** Fields in which a call names the agent it acts as. */
const ACTING_FIELDS = ['agent_name', 'from_agent', 'created_by', 'decided_by'] as const;
/** Methods that reach a project through an approval id: their project is looked up before the check. */
export const APPROVAL_ID_METHODS = new Set(['approval.get', 'approval.decide', 'approval.cancel', 'approval.wait']);
/** A token speaks for an agent inside an existing project: making projects is the operator's (admin key). */
const REFUSED_METHODS = new Set(['project.create']);

function denied(message: string, details: Record<string, unknown>): BrainsError {
  return new BrainsError('PERMISSION_DENIED', message, details);
}

/**
 * Check a call against the token's scope, filling the project where the call may name one and left it out.
 * `approvalProject` is the project of the call's approval (for approval-id methods), or undefined.
 */
export function scopeCall(method: string, params: Record<string, unknown>, scope: AgentScope, approvalProject?: string): Record<string, unknown> {
  const who = `this MCP session's token speaks for ${scope.agent_name} in ${scope.project_id}`;
  if (REFUSED_METHODS.has(method)) throw denied(`${who}; creating projects needs the admin key (ask the operator)`, { method });
  const out = { ...params };
  const holder = out.holder && typeof out.holder === 'object' ? (out.holder as Record<string, unknown>) : undefined;
  const projects = [out.project_id, holder?.project_id, approvalProject].filter((p) => p !== undefined);
  for (const project of projects) {
    if (project !== scope.project_id) throw denied(`${who}; it cannot act in project ${String(project)}`, { project_id: project });
  }
  for (const field of ACTING_FIELDS) {
    if (out[field] !== undefined && out[field] !== scope.agent_name) {
      throw denied(`${who}; it cannot act as ${String(out[field])} (leave ${field} out or pass ${scope.agent_name})`, { field, agent_name: out[field] });
    }
  }
  if (holder?.agent_name !== undefined && holder.agent_name !== scope.agent_name) {
    throw denied(`${who}; it cannot hold locks as ${String(holder.agent_name)}`, { field: 'holder', agent_name: holder.agent_name });
  }
  return out;
}
