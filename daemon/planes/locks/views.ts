// How leases and what blocks a request are shown: in lock.* events and in CONFLICT / TIMEOUT errors (never another holder's lease id).
import type { LeaseRow } from '../../store/locks.js';
import type { LockHolder, LockMode } from '../../../rpc/contract/locks.js';
import { holderLabel, holderOfLease, holderText } from './holders.js';
import type { Whereabouts } from './scoping.js';

/** What stands in a request's way: a live lease, or an earlier waiter it may not overtake. */
export interface Blocker {
  key: string;
  mode: LockMode;
  holder: LockHolder;
  whereabouts: Whereabouts;
  /** Set for a lease: when it ends unless renewed. */
  lease: LeaseRow | null;
  /** Set for a waiter: since when it waits. */
  waitingSince: Date | null;
}

/** What lock.* events say about a lease (never its lease_id: that and the token together let one release it). */
export function leaseEventData(lease: LeaseRow) {
  const holder = holderOfLease(lease);
  return {
    key: lease.key,
    mode: lease.mode,
    holder,
    holder_label: holderLabel(holder),
    fencing_token: lease.fencing_token,
    expires_at: lease.expires_at,
    scope: lease.scope,
    root: lease.root,
    holder_text: holderText(holder, leaseWhereabouts(lease)),
  };
}

export function leaseWhereabouts(lease: LeaseRow): Whereabouts {
  return { directory: lease.holder_directory, tool: lease.holder_tool };
}

/** A blocker list as one sentence and as structured details (no lease ids or tokens of other holders). */
export function describeBlockers(blockers: readonly Blocker[], now: Date): { text: string; details: Record<string, unknown> } {
  const holders = blockers
    .filter((b) => b.lease)
    .map((b) => ({
      holder: b.holder,
      holder_label: holderLabel(b.holder),
      holder_text: holderText(b.holder, b.whereabouts),
      mode: b.mode,
      key: b.key,
      expires_at: b.lease!.expires_at,
      time_left_seconds: secondsBetween(now, new Date(b.lease!.expires_at)),
    }));
  const waiters = blockers
    .filter((b) => b.waitingSince)
    .map((b) => ({ holder: b.holder, holder_label: holderLabel(b.holder), holder_text: holderText(b.holder, b.whereabouts), mode: b.mode, key: b.key, waiting_since: b.waitingSince!.toISOString() }));
  const parts: string[] = [];
  if (holders.length > 0) {
    parts.push(`held by ${holders.map((h) => `${h.holder_text} (${h.mode} on ${h.key}, lease ends ${h.expires_at}, in ${Math.ceil(h.time_left_seconds)}s)`).join(', ')}`);
  }
  if (waiters.length > 0) parts.push(`${waiters.length} earlier waiter${waiters.length === 1 ? '' : 's'} queued first (${waiters.map((w) => `${w.holder_text}, ${w.mode} on ${w.key}`).join('; ')})`);
  return { text: parts.join('; ') || 'nothing now', details: { holders, waiters_ahead: waiters } };
}

export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round(to.getTime() - from.getTime()) / 1000);
}
