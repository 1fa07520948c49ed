// The live side of the lock table: the FIFO queue of parked acquires, handed a freed lock inside the transaction that freed it.
import { randomUUID } from 'node:crypto';
import type { EventRecord } from '../../../rpc/contract/index.js';
import type { LockHolder, LockMode, LockEndReason } from '../../../rpc/contract/locks.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Emit } from '../../events/mutate.js';
import type { LeaseRow } from '../../store/locks.js';
import type { PlaneDeps } from '../shared/deps.js';
import { holderLabel, holderOfLease, holderUnusable, sameHolder, type ResolvedHolder } from './holders.js';
import { parsedKey, requestsConflict, type ParsedKey } from './keys.js';
import { ExpiryTimer } from './expiry-timer.js';
import { JobGuard } from '../../services/backoff.js';
import { outsideCall } from '../../principals/call-scope.js';
import { describeBlockers, leaseEventData, type Blocker } from './views.js';
import type { Whereabouts } from './scoping.js';


export interface AcquireRequest {
  key: string;
  scope: string;
  root: string | null;
  /** The key as the holder gave it, when it differs from key. */
  askedKey: string | null;
  whereabouts: Whereabouts;
  parsed: ParsedKey;
  mode: LockMode;
  holder: ResolvedHolder;
  ttlSeconds: number;
}

interface Waiter extends AcquireRequest {
  since: Date;
  /** Set by the transaction that grants it; the grant counts once that transaction's lock.acquired event is published. */
  granted: LeaseRow | null;
  settle(outcome: { lease: LeaseRow; waitedMs: number } | BrainsError): void;
}

export interface WaiterView {
  holder: LockHolder;
  key: string;
  scope: string;
  root: string | null;
  whereabouts: Whereabouts;
  mode: LockMode;
  since: Date;
  position: number;
  blockedBy: string[];
}

/** Most acquires parked at once, daemon-wide, and for one holder. */
export const MAX_WAITERS = 1000;
export const MAX_WAITERS_PER_HOLDER = 100;
/** Ended leases are kept this long, so a stale renew or release hears why its lease ended. */
const ENDED_KEPT_MS = 86_400_000;
/** Events after which a parked acquire's holder may no longer be able to hold anything. */
const HOLDER_EVENTS = ['session.ended', 'session.gone', 'project.left', 'project.deleted', 'project.archived'];

export class LockManager {
  private readonly queue: Waiter[] = [];
  private readonly grantsByToken = new Map<number, Waiter>();
  /** The `lock expiry` service: the one timer that ends leases when their TTL passes. */
  readonly expiry: ExpiryTimer;
  private readonly holderEvents: EventRecord[] = [];
  private readonly handOver: JobGuard;
  private handOverRetry: NodeJS.Timeout | null = null;
  private handOverStopped = false;
  /** The `lock hand-over` service: its stop cancels a hand-over waiting to be tried again, so a stopped daemon writes nothing. */
  readonly handOverService = {
    name: 'lock hand-over',
    start: () => {
      this.handOverStopped = false;
    },
    stop: () => {
      this.handOverStopped = true;
      if (this.handOverRetry) clearTimeout(this.handOverRetry);
      this.handOverRetry = null;
    },
  };

  constructor(private readonly deps: PlaneDeps) {
    deps.bus.listen(['lock.*'], (event) => this.onLockEvent(event));
    deps.bus.listen(HOLDER_EVENTS, (event) => this.onHolderEvent(event));
    this.expiry = new ExpiryTimer(
      () => deps.store.locks.nextExpiry(),
      () => this.expireNow(),
      new JobGuard('lock expiry', deps.log),
    );
    this.handOver = new JobGuard('lock hand-over', deps.log);
  }

  // ---- inside a transaction -------------------------------------------------------------------------------

  /**
   * Grant at once if nothing is in the way (no conflicting lease, no conflicting earlier waiter); else say what is.
   * Leases past their TTL are ended first, and their waiters served before this newcomer.
   */
  acquireNow(emit: Emit, request: AcquireRequest): { lease: LeaseRow } | { blockers: Blocker[] } {
    this.expireDue(emit);
    const blockers = this.blockersOf(request, this.queue.length);
    if (blockers.length > 0) return { blockers };
    return { lease: this.grantLease(emit, request, new Date(), 0) };
  }

  /** Hand freed locks to waiters in queue order; a waiter never overtakes an earlier one it conflicts with. */
  grant(emit: Emit, skip: (holder: LockHolder) => boolean = () => false): Array<AcquireRequest> {
    if (this.queue.length === 0) return [];
    this.endDue(emit);
    const now = new Date();
    const held = this.deps.store.locks.live().map((lease) => ({ scope: lease.scope, key: parsedKey(lease.key), mode: lease.mode }));
    const ahead: Waiter[] = [];
    const granted: Waiter[] = [];
    for (const waiter of this.queue) {
      if (waiter.granted) {
        if (this.deps.store.locks.get(waiter.granted.lease_id)?.ended_at === null) continue; // granted earlier in this transaction
        this.forgetGrant(waiter); // that transaction rolled back
      }
      if (skip(waiter.holder.ref) || holderUnusable(this.deps.store, waiter.holder.ref) !== null) continue;
      const request = { scope: waiter.scope, key: waiter.parsed, mode: waiter.mode };
      if (held.some((h) => requestsConflict(request, h)) || ahead.some((w) => requestsConflict(request, { scope: w.scope, key: w.parsed, mode: w.mode }))) {
        ahead.push(waiter);
        continue;
      }
      waiter.granted = this.grantLease(emit, waiter, now, now.getTime() - waiter.since.getTime());
      this.grantsByToken.set(waiter.granted.fencing_token, waiter);
      held.push(request);
      granted.push(waiter);
    }
    return granted;
  }

  /** End these leases with one event each (lock.released, or lock.expired for a TTL). */
  endLeases(emit: Emit, leases: readonly LeaseRow[], reason: LockEndReason, detail: string): void {
    const now = new Date().toISOString();
    for (const lease of leases) {
      if (!this.deps.store.locks.end(lease.lease_id, now, detail)) continue;
      emit(reason === 'expired' ? 'lock.expired' : 'lock.released', lease.key, { ...leaseEventData(lease), reason, detail, ended_at: now });
    }
  }

  /** Expire every lease whose TTL has passed and hand the locks on. */
  expireDue(emit: Emit): void {
    if (this.endDue(emit) === 0) return;
    this.pruneEnded();
    this.grant(emit);
  }

  /**
   * End leases whose TTL has passed. Every grant runs this first in its own transaction, so a lease is either ended or
   * counted as held: a new lease can never collide with one that has expired but is not yet swept.
   */
  private endDue(emit: Emit): number {
    const now = new Date().toISOString();
    if (!this.deps.store.locks.anyDue(now)) return 0;
    const due = this.deps.store.locks.due(now);
    this.endLeases(emit, due, 'expired', 'expired: its ttl passed without a renew');
    return due.length;
  }

  pruneEnded(): void {
    this.deps.store.locks.pruneEnded(new Date(Date.now() - ENDED_KEPT_MS).toISOString());
  }

  // ---- outside a transaction ------------------------------------------------------------------------------

  /** Expire what is due now, in its own transaction (only when something is): housekeeping, not the caller's change. */
  expireNow(): void {
    if (!this.deps.store.locks.anyDue(new Date().toISOString())) return;
    outsideCall(() => this.deps.mutate((emit) => this.expireDue(emit)));
  }

  /** Park in the queue until granted, timed out, or the connection closes. */
  park(request: AcquireRequest, timeoutMs: number, signal: AbortSignal): Promise<{ lease: LeaseRow; waitedMs: number }> {
    if (this.queue.length >= MAX_WAITERS) {
      throw new BrainsError('LIMIT_EXCEEDED', `${MAX_WAITERS} acquires are already waiting in this daemon; try again later without wait`, { limit: MAX_WAITERS });
    }
    if (this.queue.filter((w) => sameHolder(w.holder.ref, request.holder.ref)).length >= MAX_WAITERS_PER_HOLDER) {
      throw new BrainsError('LIMIT_EXCEEDED', `${holderLabel(request.holder.ref)} already waits for ${MAX_WAITERS_PER_HOLDER} locks; let some finish first`, {
        limit: MAX_WAITERS_PER_HOLDER,
      });
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ...request,
        since: new Date(),
        granted: null,
        settle: (outcome) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (outcome instanceof BrainsError) reject(outcome);
          else resolve(outcome);
        },
      };
      const onTimeout = () => {
        const blockers = describeBlockers(this.blockersOf(waiter, this.queue.indexOf(waiter)), new Date());
        this.abandon(
          waiter,
          new BrainsError('TIMEOUT', `lock ${waiter.key} did not come free within ${Math.round(timeoutMs / 1000)}s (${blockers.text}); try again later or with a longer timeout_seconds`, {
            key: waiter.key,
            ...blockers.details,
          }),
        );
      };
      const onAbort = () => {
        const reason = signal.reason instanceof BrainsError ? signal.reason : new BrainsError('UNAVAILABLE', 'the wait ended because its connection closed');
        this.abandon(waiter, reason);
      };
      const timer = setTimeout(onTimeout, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      if (signal.aborted) onAbort();
    });
  }

  /** The queue as lock.list shows it: each waiter with its place and the keys it waits behind. */
  waiters(): WaiterView[] {
    const leases = this.deps.store.locks.live();
    const usable = this.queue.map((w) => holderUnusable(this.deps.store, w.holder.ref) === null);
    return this.queue.map((waiter, index) => ({
      holder: waiter.holder.ref,
      key: waiter.key,
      scope: waiter.scope,
      root: waiter.root,
      whereabouts: waiter.whereabouts,
      mode: waiter.mode,
      since: waiter.since,
      position: index + 1,
      blockedBy: [...new Set(this.blockersAmong(waiter, leases, this.queue.slice(0, index).filter((_, i) => usable[i])).map((b) => b.key))],
    }));
  }

  /** Live leases and earlier waiters (the first `aheadCount` of the queue) that stand in this request's way. */
  blockersOf(request: AcquireRequest, aheadCount: number): Blocker[] {
    const ahead = this.queue.slice(0, Math.max(0, aheadCount)).filter((w) => !w.granted && holderUnusable(this.deps.store, w.holder.ref) === null);
    return this.blockersAmong(request, this.deps.store.locks.live(), ahead);
  }

  private blockersAmong(request: AcquireRequest, leases: readonly LeaseRow[], ahead: readonly Waiter[]): Blocker[] {
    const mine = { scope: request.scope, key: request.parsed, mode: request.mode };
    const blockers: Blocker[] = [];
    for (const lease of leases) {
      if (requestsConflict(mine, { scope: lease.scope, key: parsedKey(lease.key), mode: lease.mode })) {
        const whereabouts = { directory: lease.holder_directory, tool: lease.holder_tool };
        blockers.push({ key: lease.key, mode: lease.mode, holder: holderOfLease(lease), whereabouts, lease, waitingSince: null });
      }
    }
    for (const waiter of ahead) {
      if (requestsConflict(mine, { scope: waiter.scope, key: waiter.parsed, mode: waiter.mode })) {
        blockers.push({ key: waiter.key, mode: waiter.mode, holder: waiter.holder.ref, whereabouts: waiter.whereabouts, lease: null, waitingSince: waiter.since });
      }
    }
    return blockers;
  }

  // ---- reacting to committed events -----------------------------------------------------------------------

  private onLockEvent(event: EventRecord): void {
    if (event.type === 'lock.acquired') {
      const token = (event.data as { fencing_token?: unknown }).fencing_token;
      const waiter = typeof token === 'number' ? this.grantsByToken.get(token) : undefined;
      const lease = waiter?.granted;
      if (waiter && lease && lease.fencing_token === token) {
        // Tokens of rolled-back grants are handed out again, so the token alone does not prove this grant committed: its row does.
        const committed = this.deps.store.locks.get(lease.lease_id)?.ended_at === null;
        this.forgetGrant(waiter);
        if (committed) {
          this.removeFromQueue(waiter);
          waiter.settle({ lease, waitedMs: Date.now() - waiter.since.getTime() });
        }
      }
    }
    this.expiry.queueReschedule();
  }

  /** A session ended, a member left, a project closed: waiters whose holder can no longer hold anything leave the queue. */
  private onHolderEvent(event: EventRecord): void {
    this.holderEvents.push(event);
    if (this.holderEvents.length === 1) queueMicrotask(() => this.dropUnusableWaiters());
  }

  private dropUnusableWaiters(): void {
    const events = this.holderEvents.splice(0);
    const projectDeleted = events.some((e) => e.type === 'project.deleted');
    for (const waiter of [...this.queue]) {
      if (waiter.granted) continue;
      const why = holderUnusable(this.deps.store, waiter.holder.ref) ?? this.identityGone(waiter, events);
      if (!why) continue;
      this.removeFromQueue(waiter);
      waiter.settle(new BrainsError('CONFLICT', `stopped waiting for lock ${waiter.key}: ${why}`, { key: waiter.key }));
    }
    // Leases may have ended with the holder (a member left; a deleted project's went by cascade), and dropped waiters
    // may have held others back: hand on what is free now.
    this.grantSafely();
    if (projectDeleted) this.expiry.queueReschedule();
  }

  /** An agent's (project, name) waiter whose identity just lost its last live session goes, as its leases did. */
  private identityGone(waiter: Waiter, events: readonly EventRecord[]): string | null {
    if (waiter.holder.kind !== 'member' || waiter.holder.client_id === null) return null;
    const ended = events.some((e) => (e.type === 'session.ended' || e.type === 'session.gone') && (e.data as { client_id?: unknown }).client_id === waiter.holder.client_id);
    if (!ended || this.deps.store.sessions.liveForClient(waiter.holder.client_id).length > 0) return null;
    return `the last session of ${holderLabel(waiter.holder.ref)} ended`;
  }

  private abandon(waiter: Waiter, error: BrainsError): void {
    if (!this.queue.includes(waiter)) return;
    if (waiter.granted && this.deps.store.locks.get(waiter.granted.lease_id)?.ended_at === null) {
      // Granted and committed though its event has not reached us: it holds the lock.
      const lease = waiter.granted;
      this.forgetGrant(waiter);
      this.removeFromQueue(waiter);
      waiter.settle({ lease, waitedMs: Date.now() - waiter.since.getTime() });
      return;
    }
    this.forgetGrant(waiter);
    this.removeFromQueue(waiter);
    waiter.settle(error);
    // Waiters behind this one may have been held back only by it.
    this.grantSafely();
  }

  /** Hand freed locks to waiters in a transaction of the daemon's own; if that fails, it is tried again after a pause. */
  private grantSafely(): void {
    if (this.queue.length === 0 || this.handOverStopped) return;
    if (this.handOver.run(() => this.deps.mutate((emit) => this.grant(emit)))) return;
    if (this.handOverRetry) return;
    this.handOverRetry = setTimeout(() => {
      this.handOverRetry = null;
      this.grantSafely();
    }, this.handOver.retryDelayMs());
    this.handOverRetry.unref();
  }

  // ---- small helpers --------------------------------------------------------------------------------------

  private grantLease(emit: Emit, request: AcquireRequest, now: Date, waitedMs: number): LeaseRow {
    const { store } = this.deps;
    const lease: LeaseRow = {
      lease_id: randomUUID(),
      key: request.key,
      scope: request.scope,
      root: request.root,
      asked_key: request.askedKey,
      holder_tool: request.whereabouts.tool,
      holder_directory: request.whereabouts.directory,
      mode: request.mode,
      holder_kind: request.holder.kind,
      session_id: request.holder.session_id,
      project_id: request.holder.project_id,
      agent_name: request.holder.agent_name,
      client_id: request.holder.client_id,
      fencing_token: store.locks.nextFencingToken(),
      ttl_seconds: request.ttlSeconds,
      acquired_at: now.toISOString(),
      renewed_at: null,
      expires_at: new Date(now.getTime() + request.ttlSeconds * 1000).toISOString(),
      ended_at: null,
      end_reason: null,
    };
    store.locks.insert(lease);
    emit('lock.acquired', lease.key, { ...leaseEventData(lease), waited_ms: Math.round(waitedMs) });
    return lease;
  }

  /** Drop a grant that did not commit. Its token number may be handed out again (it was never visible), so only remove our own entry. */
  private forgetGrant(waiter: Waiter): void {
    if (waiter.granted && this.grantsByToken.get(waiter.granted.fencing_token) === waiter) this.grantsByToken.delete(waiter.granted.fencing_token);
    waiter.granted = null;
  }

  private removeFromQueue(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index !== -1) this.queue.splice(index, 1);
  }
}
