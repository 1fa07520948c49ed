// What an MCP HTTP session may do for its key: a per-agent token acts only as its agent in its project; a wired tool's key
// acts as any agent but each session keeps the name it first takes in a project and never acts as the operator.
import { BrainsError } from '../../rpc/errors.js';
import { OPERATOR } from '../../rpc/contract/common.js';

export interface AgentScope {
  project_id: string;
  agent_name: string;
}

/** What the session's identity binding knows, for the checks. */
export interface SessionView {
  /** The name this MCP session holds in a project, if it took one there. */
  nameIn(projectId: string): string | undefined;
  /** The brains session this MCP session started or resumed, if any. */
  sessionId(): string | undefined;
}

/** Fields in which a call names the agent it acts as. */
const ACTING_FIELDS = ['agent_name', 'from_agent', 'created_by', 'decided_by'] as const;
/** Methods that reach a project through an approval id: their project is looked up before the check. */
export const APPROVAL_ID_METHODS = new Set(['approval.get', 'approval.decide', 'approval.cancel', 'approval.wait']);
/** A token speaks for an agent inside an existing project: making projects is the operator's (admin key). */
const TOKEN_REFUSED_METHODS = new Set(['project.create']);
/** Deciding is the human's: an agent tool's key never decides an approval, whatever name it passes. */
const CLIENT_REFUSED_METHODS = new Set(['approval.decide']);

function denied(message: string, details: Record<string, unknown>): BrainsError {
  return new BrainsError('PERMISSION_DENIED', message, details);
}

function holderOf(params: Record<string, unknown>): Record<string, unknown> | undefined {
  return params.holder && typeof params.holder === 'object' ? (params.holder as Record<string, unknown>) : undefined;
}

/** The projects a call reaches: its project_id, a lock holder's project, an approval's project. */
function projectsOf(params: Record<string, unknown>, approvalProject: string | undefined): unknown[] {
  return [params.project_id, holderOf(params)?.project_id, approvalProject].filter((p) => p !== undefined);
}

/** The names a call acts as, with the field that carries each. */
function actingNames(params: Record<string, unknown>): Array<{ field: string; name: unknown }> {
  const out: Array<{ field: string; name: unknown }> = [];
  for (const field of ACTING_FIELDS) if (params[field] !== undefined) out.push({ field, name: params[field] });
  const holder = holderOf(params);
  if (holder?.agent_name !== undefined) out.push({ field: 'holder', name: holder.agent_name });
  return out;
}

/** A session id a call names (to hold a lock, claim a task, heartbeat) must be this MCP session's own. */
function checkSessionIds(params: Record<string, unknown>, view: SessionView | undefined, who: string): void {
  const named = [params.session_id, holderOf(params)?.session_id].filter((s) => s !== undefined);
  if (named.length === 0) return;
  const own = view?.sessionId();
  for (const sessionId of named) {
    if (sessionId !== own) {
      const how = own === undefined ? 'call start_session (or status) first and use the session_id it returns' : `use your own session ${own}`;
      throw denied(`${who}; it cannot act for session ${String(sessionId)} (${how})`, { field: 'session_id', session_id: sessionId });
    }
  }
}

/**
 * Check a call against a per-agent token's scope, filling the project where the call may name one and left it out.
 * `approvalProject` is the project of the call's approval (for approval-id methods), or undefined.
 */
export function scopeCall(method: string, params: Record<string, unknown>, scope: AgentScope, approvalProject?: string, view?: SessionView): Record<string, unknown> {
  const who = `this MCP session's token speaks for ${scope.agent_name} in ${scope.project_id}`;
  if (TOKEN_REFUSED_METHODS.has(method)) throw denied(`${who}; creating projects needs the admin key (ask the operator)`, { method });
  const out = { ...params };
  for (const project of projectsOf(out, approvalProject)) {
    if (project !== scope.project_id) throw denied(`${who}; it cannot act in project ${String(project)}`, { project_id: project });
  }
  for (const { field, name } of actingNames(out)) {
    if (name !== scope.agent_name) {
      const hint = field === 'holder' ? 'hold locks as yourself' : `leave ${field} out or pass ${scope.agent_name}`;
      throw denied(`${who}; it cannot act as ${String(name)} (${hint})`, { field, agent_name: name });
    }
  }
  checkSessionIds(out, view, who);
  return out;
}

/**
 * Check a call made with a wired tool's key. The session may take any agent name in a project it has not acted in yet
 * (that is how an agent joins or resumes); after that it is held to that name there. It never acts as the operator.
 * Returns the names the call takes, per project, so the caller can hold the session to them once the call succeeds.
 */
export function clientScopeCall(
  method: string,
  params: Record<string, unknown>,
  client: string,
  view: SessionView,
  approvalProject?: string,
): { params: Record<string, unknown>; takes: Array<{ project_id: string; agent_name: string }> } {
  const who = `this MCP session uses the key brains wire gave ${client}`;
  if (CLIENT_REFUSED_METHODS.has(method)) {
    throw denied(`${who}; deciding approvals is the human operator's (brains tui, or brains rpc approval.decide): ask with request_approval and wait_approval`, { method });
  }
  const takes: Array<{ project_id: string; agent_name: string }> = [];
  const projects = projectsOf(params, approvalProject).filter((p): p is string => typeof p === 'string');
  for (const { field, name } of actingNames(params)) {
    if (name === OPERATOR) throw denied(`${who}; it cannot act as the operator (${field}); the human acts as the operator from brains tui or brains rpc`, { field, agent_name: name });
    for (const project of projects) {
      const held = view.nameIn(project);
      if (held !== undefined && held !== name) {
        throw denied(`${who}; in ${project} this session is ${held} and cannot act as ${String(name)} (leave ${field} out or pass ${held})`, { field, agent_name: name, project_id: project });
      }
      if (held === undefined && typeof name === 'string') takes.push({ project_id: project, agent_name: name });
    }
  }
  checkSessionIds(params, view, who);
  return { params, takes };
}

/** Keep only a token's own project in a welcome packet (status by working directory may find other identities there). */
export function welcomeForScope(result: unknown, scope: AgentScope): unknown {
  if (!result || typeof result !== 'object') return result;
  const r = result as Record<string, unknown>;
  const inScope = (item: unknown): boolean => (item as { project_id?: unknown } | null)?.project_id === scope.project_id;
  const projects = Array.isArray(r.projects) ? (r.projects as Array<{ unread_messages?: number }>).filter(inScope) : [];
  const out: Record<string, unknown> = { ...r, projects, total_projects: projects.length };
  out.total_unread_messages = projects.reduce((sum, p) => sum + (typeof p.unread_messages === 'number' ? p.unread_messages : 0), 0);
  if (Array.isArray(r.identity_reminder)) out.identity_reminder = (r.identity_reminder as string[]).filter((line) => line.includes(`(${scope.project_id})`));
  for (const list of ['pending_approvals', 'tasks'] as const) if (Array.isArray(r[list])) out[list] = (r[list] as unknown[]).filter(inScope);
  // Leases held by a session belong to whoever runs that session, not to the token's agent: only its own leases stay.
  if (Array.isArray(r.locks)) out.locks = (r.locks as Array<{ holder?: unknown }>).filter((l) => inScope(l.holder));
  return out;
}
