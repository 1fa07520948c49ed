// The sessions plane: agents announce themselves, keep alive, and end; the reaper ends the ones that vanish.
import { randomUUID } from 'node:crypto';
import { sessionsMethods } from '../../../rpc/contract/sessions.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { SessionRow } from '../../store/sessions.js';
import type { Emit } from '../../events/mutate.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireMember } from '../shared/guards.js';
import { clientIdFor } from '../shared/identity.js';
import { buildWelcome } from '../shared/welcome.js';

export function sessionsHandlers(deps: PlaneDeps): HandlersFor<typeof sessionsMethods> {
  const { store } = deps;
  return {
    'session.start': (params) => {
      const clientId = clientIdFor(params);
      const now = new Date().toISOString();
      const session: SessionRow = {
        session_id: randomUUID(),
        client_id: clientId,
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
      };
      deps.mutate((emit) => {
        store.sessions.ensureClient(clientId, session.working_directory, now);
        store.sessions.insert(session);
        store.projects.touchClientMembers(clientId, now);
        emit('session.started', session.session_id, { client_id: clientId, tool: session.tool, working_directory: session.working_directory, pid: session.pid });
      });
      return { session_id: session.session_id, ...buildWelcome(deps, clientId, session.session_id) };
    },
    'session.status': (params) => buildWelcome(deps, clientIdFor(params), null),
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
    'session.list': (filter) => ({ sessions: store.sessions.list(filter) }),
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
