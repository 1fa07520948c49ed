// Who may hold a lock: a live session, or an agent (or the operator) in an open project; checked, labelled and compared here.
import { OPERATOR } from '../../../rpc/contract/common.js';
import type { LockHolder } from '../../../rpc/contract/locks.js';
import { BrainsError } from '../../../rpc/errors.js';
import { homedir } from 'node:os';
import type { Store } from '../../store/index.js';
import type { LeaseRow } from '../../store/locks.js';
import { requireMember, requireOpenProject } from '../shared/guards.js';

/** A holder as checked at acquire time: what the lease row stores about it. */
export interface ResolvedHolder {
  ref: LockHolder;
  kind: 'session' | 'member';
  session_id: string | null;
  project_id: string | null;
  agent_name: string | null;
  /** The identity behind it (the session's, or the member's), so the welcome packet can list its leases. */
  client_id: string | null;
}

/** Check that the holder exists and may take locks now; throws NOT_FOUND / CONFLICT with what to do. */
export function resolveHolder(store: Store, ref: LockHolder): ResolvedHolder {
  if ('session_id' in ref) {
    const session = store.sessions.get(ref.session_id);
    if (!session) throw new BrainsError('NOT_FOUND', `no session ${ref.session_id}; start one with session.start, or hold the lock as {project_id, agent_name}`);
    if (session.state === 'gone') {
      throw new BrainsError('CONFLICT', `session ${ref.session_id} has ended (${session.end_reason ?? 'gone'}); start a new session with session.start`);
    }
    return { ref: { session_id: ref.session_id }, kind: 'session', session_id: ref.session_id, project_id: null, agent_name: null, client_id: session.client_id };
  }
  requireOpenProject(store, ref.project_id);
  const member = requireMember(store, ref.project_id, ref.agent_name);
  return {
    ref: { project_id: ref.project_id, agent_name: ref.agent_name },
    kind: 'member',
    session_id: null,
    project_id: ref.project_id,
    agent_name: ref.agent_name,
    client_id: member?.client_id ?? null,
  };
}

/** Why a holder can no longer take a lock (its session ended, it left, the project closed), or null while it can. */
export function holderUnusable(store: Store, holder: LockHolder): string | null {
  if ('session_id' in holder) {
    const session = store.sessions.get(holder.session_id);
    if (!session) return `session ${holder.session_id} no longer exists`;
    return session.state === 'gone' ? `session ${holder.session_id} ended (${session.end_reason ?? 'gone'})` : null;
  }
  const project = store.projects.get(holder.project_id);
  if (!project) return `project ${holder.project_id} was deleted`;
  if (project.archived_at) return `project ${holder.project_id} was archived`;
  if (holder.agent_name !== OPERATOR && !store.projects.member(holder.project_id, holder.agent_name)) return `${holder.agent_name} left ${holder.project_id}`;
  return null;
}

export function holderOfLease(lease: LeaseRow): LockHolder {
  return lease.session_id !== null ? { session_id: lease.session_id } : { project_id: lease.project_id!, agent_name: lease.agent_name! };
}

export function sameHolder(a: LockHolder, b: LockHolder): boolean {
  if ('session_id' in a) return 'session_id' in b && a.session_id === b.session_id;
  return !('session_id' in b) && a.project_id === b.project_id && a.agent_name === b.agent_name;
}

/** `backend@web-app`, or `session 3f2a9c1e` for a session holder. */
export function holderLabel(holder: LockHolder): string {
  return 'session_id' in holder ? `session ${holder.session_id.slice(0, 8)}` : `${holder.agent_name}@${holder.project_id}`;
}

/** `alice in shop (claude-code, ~/work/shop-api)`: who, in which project, with which tool and where, as far as known. */
export function holderText(holder: LockHolder, whereabouts: { directory: string | null; tool: string | null }): string {
  const who = 'session_id' in holder ? `session ${holder.session_id.slice(0, 8)}` : `${holder.agent_name} in ${holder.project_id}`;
  const where = [whereabouts.tool, whereabouts.directory === null ? null : shortDirectory(whereabouts.directory)].filter((part) => part !== null);
  return where.length > 0 ? `${who} (${where.join(', ')})` : who;
}

/** A directory under the daemon's home as `~/…`. */
export function shortDirectory(directory: string): string {
  const home = homedir();
  if (home.length > 1 && (directory === home || directory.startsWith(`${home}/`))) return `~${directory.slice(home.length)}`;
  return directory;
}

export function holderProject(holder: LockHolder): string | null {
  return 'session_id' in holder ? null : holder.project_id;
}
