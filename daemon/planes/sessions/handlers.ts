// The sessions plane: agent instances register (getting their identity and, on the operator's socket, a secret their
// other connections present), say who they are, keep alive and end; the reaper ends the ones that vanish.
import { randomUUID } from 'node:crypto';
import { sessionsMethods } from '../../../rpc/contract/sessions.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { SessionKind, SessionRow } from '../../store/sessions.js';
import type { Emit } from '../../events/mutate.js';
import type { CallContext, HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireMember } from '../shared/guards.js';
import { buildWelcome } from '../shared/welcome.js';
import { candidatesFor, identityNamed, resolveIdentity, type Who } from './identity.js';
import { hashMatches, newInstanceSecret, secretHash } from '../../principals/credentials.js';
import { principalLabel, tokenPrincipal, type InstancePrincipal, type Principal } from '../../principals/principal.js';

type StartParams = Parameters<HandlersFor<typeof sessionsMethods>['session.start']>[0];

/** How a plane registers an instance on behalf of its tool (the hooks): which kind, and a tool process to join. */
export interface Registration {
  kind: SessionKind;
  /** A live session of this kind with the same pid is the same instance: join it instead of starting another. */
  joinKind?: SessionKind;
}

/** Registering instances and saying who they are: used by session.start/status and by the hooks (nudges plane). */
export function sessionRegistration(deps: PlaneDeps) {
  const { store } = deps;

  const welcomeOf = (session: SessionRow) =>
    buildWelcome(deps, {
      client_id: session.client_id,
      session_id: session.session_id,
      pending: session.identity_pending === 1,
      candidates: session.identity_pending === 1 ? candidatesFor(store, session.working_directory, session.session_id, session.client_id) : [],
      working_directory: session.working_directory,
    });

  /** Settle which identity a pending (or any) instance is, by the name it says it has. */
  const sayWho = (session: SessionRow, agentName: string): SessionRow => {
    const current = store.projects.membershipsOfClient(session.client_id);
    if (current.some((m) => m.agent_name === agentName) && session.identity_pending !== 1) return session;
    const named = identityNamed(store, agentName, session.working_directory, session.session_id);
    const heldBy = named ? store.identities.heldByLiveSession(named, session.session_id) : null;
    if (named && heldBy) throw new BrainsError('CONFLICT', `${agentName} is running in another session (${heldBy}); pick another name, or end that session first`, { agent_name: agentName });
    const clientId = named && store.projects.membershipsOfClient(named).length > 0 ? named : session.client_id;
    deps.mutate(() => {
      store.identities.ensure(clientId, session.working_directory, new Date().toISOString());
      store.sessions.setIdentity(session.session_id, clientId, false);
    });
    return store.sessions.get(session.session_id)!;
  };

  const start = (params: StartParams, ctx: CallContext, registration: Registration = params.bind ? { kind: 'mcp', joinKind: 'hook' } : { kind: 'api' }) => {
    const principal = ctx.principal;
    if (principal.kind === 'instance') {
      // An instance that registers again (start_session over MCP) is the same instance.
      const own = deps.access.instanceSession(principal);
      return { session_id: own.session_id, secret: null, ...welcomeOf(own) };
    }
    if (params.bind && principal.kind !== 'operator') throw new BrainsError('PERMISSION_DENIED', `${principalLabel(principal)} cannot start an agent instance on its connection; it already speaks for an agent`);
    const now = new Date().toISOString();
    const secret = principal.kind === 'operator' ? newInstanceSecret() : null;
    const joined = params.pid === undefined ? null : joinable(params.pid, registration);
    const session = deps.mutate((emit) => {
      if (joined) {
        store.sessions.describe(joined.session_id, params.tool === 'other' ? joined.tool : params.tool, params.label ?? null, params.transcript_path ?? null);
        if (registration.kind === 'mcp') store.sessions.setKind(joined.session_id, 'mcp');
        if (secret) store.sessions.setSecretHash(joined.session_id, secretHash(secret));
        return store.sessions.get(joined.session_id)!;
      }
      const identity = identityFor(principal, params, now);
      const row: SessionRow = {
        session_id: randomUUID(),
        client_id: identity.client_id,
        tool: params.tool,
        working_directory: params.working_directory ?? null,
        pid: params.pid ?? null,
        transcript_path: params.transcript_path ?? null,
        label: params.label ?? null,
        state: 'active',
        started_at: now,
        last_seen: now,
        ended_at: null,
        end_reason: null,
        secret_hash: secret ? secretHash(secret) : null,
        identity_pending: identity.pending ? 1 : 0,
        kind: registration.kind,
      };
      store.sessions.insert(row);
      store.projects.touchClientMembers(row.client_id, now);
      emit('session.started', row.session_id, { client_id: row.client_id, tool: row.tool, working_directory: row.working_directory, pid: row.pid });
      return row;
    });
    if (principal.kind === 'token' || principal.kind === 'client') principal.sessions.add(session.session_id);
    if (params.bind) ctx.bind({ kind: 'instance', session_id: session.session_id });
    return { session_id: session.session_id, secret, ...welcomeOf(session) };
  };

  /**
   * The live instance of the same tool process that this registration is: a hook joins that process's brains mcp and the
   * other way round; a brains mcp restarted by its tool takes over its predecessor's instance once that one lost its connection.
   */
  const joinable = (pid: number, registration: Registration): SessionRow | null => {
    if (registration.joinKind) {
      const other = store.sessions.liveByPid(pid, registration.joinKind);
      if (other) return other;
    }
    if (registration.kind !== 'mcp') return null;
    const predecessor = store.sessions.liveByPid(pid, 'mcp');
    return predecessor && !deps.instanceConnected?.(predecessor.session_id) ? predecessor : null;
  };

  /** The identity a new session gets: a token's agent's, else what the params say, else the directory's free one. */
  const identityFor = (principal: Principal, who: Who, now: string) => {
    if (principal.kind === 'token') {
      const member = store.projects.member(principal.project_id, principal.agent_name);
      if (member?.client_id) return { client_id: member.client_id, pending: false };
    }
    return resolveIdentity(store, who, null, now);
  };

  return { start, welcomeOf, sayWho };
}

export function sessionsHandlers(deps: PlaneDeps): HandlersFor<typeof sessionsMethods> {
  const { store } = deps;
  const { start, welcomeOf, sayWho } = sessionRegistration(deps);

  return {
    'session.start': (params, ctx) => start(params, ctx),

    'session.status': (params, ctx) => {
      const principal = ctx.principal;
      if (principal.kind === 'instance') {
        let session = deps.access.instanceSession(principal);
        if (params.agent_name !== undefined) session = sayWho(session, params.agent_name);
        return welcomeOf(session);
      }
      if (principal.kind === 'token') {
        const member = requireMember(store, principal.project_id, principal.agent_name);
        return buildWelcome(deps, { client_id: member?.client_id ?? '', session_id: null, only_project: principal.project_id });
      }
      if (!params.working_directory && !params.client_id && !params.agent_name) {
        throw new BrainsError('INVALID', 'say who you are: pass working_directory (your project root), agent_name or client_id');
      }
      // A read: which identity the params point at, without making one (a new directory shows an empty packet).
      const resolved = resolveIdentity(store, params, null, new Date().toISOString(), { dryRun: true });
      const welcome = buildWelcome(deps, {
        client_id: resolved.client_id,
        session_id: null,
        pending: resolved.pending,
        candidates: resolved.pending ? candidatesFor(store, params.working_directory ?? null, null, resolved.client_id) : [],
        working_directory: params.working_directory ?? null,
      });
      // A wired key's (or admin key's) MCP session resumes who it is by its directory: it takes those names.
      const names = principal.names;
      if (names && !resolved.pending) {
        for (const p of welcome.projects) if (!names.has(p.project_id)) names.set(p.project_id, p.agent_name);
      }
      return welcome;
    },

    'session.whoami': (_params, ctx) => {
      const principal = ctx.principal;
      const session = principal.kind === 'instance' ? deps.access.instanceSession(principal) : null;
      return {
        principal: principal.kind,
        label: principalLabel(principal),
        session_id: session?.session_id ?? null,
        client_id: session?.client_id ?? null,
        working_directory: session?.working_directory ?? null,
        names: deps.access.memberships(principal),
        identity_pending: session?.identity_pending === 1,
      };
    },

    'session.authenticate': ({ token, secret }, ctx) => {
      if ((token === undefined) === (secret === undefined)) throw new BrainsError('INVALID', 'pass exactly one of token (from mcp.token) or secret (from session.start)');
      if (token !== undefined) {
        const hash = secretHash(token);
        const row = store.mcpTokens.byHash(hash);
        if (!row || !hashMatches(row.token_hash, hash)) throw new BrainsError('PERMISSION_DENIED', 'that token is not known (minting again replaces a token); ask the operator for a new one with mcp.token');
        const principal = tokenPrincipal(row);
        ctx.bind(principal);
        return { principal: 'token' as const, label: principalLabel(principal), session_id: null, project_id: row.project_id, agent_name: row.agent_name };
      }
      const hash = secretHash(secret!);
      const session = store.sessions.bySecretHash(hash);
      if (!session || !hashMatches(session.secret_hash ?? '', hash)) throw new BrainsError('PERMISSION_DENIED', 'that instance secret is not known; register again with session.start');
      if (session.state === 'gone') throw new BrainsError('CONFLICT', `session ${session.session_id} has ended (${session.end_reason ?? 'gone'}); register again with session.start`);
      const principal: InstancePrincipal = { kind: 'instance', session_id: session.session_id };
      ctx.bind(principal);
      return { principal: 'instance' as const, label: principalLabel(principal), session_id: session.session_id, project_id: null, agent_name: null };
    },

    'session.heartbeat': ({ session_id, project_id, agent_name, online }) => {
      const now = new Date().toISOString();
      if (session_id !== undefined) {
        const session = requireLiveSession(deps, session_id);
        deps.mutate((emit) => (online ? touchSession(deps, emit, session, now) : idleSession(deps, emit, session)));
        return { ok: true, last_seen: online ? now : session.last_seen };
      }
      if (project_id === undefined || agent_name === undefined) {
        throw new BrainsError('INVALID', 'pass session_id, or project_id with agent_name');
      }
      requireMember(store, project_id, agent_name);
      if (online) store.projects.touchMember(project_id, agent_name, now);
      return { ok: true, last_seen: now };
    },
    'session.end': ({ session_id, reason }) => {
      const session = requireLiveSession(deps, session_id);
      deps.mutate((emit) => endSession(deps, emit, session, 'session.ended', reason ?? 'ended by the agent'));
      return { session_id, state: 'gone' };
    },
    'session.list': (filter, ctx) => {
      const confined = deps.access.confinedTo(ctx.principal);
      const sessions = store.sessions.list(filter).map(sessionView);
      if (confined === null) return { sessions };
      const inProject = new Set(store.projects.members(confined).flatMap((m) => (m.client_id ? [m.client_id] : [])));
      return { sessions: sessions.filter((s) => inProject.has(s.client_id)) };
    },
  };
}

/** What session.list shows of a stored session: never its secret's hash or bookkeeping columns. */
function sessionView(row: SessionRow) {
  return {
    session_id: row.session_id,
    client_id: row.client_id,
    tool: row.tool,
    working_directory: row.working_directory,
    pid: row.pid,
    transcript_path: row.transcript_path,
    label: row.label,
    state: row.state,
    started_at: row.started_at,
    last_seen: row.last_seen,
    ended_at: row.ended_at,
    end_reason: row.end_reason,
  };
}

function requireLiveSession(deps: PlaneDeps, sessionId: string): SessionRow {
  const session = deps.store.sessions.get(sessionId);
  if (!session) throw new BrainsError('NOT_FOUND', `no session ${sessionId}; start one with session.start`);
  if (session.state === 'gone') {
    throw new BrainsError('CONFLICT', `session ${sessionId} has ended (${session.end_reason ?? 'gone'}); start a new one with session.start`);
  }
  return session;
}

/** Mark a session gone and let every plane release what it held, inside the caller's transaction. */
export function endSession(deps: PlaneDeps, emit: Emit, session: SessionRow, eventType: 'session.ended' | 'session.gone', reason: string): void {
  const now = new Date().toISOString();
  deps.store.sessions.end(session.session_id, now, reason);
  const memberships = deps.store.projects.membershipsOfClient(session.client_id).map((m) => ({ project_id: m.project_id, agent_name: m.agent_name }));
  const clientStillLive = deps.store.sessions.liveForClient(session.client_id).length > 0;
  for (const release of deps.hooks.sessionGone) release(emit, { ...session, state: 'gone', ended_at: now, end_reason: reason }, memberships, clientStillLive);
  emit(eventType, session.session_id, { client_id: session.client_id, tool: session.tool, reason });
}

/** A sign of life: last seen now, and back to active (one session.active event) if it was idle. */
export function touchSession(deps: PlaneDeps, emit: Emit, session: SessionRow, now: string): void {
  deps.store.sessions.touch(session.session_id, now);
  deps.store.projects.touchClientMembers(session.client_id, now);
  if (session.state === 'idle') emit('session.active', session.session_id, { client_id: session.client_id });
}

/** Quiet for a while (or it said it is offline): idle, with one session.idle event per change. */
export function idleSession(deps: PlaneDeps, emit: Emit, session: SessionRow): void {
  if (session.state !== 'active') return;
  deps.store.sessions.setState(session.session_id, 'idle');
  emit('session.idle', session.session_id, { client_id: session.client_id });
}
