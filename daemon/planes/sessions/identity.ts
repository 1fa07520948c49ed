// Who an agent is across restarts: an identity (a client_id holding names in projects), found by what the agent says
// (client_id, agent_name) or else by the directory it works in, and never shared by two running agents. A directory
// resumes an identity only when exactly one free identity worked there; with several, the agent must say which it is.
import { randomUUID } from 'node:crypto';
import { BrainsError } from '../../../rpc/errors.js';
import type { Store } from '../../store/index.js';
import type { Principal } from '../../principals/principal.js';
import type { Access } from '../../principals/access.js';

export interface Who {
  working_directory?: string | undefined;
  client_id?: string | undefined;
  agent_name?: string | undefined;
}

export interface Resolved {
  client_id: string;
  /** Several identities could be this one: the agent has to say which (status with agent_name). */
  pending: boolean;
}

export const newIdentityId = (): string => `id-${randomUUID()}`;

/**
 * The identity a new agent instance (or a join from the operator) is. `exceptSession` is the instance asking, which does
 * not count as holding what it already holds. Creates the identity (and records the directory) when it is new.
 */
export function resolveIdentity(store: Store, who: Who, exceptSession: string | null, now: string, opts: { dryRun?: boolean } = {}): Resolved {
  const dir = who.working_directory ?? null;
  const settle = (clientId: string, pending = false): Resolved => {
    if (!opts.dryRun) store.identities.ensure(clientId, dir, now);
    return { client_id: clientId, pending };
  };
  if (who.client_id) return settle(who.client_id);
  if (who.agent_name) return settle(identityNamed(store, who.agent_name, dir, exceptSession) ?? freshOrEmpty(store, dir, exceptSession));
  if (dir === null) return settle(newIdentityId());
  const free = store.identities.freeIn(dir, exceptSession);
  const named = store.identities.names(free).filter((c) => c.names.length > 0);
  if (named.length === 1) return settle(named[0]!.client_id);
  return settle(freshOrEmpty(store, dir, exceptSession), named.length > 1);
}

/** The identity an agent means by a name: one that worked here holding it, else one so named, else any free one holding it. */
export function identityNamed(store: Store, agentName: string, dir: string | null, exceptSession: string | null): string | null {
  if (dir !== null) {
    const here = store.identities.holding(store.identities.freeIn(dir, exceptSession), agentName);
    if (here.length > 0) return here[0]!;
  }
  if (store.identities.exists(agentName) && store.identities.heldByLiveSession(agentName, exceptSession) === null) return agentName;
  const anywhere = store.identities.holdingAnywhere(agentName).filter((id) => store.identities.heldByLiveSession(id, exceptSession) === null);
  if (anywhere.length === 1) return anywhere[0]!;
  return store.identities.exists(agentName) ? null : agentName;
}

/** An identity that worked here and holds nothing yet (reused, so empty ones do not pile up), or a new one. */
function freshOrEmpty(store: Store, dir: string | null, exceptSession: string | null): string {
  if (dir === null) return newIdentityId();
  const free = store.identities.freeIn(dir, exceptSession);
  const empty = store.identities.names(free).find((c) => c.names.length === 0);
  return empty?.client_id ?? newIdentityId();
}

/** The identities a pending agent could be: free, worked in its directory, holding names. */
export function candidatesFor(store: Store, dir: string | null, exceptSession: string | null, own: string | null) {
  if (dir === null) return [];
  const free = store.identities.freeIn(dir, exceptSession).filter((id) => id !== own);
  return store.identities.names(free).filter((c) => c.names.length > 0);
}

/**
 * The identity a join or create acts for when the caller is not an agent instance (the operator, a wired key): what the
 * params say. When several free identities worked in the directory, the joining name settles it (the one holding it,
 * else a new identity); `nameHint` is that name.
 */
export function identityOfParams(store: Store, who: Who, nameHint: string | undefined, now: string): string | null {
  if (!who.client_id && !who.working_directory) return null;
  const resolved = resolveIdentity(store, { working_directory: who.working_directory, client_id: who.client_id }, null, now);
  if (!resolved.pending) return resolved.client_id;
  const holding = nameHint ? candidatesFor(store, who.working_directory ?? null, null, null).find((c) => c.names.some((n) => n.agent_name === nameHint)) : undefined;
  if (holding) return holding.client_id;
  if (nameHint) return resolved.client_id;
  const names = candidatesFor(store, who.working_directory ?? null, null, resolved.client_id)
    .map((c) => c.names.map((n) => `${n.agent_name} (in ${n.project_id})`).join(' / '))
    .join(', ');
  throw new BrainsError('INVALID', `several agents worked in ${who.working_directory} (${names}); say which one with agent_name, or pass client_id`, { working_directory: who.working_directory });
}

/**
 * The identity a join or create by this caller acts for: an agent instance's own (a pending one settles here when the
 * name it joins as is one a candidate holds), a token's agent's, else what the params say.
 */
export function callerIdentity(store: Store, access: Access, principal: Principal, who: Who, nameHint: string | undefined, projectId: string | undefined, now: string): string | null {
  if (principal.kind === 'instance') {
    const session = access.instanceSession(principal);
    if (session.identity_pending === 1) {
      const holding = nameHint ? candidatesFor(store, session.working_directory, session.session_id, session.client_id).find((c) => c.names.some((n) => n.agent_name === nameHint)) : undefined;
      if (!holding) throw access.missingActor(principal, 'agent_name', projectId);
      store.sessions.setIdentity(session.session_id, holding.client_id, false);
      store.identities.ensure(holding.client_id, session.working_directory, now);
      return holding.client_id;
    }
    store.identities.ensure(session.client_id, session.working_directory, now);
    return session.client_id;
  }
  if (principal.kind === 'token') return store.projects.member(principal.project_id, principal.agent_name)?.client_id ?? null;
  return identityOfParams(store, who, nameHint, now);
}
