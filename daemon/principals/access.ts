// What a principal may do, for every face alike: identity params it left out are filled in, the names and projects it
// names are checked against what it holds (never against what params claim), and what it acted as is recorded.
import type { MethodDef } from '../../rpc/contract/define.js';
import { OPERATOR } from '../../rpc/contract/common.js';
import { BrainsError } from '../../rpc/errors.js';
import type { Store } from '../store/index.js';
import type { SessionRow } from '../store/sessions.js';
import { principalLabel, type InstancePrincipal, type Principal } from './principal.js';

type Params = Record<string, unknown>;

/** What authorization found out about a call: the audit row's acting_as and session, and names a wired key takes. */
export interface Authorized {
  actingAs: string | null;
  sessionId: string | null;
  subject: string | null;
  takes: Array<{ project_id: string; agent_name: string }>;
}

function denied(message: string, details: Record<string, unknown> = {}): BrainsError {
  return new BrainsError('PERMISSION_DENIED', message, details);
}

/** `holder.agent_name` reads params.holder.agent_name; plain names read params directly. */
function read(params: Params, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot === -1) return params[path];
  const inner = params[path.slice(0, dot)];
  return inner && typeof inner === 'object' ? (inner as Params)[path.slice(dot + 1)] : undefined;
}

const topLevel = (paths: readonly string[] | undefined): string[] => (paths ?? []).filter((p) => !p.includes('.'));
/** The project a path's value belongs with: `holder.agent_name` goes with `holder.project_id`. */
const projectPathFor = (path: string, def: MethodDef): string | undefined => {
  const dot = path.indexOf('.');
  const prefix = dot === -1 ? '' : path.slice(0, dot + 1);
  return (def.project ?? []).find((p) => (prefix ? p.startsWith(prefix) : !p.includes('.')));
};

/** A method's declarations, worked out once: every call reads them, so none is recomputed per call. */
interface Plan {
  actors: Array<{ field: string; projectPath: string | undefined }>;
  projects: readonly string[];
  sessions: readonly string[];
  topActors: string[];
  topSessions: string[];
  projectParam: string | undefined;
  /** The object param a nested actor lives in (`holder`), if any. */
  holderParam: string | undefined;
}

function planOf(def: MethodDef): Plan {
  const nested = (def.actor ?? []).find((p) => p.includes('.'));
  return {
    actors: (def.actor ?? []).map((field) => ({ field, projectPath: projectPathFor(field, def) })),
    projects: def.project ?? [],
    sessions: def.session ?? [],
    topActors: topLevel(def.actor),
    topSessions: topLevel(def.session),
    projectParam: topLevel(def.project)[0],
    holderParam: nested?.split('.')[0],
  };
}
const isString = (v: unknown): v is string => typeof v === 'string';
const stringsAt = (params: Params, paths: readonly string[]): string[] => paths.map((path) => read(params, path)).filter(isString);

const NOTHING_AUTHORIZED: Authorized = Object.freeze({ actingAs: null, sessionId: null, subject: null, takes: [] }) as Authorized;

export class Access {
  private readonly plans = new WeakMap<MethodDef, Plan>();

  constructor(private readonly store: Store) {}

  private plan(def: MethodDef): Plan {
    let plan = this.plans.get(def);
    if (!plan) this.plans.set(def, (plan = planOf(def)));
    return plan;
  }

  /** The live session behind an instance principal; an ended one can no longer act. */
  instanceSession(principal: InstancePrincipal): SessionRow {
    const session = this.store.sessions.get(principal.session_id);
    if (!session || session.state === 'gone') {
      throw new BrainsError('UNAVAILABLE', `this agent instance (session ${principal.session_id}) has ended${session?.end_reason ? ` (${session.end_reason})` : ''}; restart the agent tool (or brains mcp) to register again`);
    }
    return session;
  }

  /** The name this principal holds in a project: undefined when it holds none there; the operator holds every name. */
  nameIn(principal: Principal, projectId: string): string | undefined {
    switch (principal.kind) {
      case 'operator':
        return principal.names?.get(projectId) ?? OPERATOR;
      case 'token':
        return principal.project_id === projectId ? principal.agent_name : undefined;
      case 'client':
        return principal.names.get(projectId);
      case 'instance': {
        const session = this.store.sessions.get(principal.session_id);
        if (!session) return undefined;
        return this.store.projects.membershipsOfClient(session.client_id).find((m) => m.project_id === projectId)?.agent_name;
      }
    }
  }

  /** Every (project, name) an agent principal holds now. */
  memberships(principal: Principal): Array<{ project_id: string; agent_name: string }> {
    switch (principal.kind) {
      case 'operator':
        return [...(principal.names ?? [])].map(([project_id, agent_name]) => ({ project_id, agent_name }));
      case 'token':
        return [{ project_id: principal.project_id, agent_name: principal.agent_name }];
      case 'client':
        return [...principal.names].map(([project_id, agent_name]) => ({ project_id, agent_name }));
      case 'instance': {
        const session = this.store.sessions.get(principal.session_id);
        return session ? this.store.projects.membershipsOfClient(session.client_id).map((m) => ({ project_id: m.project_id, agent_name: m.agent_name })) : [];
      }
    }
  }

  /** Fill what the caller may leave out: the operator acts as `operator`; an agent as its own name there (and a token in its own project). */
  fill(def: MethodDef, raw: unknown, principal: Principal): unknown {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw) || (!def.actor && !def.session)) return raw;
    const given = raw as Params;
    const { topActors: actorParams, topSessions: sessionParams, projectParam, holderParam } = this.plan(def);
    const namesHolder = holderParam !== undefined && given[holderParam] !== undefined;
    const namesSession = sessionParams.some((p) => given[p] !== undefined);
    const missingActor = actorParams.some((field) => given[field] === undefined);
    // The operator's common case (it named who it acts as): nothing to fill, nothing copied.
    if (principal.kind === 'operator' && (!missingActor || namesHolder || namesSession)) return raw;
    const params: Params = { ...given };
    if (principal.kind === 'token') {
      if (namesHolder || namesSession) return params;
      // A token is one agent: it acts as itself in its project; naming another project is refused afterwards.
      if (projectParam && params[projectParam] === undefined) params[projectParam] = principal.project_id;
      for (const field of actorParams) if (params[field] === undefined) params[field] = principal.agent_name;
      return params;
    }
    const ownSession = sessionParams[0];
    if (principal.kind === 'instance' && !namesHolder && !namesSession && def.ownSession && ownSession) {
      if (def.ownSession === 'always') params[ownSession] = principal.session_id;
      else if (projectParam && params[projectParam] === undefined) {
        // Naming no project: the agent's one name if it holds exactly one, else the instance itself (its session).
        const held = this.memberships(principal);
        if (held.length !== 1 || !actorParams[0]) {
          params[ownSession] = principal.session_id;
          return params;
        }
        params[projectParam] = held[0]!.project_id;
        params[actorParams[0]] = held[0]!.agent_name;
      }
    }
    const project = projectParam ? params[projectParam] : undefined;
    if (!isString(project) || namesHolder || (namesSession && principal.kind !== 'instance')) return params;
    const name = principal.kind === 'operator' ? (principal.names?.get(project) ?? (def.takesName ? undefined : OPERATOR)) : this.nameIn(principal, project);
    if (name === undefined) return params;
    for (const field of actorParams) if (params[field] === undefined) params[field] = name;
    return params;
  }

  /**
   * Check a validated call against its principal. Throws PERMISSION_DENIED (or INVALID, naming what to do). What the call
   * acts as is told to `described` first, so a refused call's audit row says what it tried.
   */
  authorize(method: string, def: MethodDef, params: Params, principal: Principal, described?: { actingAs: string | null; sessionId: string | null; subject: string | null }): Authorized {
    // The operator's reads need nothing recorded and may do anything: the hot path stays free of work.
    if (principal.kind === 'operator' && !def.mutates && !def.allow && !principal.names) return NOTHING_AUTHORIZED;
    const plan = this.plan(def);
    if (principal.kind === 'operator' && !principal.names && (!def.allow || def.allow.includes('operator'))) {
      // The operator may act as anyone: only what the audit row says is worked out (no lists, no checks).
      if (described) describeForAudit(plan, params, described);
      return NOTHING_AUTHORIZED;
    }
    const out: Authorized = { actingAs: null, sessionId: null, subject: null, takes: [] };
    describeForAudit(plan, params, out);
    if (principal.kind === 'instance') out.sessionId = principal.session_id;
    if (described) {
      described.actingAs = out.actingAs;
      described.sessionId = out.sessionId;
      described.subject = out.subject;
    }
    const projects = stringsAt(params, plan.projects);
    const sessions = stringsAt(params, plan.sessions);
    const actors: Array<{ field: string; name: string; project: string | undefined }> = [];
    for (const { field, projectPath } of plan.actors) {
      const name = read(params, field);
      if (!isString(name)) continue;
      const project = projectPath ? read(params, projectPath) : undefined;
      actors.push({ field, name, project: isString(project) ? project : undefined });
    }

    if (def.allow && !def.allow.includes(principal.kind)) {
      throw denied(
        def.allow.length === 1 && def.allow[0] === 'operator'
          ? `${method} is the operator's to call (the human at brains tui or brains rpc); ${principalLabel(principal)} cannot`
          : `${method} cannot be called by ${principalLabel(principal)}`,
        { method },
      );
    }
    if (principal.kind === 'operator') {
      // An admin-key MCP session remembers the name it joins or creates as.
      if (principal.names && def.takesName) for (const { name, project } of actors) if (project !== undefined) out.takes.push({ project_id: project, agent_name: name });
      return out;
    }

    const who = describe(principal);
    for (const { field, name } of actors) {
      if (name === OPERATOR) throw denied(`${who} cannot act as the operator (${field}); the human acts as the operator from brains tui or brains rpc`, { field, agent_name: name });
    }
    if (principal.kind === 'token') {
      for (const project of projects) if (project !== principal.project_id) throw denied(`${who}; it cannot act in project ${project}`, { project_id: project });
      for (const { field, name } of actors) {
        if (name !== principal.agent_name) throw denied(`${who}; it cannot act as ${name} (leave ${field} out or pass ${principal.agent_name})`, { field, agent_name: name });
      }
      for (const session of sessions) if (!principal.sessions.has(session)) throw denied(`${who}; it cannot act for session ${session}`, { field: 'session_id', session_id: session });
      return out;
    }
    if (principal.kind === 'client') {
      for (const { field, name, project } of actors) {
        if (project === undefined) continue;
        const held = principal.names.get(project);
        if (held !== undefined && held !== name) throw denied(`${who}; in ${project} this session is ${held} and cannot act as ${name} (leave ${field} out or pass ${held})`, { field, agent_name: name, project_id: project });
        if (held === undefined && !out.takes.some((t) => t.project_id === project)) out.takes.push({ project_id: project, agent_name: name });
      }
      for (const session of sessions) if (!principal.sessions.has(session)) throw denied(`${who}; it cannot act for session ${session} (start one with start_session and use its session_id)`, { field: 'session_id', session_id: session });
      return out;
    }

    const session = this.instanceSession(principal);
    for (const sessionId of sessions) {
      if (sessionId !== principal.session_id) throw denied(`${who}; it cannot act for session ${sessionId} (use your own, ${principal.session_id})`, { field: 'session_id', session_id: sessionId });
    }
    if (def.takesName) return out;
    for (const { field, name, project } of actors) {
      if (project === undefined) continue;
      const member = this.store.projects.member(project, name);
      if (member && member.client_id === session.client_id) continue;
      throw this.notYours(principal, session, field, name, project);
    }
    return out;
  }

  /** An agent left out who it acts as and holds no name there to fill in: say how to get one. */
  missingActor(principal: Principal, field: string, project: unknown): BrainsError {
    if (principal.kind === 'instance') {
      const session = this.instanceSession(principal);
      if (session.identity_pending) {
        return new BrainsError(
          'INVALID',
          `${field} is missing and this agent has not said who it is: several agents worked in ${session.working_directory ?? 'this directory'} and none of them is running (${this.candidateText(session)}); call status with agent_name set to the one you are`,
          { field },
        );
      }
    }
    const where = typeof project === 'string' ? `in project ${project}` : 'there';
    return new BrainsError('INVALID', `${field} is missing and this session holds no name ${where}: call join_project first (or status, to resume who you are), or pass ${field}`, { field });
  }

  /** Handlers' check for what they find stored (a lease, an approval): may this principal act as that agent there? */
  requireMayActAs(principal: Principal, projectId: string, agentName: string, what: string): void {
    if (principal.kind === 'operator') return;
    const held = this.nameIn(principal, projectId);
    if (held === agentName && agentName !== OPERATOR) return;
    throw denied(`${what} belongs to ${agentName} in ${projectId}; ${describe(principal)}${held ? ` (you are ${held} there)` : ''}`, { project_id: projectId, agent_name: agentName });
  }

  /** A stored lock holder (or any session/agent pair): may this principal act for it? */
  requireMayHold(principal: Principal, holder: { session_id: string } | { project_id: string; agent_name: string }, what: string): void {
    if (principal.kind === 'operator') return;
    if ('session_id' in holder) {
      const own = principal.kind === 'instance' ? principal.session_id === holder.session_id : principal.sessions.has(holder.session_id);
      if (!own) throw denied(`${what} is held by session ${holder.session_id}; ${describe(principal)}`, { session_id: holder.session_id });
      return;
    }
    this.requireMayActAs(principal, holder.project_id, holder.agent_name, what);
  }

  /** May this principal see a project at all? Only a token is confined to one. */
  requireMaySee(principal: Principal, projectId: string, what: string): void {
    if (principal.kind === 'token' && principal.project_id !== projectId) throw denied(`${what} is in project ${projectId}; ${describe(principal)}`, { project_id: projectId });
  }

  /** The one project a principal is confined to, if any (a token's). */
  confinedTo(principal: Principal): string | null {
    return principal.kind === 'token' ? principal.project_id : null;
  }

  private notYours(principal: InstancePrincipal, session: SessionRow, field: string, name: string, project: string): BrainsError {
    if (session.identity_pending) {
      const candidates = this.candidateText(session);
      return new BrainsError(
        'INVALID',
        `this agent has not said who it is yet: several agents worked in ${session.working_directory ?? 'this directory'} and none of them is running (${candidates}); call status with agent_name set to the one you are`,
        { field, agent_name: name, project_id: project },
      );
    }
    const held = this.store.projects.membershipsOfClient(session.client_id).map((m) => `${m.agent_name} in ${m.project_id}`);
    const mine = held.length > 0 ? `you are ${held.join(', ')}` : 'you hold no name yet';
    return denied(`${name} in ${project} is not yours (${mine}); join_project to take a name, or leave ${field} out to act as yourself`, { field, agent_name: name, project_id: project });
  }

  /** The identities a pending instance could be, as a person reads them: `alice (in api), carol (in api)`. */
  candidateText(session: SessionRow): string {
    if (!session.working_directory) return 'none';
    const free = this.store.identities.freeIn(session.working_directory, session.session_id).filter((id) => id !== session.client_id);
    const named = this.store.identities.names(free).filter((c) => c.names.length > 0);
    return named.map((c) => c.names.map((n) => `${n.agent_name} (in ${n.project_id})`).join(' / ')).join(', ') || 'none';
  }
}

/** What a call acts as, for its audit row: the first actor with its project, the first project, the session. */
function describeForAudit(plan: Plan, params: Params, into: { actingAs: string | null; sessionId: string | null; subject: string | null }): void {
  for (const path of plan.projects) {
    const value = read(params, path);
    if (isString(value)) {
      into.subject = value;
      break;
    }
  }
  if (into.subject === null) into.subject = isString(params.key) ? params.key : isString(params.approval_id) ? params.approval_id : null;
  for (const { field, projectPath } of plan.actors) {
    const name = read(params, field);
    const project = projectPath ? read(params, projectPath) : undefined;
    if (isString(name) && isString(project)) {
      into.actingAs = `${project}/${name}`;
      break;
    }
  }
  for (const path of plan.sessions) {
    const value = read(params, path);
    if (isString(value)) {
      into.sessionId = value;
      break;
    }
  }
}

function describe(principal: Principal): string {
  switch (principal.kind) {
    case 'operator':
      return 'the operator';
    case 'token':
      return `this caller's token speaks for ${principal.agent_name} in ${principal.project_id}`;
    case 'client':
      return `this MCP session uses the key brains wire gave ${principal.client}`;
    case 'instance':
      return `this agent instance (session ${principal.session_id})`;
  }
}
