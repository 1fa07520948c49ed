// The locks plane: advisory leases on paths, globs and names, with fencing tokens, TTLs, a fair FIFO wait, and release when the holder goes.
import { locksMethods, type LockHolder } from '../../../rpc/contract/locks.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { HandlersFor } from '../shared/call.js';
import type { LeaseRow } from '../../store/locks.js';
import type { PlaneDeps } from '../shared/deps.js';
import type { Result } from '../../../rpc/contract/index.js';
import type { Principal } from '../../principals/principal.js';
import type { Membership } from '../shared/hooks.js';
import { holderLabel, holderOfLease, holderProject, holderText, resolveHolder, sameHolder, shortDirectory } from './holders.js';
import { normalizeKey, parsedKey } from './keys.js';
import { LockManager } from './manager.js';
import { placeKey, scopeToList, whereaboutsOf } from './scoping.js';
import { describeBlockers, leaseEventData, leaseWhereabouts, secondsBetween, type Blocker } from './views.js';

/** Most live leases one holder may have at once. */
export const MAX_LEASES_PER_HOLDER = 1000;

export function locksHandlers(deps: PlaneDeps): HandlersFor<typeof locksMethods> {
  const { store } = deps;
  const manager = new LockManager(deps);
  deps.addService(manager.expiry);
  deps.addService(manager.handOverService);
  registerLockHooks(deps, manager);

  /** Find the lease a renew or release names, and refuse a stale holder (ended lease, wrong token). */
  const heldLease = (ref: { lease_id?: string | undefined; key?: string | undefined; holder?: LockHolder | undefined; fencing_token: number }, principal: Principal): LeaseRow => {
    let lease: LeaseRow | null;
    if (ref.lease_id !== undefined) {
      if (ref.key !== undefined || ref.holder !== undefined) throw new BrainsError('INVALID', 'name the lease by lease_id, or by key with holder, not both');
      lease = store.locks.get(ref.lease_id);
      if (!lease) throw new BrainsError('NOT_FOUND', `no lease ${ref.lease_id}: it never existed or ended over a day ago; acquire the lock again with lock.acquire`);
    } else if (ref.key !== undefined && ref.holder !== undefined) {
      const key = normalizeKey(ref.key);
      lease = store.locks.liveByKeyAndHolder(key, ref.holder, ref.fencing_token) ?? store.locks.lastEndedByKeyAndHolder(key, ref.holder, ref.fencing_token);
      if (!lease) throw new BrainsError('NOT_FOUND', `${holderLabel(ref.holder)} holds no lease on ${key}; acquire it with lock.acquire`, { key });
    } else if (ref.key !== undefined) {
      // A key and its fencing token name one lease (tokens are never reused): whose it is comes from the stored row.
      const key = normalizeKey(ref.key);
      lease = store.locks.byKeyAndToken(key, ref.fencing_token);
      if (!lease) throw new BrainsError('NOT_FOUND', `no lease on ${key} has fencing token ${ref.fencing_token}; pass the token lock.acquire gave you (or lease_id)`, { key });
    } else {
      throw new BrainsError('INVALID', 'name the lease: pass lease_id, or key with its fencing_token (and holder, if you like)');
    }
    // Whose lease it is comes from the stored row, never from what the params claim.
    deps.access.requireMayHold(principal, holderOfLease(lease), `the lease on ${lease.key}`);
    if (lease.ended_at !== null) {
      throw new BrainsError('CONFLICT', `your lease on ${lease.key} (fencing token ${lease.fencing_token}) already ended at ${lease.ended_at} (${lease.end_reason ?? 'ended'}); you no longer hold it — acquire it again with lock.acquire`, {
        key: lease.key,
        ended_at: lease.ended_at,
        reason: lease.end_reason,
      });
    }
    if (lease.fencing_token !== ref.fencing_token) {
      throw new BrainsError('CONFLICT', `fencing token ${ref.fencing_token} is not the token of the current lease on ${lease.key}; it belongs to an older lease — acquire the lock again and use the token it gives`, {
        key: lease.key,
      });
    }
    return lease;
  };

  const leaseLength = (asked: number | undefined): number => {
    const max = deps.settings.get('lock_max_ttl_seconds');
    if (asked === undefined) return Math.min(deps.settings.get('lock_default_ttl_seconds'), max);
    if (asked > max) {
      throw new BrainsError('LIMIT_EXCEEDED', `ttl_seconds ${asked} is over the longest lease, ${max}s (setting lock_max_ttl_seconds); ask for less and renew with lock.renew`, { limit: max });
    }
    return asked;
  };

  return {
    'lock.acquire': async (params, ctx) => {
      const named = holderNamed(params);
      const asked = normalizeKey(params.key);
      const ttlSeconds = leaseLength(params.ttl_seconds);
      const found = whereaboutsOf(store, named, ctx.principal);
      const whereabouts = { directory: params.working_directory ?? found.directory, tool: found.tool };
      const placing = placeKey(asked, { scope: params.scope }, whereabouts);
      const placed = placing instanceof Promise ? await placing : placing;
      const key = placed.key;
      manager.expireNow();
      const attempt = ctx.within(() => deps.mutate((emit) => {
        const holder = resolveHolder(store, named);
        if (store.locks.liveCountForHolder(holder.ref) >= MAX_LEASES_PER_HOLDER) {
          throw new BrainsError('LIMIT_EXCEEDED', `${holderLabel(holder.ref)} already holds ${MAX_LEASES_PER_HOLDER} leases; release some, or lock a glob instead of many paths`, {
            limit: MAX_LEASES_PER_HOLDER,
          });
        }
        const request = { ...placed, askedKey: asked === key ? null : asked, whereabouts, parsed: parsedKey(key), mode: params.mode, holder, ttlSeconds };
        const outcome = manager.acquireNow(emit, request);
        if ('blockers' in outcome) refuseSelfConflict(key, holder.ref, outcome.blockers);
        return { ...outcome, request };
      }));
      if ('lease' in attempt) return acquiredResult(attempt.lease, 0);
      if (!params.wait || params.timeout_seconds === 0) throw busyError(key, placed.root, attempt.blockers, params.wait);
      const started = Date.now();
      try {
        const { lease, waitedMs } = await manager.park(attempt.request, params.timeout_seconds * 1000, ctx.signal);
        return acquiredResult(lease, waitedMs);
      } catch (error) {
        // A wait that ran out is an answer, not an error: who still holds it and who waits ahead.
        if (!(error instanceof BrainsError) || error.appCode !== 'TIMEOUT') throw error;
        const details = error.details as { holders: TimedOutLock['holders']; waiters_ahead: TimedOutLock['waiters_ahead'] };
        return { timed_out: true as const, waited_ms: Date.now() - started, message: error.message, key, scope: placed.scope, holders: details.holders, waiters_ahead: details.waiters_ahead };
      }
    },

    'lock.renew': (params, ctx) => {
      manager.expireNow();
      return deps.mutate((emit) => {
        const lease = heldLease(params, ctx.principal);
        const ttlSeconds = params.ttl_seconds === undefined ? Math.min(lease.ttl_seconds, deps.settings.get('lock_max_ttl_seconds')) : leaseLength(params.ttl_seconds);
        const now = new Date();
        const renewed: LeaseRow = { ...lease, renewed_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(), ttl_seconds: ttlSeconds };
        store.locks.renew(lease.lease_id, renewed.renewed_at!, renewed.expires_at, ttlSeconds);
        emit('lock.renewed', renewed.key, { ...leaseEventData(renewed), ttl_seconds: ttlSeconds });
        return { ...leaseView(renewed), renewed_at: renewed.renewed_at! };
      });
    },

    'lock.release': (params, ctx) => {
      manager.expireNow();
      return deps.mutate((emit) => {
        const lease = heldLease(params, ctx.principal);
        manager.endLeases(emit, [lease], 'released', 'released by its holder');
        const handed = manager.grant(emit);
        manager.pruneEnded();
        return {
          released: true as const,
          lease_id: lease.lease_id,
          key: lease.key,
          fencing_token: lease.fencing_token,
          released_at: store.locks.get(lease.lease_id)?.ended_at ?? new Date().toISOString(),
          handed_to: handed.map((w) => ({ holder: w.holder.ref, holder_label: holderLabel(w.holder.ref), mode: w.mode, key: w.key })),
        };
      });
    },

    'lock.list': ({ scope, working_directory, ...filter }, ctx) => {
      const onlyScope = scopeToList(scope, working_directory);
      return onlyScope instanceof Promise ? onlyScope.then((known) => listLocks({ ...filter, onlyScope: known }, ctx.principal)) : listLocks({ ...filter, onlyScope }, ctx.principal);
    },
  };

  function listLocks({ key_prefix, onlyScope, project_id: asked, holder, limit }: LockListFilter, principal: Principal): Result<'lock.list'> {
    // A token sees only its own project's leases and waiters (a session's lease names no project: not shown to it).
    const project_id = deps.access.confinedTo(principal) ?? asked;
    const now = new Date();
    const nowIso = now.toISOString();
    const wanted = (key: string, keyScope: string, who: LockHolder) =>
      (key_prefix === undefined || key.startsWith(key_prefix)) &&
      (onlyScope === undefined || keyScope === onlyScope) &&
      (project_id === undefined || holderProject(who) === project_id) &&
      (holder === undefined || sameHolder(who, holder));
    // One entry per key in each scope: src/x.ts of two repositories are two locks.
    const byKey = new Map<string, { key: string; scope: string; holders: ListedHolder[]; waiters: ListedWaiter[] }>();
    const entry = (scope: string, key: string) => {
      const id = `${key}\u0000${scope}`;
      let found = byKey.get(id);
      if (!found) byKey.set(id, (found = { key, scope, holders: [], waiters: [] }));
      return found;
    };
    let holderCount = 0;
    for (const lease of store.locks.live()) {
      const who = holderOfLease(lease);
      if (lease.expires_at <= nowIso || !wanted(lease.key, lease.scope, who)) continue;
      holderCount += 1;
      const whereabouts = leaseWhereabouts(lease);
      entry(lease.scope, lease.key).holders.push({
        holder: who,
        holder_label: holderLabel(who),
        holder_text: holderText(who, whereabouts),
        tool: whereabouts.tool,
        directory: whereabouts.directory,
        root: lease.root,
        mode: lease.mode,
        fencing_token: lease.fencing_token,
        acquired_at: lease.acquired_at,
        renewed_at: lease.renewed_at,
        expires_at: lease.expires_at,
        age_seconds: secondsBetween(new Date(lease.acquired_at), now),
        time_left_seconds: secondsBetween(now, new Date(lease.expires_at)),
      });
    }
    let waiterCount = 0;
    for (const waiter of manager.waiters()) {
      if (!wanted(waiter.key, waiter.scope, waiter.holder)) continue;
      waiterCount += 1;
      entry(waiter.scope, waiter.key).waiters.push({
        holder: waiter.holder,
        holder_label: holderLabel(waiter.holder),
        holder_text: holderText(waiter.holder, waiter.whereabouts),
        tool: waiter.whereabouts.tool,
        directory: waiter.whereabouts.directory,
        root: waiter.root,
        mode: waiter.mode,
        waiting_since: waiter.since.toISOString(),
        waited_seconds: secondsBetween(waiter.since, now),
        position: waiter.position,
        blocked_by: waiter.blockedBy,
      });
    }
    const keys = [...byKey.keys()].sort();
    return {
      locks: keys.slice(0, limit).map((id) => byKey.get(id)!),
      holder_count: holderCount,
      waiter_count: waiterCount,
      truncated: keys.length > limit,
      as_of: nowIso,
    };
  }
}

interface LockListFilter {
  key_prefix?: string | undefined;
  onlyScope: string | undefined;
  project_id?: string | undefined;
  holder?: LockHolder | undefined;
  limit: number;
}

interface ListedHolder {
  holder: LockHolder;
  holder_label: string;
  holder_text: string;
  tool: string | null;
  directory: string | null;
  root: string | null;
  mode: 'exclusive' | 'shared';
  fencing_token: number;
  acquired_at: string;
  renewed_at: string | null;
  expires_at: string;
  age_seconds: number;
  time_left_seconds: number;
}

interface ListedWaiter {
  holder: LockHolder;
  holder_label: string;
  holder_text: string;
  tool: string | null;
  directory: string | null;
  root: string | null;
  mode: 'exclusive' | 'shared';
  waiting_since: string;
  waited_seconds: number;
  position: number;
  blocked_by: string[];
}

/** Leases end with their holder: a session that ends (and its identity's agent leases when no session of it is left), a member that leaves. */
function registerLockHooks(deps: PlaneDeps, manager: LockManager): void {
  const { store } = deps;
  const isMember = (holder: LockHolder, member: Membership) => !('session_id' in holder) && holder.project_id === member.project_id && holder.agent_name === member.agent_name;

  deps.hooks.sessionGone.push((emit, session, memberships, clientStillLive) => {
    const ending = store.locks.liveForSession(session.session_id);
    const agentsGone = clientStillLive ? [] : memberships;
    for (const member of agentsGone) ending.push(...store.locks.liveForMember(member.project_id, member.agent_name));
    if (ending.length === 0) return;
    manager.endLeases(emit, ending, 'holder_gone', `holder gone: session ${session.session_id} ended (${session.end_reason ?? 'gone'})`);
    manager.grant(emit, (holder) => ('session_id' in holder && holder.session_id === session.session_id) || agentsGone.some((m) => isMember(holder, m)));
  });

  deps.hooks.memberLeft.push((emit, member) => {
    const ending = store.locks.liveForMember(member.project_id, member.agent_name);
    if (ending.length === 0) return;
    // No hand-over here: this may be a project.delete, whose own waiters must not be granted a lease the delete then removes.
    // The waiters get the lock right after commit, once those of a deleted project have been dropped from the queue.
    manager.endLeases(emit, ending, 'member_left', `member left: ${member.agent_name} left ${member.project_id}`);
  });

  deps.hooks.welcome.push(({ client_id, memberships }) => {
    const leases = new Map<string, LeaseRow>();
    for (const session of store.sessions.liveForClient(client_id)) for (const lease of store.locks.liveForSession(session.session_id)) leases.set(lease.lease_id, lease);
    for (const m of memberships) for (const lease of store.locks.liveForMember(m.project_id, m.agent_name)) leases.set(lease.lease_id, lease);
    const nowIso = new Date().toISOString();
    return {
      locks: [...leases.values()]
        .filter((lease) => lease.expires_at > nowIso)
        .sort((a, b) => a.fencing_token - b.fencing_token)
        .map((lease) => ({ ...leaseView(lease), token: lease.fencing_token })),
    };
  });
}

/** The holder of an acquire, however it was named: flat project_id + agent_name or session_id, or a holder object. */
function holderNamed(params: { project_id?: string | undefined; agent_name?: string | undefined; session_id?: string | undefined; holder?: LockHolder | undefined }): LockHolder {
  const flat = params.session_id !== undefined ? { session_id: params.session_id } : params.project_id !== undefined && params.agent_name !== undefined ? { project_id: params.project_id, agent_name: params.agent_name } : undefined;
  if (params.holder && flat && !sameHolder(params.holder, flat)) {
    throw new BrainsError('INVALID', 'name the holder once: holder, or project_id with agent_name, or session_id (they disagree here)');
  }
  const holder = params.holder ?? flat;
  if (!holder) {
    throw new BrainsError('INVALID', params.project_id !== undefined ? 'agent_name is missing: who holds the lock in this project?' : 'name the holder: project_id with agent_name, or session_id (or holder)');
  }
  return holder;
}

function leaseView(lease: LeaseRow) {
  return {
    lease_id: lease.lease_id,
    key: lease.key,
    scope: lease.scope,
    root: lease.root,
    mode: lease.mode,
    holder: holderOfLease(lease),
    fencing_token: lease.fencing_token,
    acquired_at: lease.acquired_at,
    expires_at: lease.expires_at,
    ttl_seconds: lease.ttl_seconds,
  };
}

type TimedOutLock = Extract<Result<'lock.acquire'>, { timed_out: true }>;

function acquiredResult(lease: LeaseRow, waitedMs: number) {
  return {
    ...leaseView(lease),
    timed_out: false as const,
    waited_ms: Math.round(waitedMs),
    message: `You hold ${lease.key}${lease.root === null ? '' : ` in ${shortDirectory(lease.root)}`} (${lease.mode}) with fencing token ${lease.fencing_token} until ${lease.expires_at}. Renew with lock.renew before then; release with lock.release when done.`,
  };
}

/** Waiting behind your own lease (or your own earlier request) would wait for ever: refuse it at once. */
function refuseSelfConflict(key: string, holder: LockHolder, blockers: readonly Blocker[]): void {
  const own = blockers.find((b) => sameHolder(b.holder, holder));
  if (!own) return;
  if (own.lease) {
    throw new BrainsError(
      'CONFLICT',
      `${holderLabel(holder)} already holds ${own.lease.mode} ${own.lease.key} (fencing token ${own.lease.fencing_token}, until ${own.lease.expires_at}), which covers ${key}; renew it with lock.renew or release it first`,
      { key, own_lease: leaseView(own.lease) },
    );
  }
  throw new BrainsError('CONFLICT', `${holderLabel(holder)} is already waiting for ${own.key}, which overlaps ${key}; wait for that request to finish first`, { key });
}

function busyError(key: string, root: string | null, blockers: readonly Blocker[], wanted: boolean): BrainsError {
  const { text, details } = describeBlockers(blockers, new Date());
  const next = wanted ? 'wait with a timeout_seconds above 0, or try again later' : 'pass wait: true to queue for it, or try again after the lease ends';
  const where = root === null ? '' : ` in ${shortDirectory(root)}`;
  return new BrainsError('CONFLICT', `lock ${key}${where} is busy: ${text}; ${next}`, { key, ...details });
}
