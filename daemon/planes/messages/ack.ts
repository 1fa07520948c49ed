// Judging one acknowledgement: whether the delivery it names is the recipient's current one, and if not, why.
import type { MessageRepo } from '../../store/messages.js';

export type AckRefusal = 'malformed' | 'unknown' | 'stale' | 'already_acked' | 'dead' | 'expired';

export interface AckRequest {
  project_id: string;
  agent_name: string;
  message_id: string;
  /** The attempt a delivery token names; null for an ack by message_id (Brainstorm's form: the current delivery). */
  attempt: number | null;
  now: string;
}

/**
 * Returns the seq to mark acknowledged, or why not. `taken` holds the seqs this call already acknowledges, so the same
 * message named twice in one call is acknowledged once. A token is current when its attempt is the latest delivery's;
 * one from an earlier attempt is stale (the message was delivered again since, perhaps to a retry of the same agent).
 */
export function judgeAck(repo: MessageRepo, ack: AckRequest, taken: Set<number>): AckRefusal | number {
  const target = repo.ackTarget(ack.message_id, ack.agent_name);
  if (!target || target.project_id !== ack.project_id) return 'unknown';
  if (target.state === 'acked' || taken.has(target.seq)) return 'already_acked';
  if (target.state === 'dead' || target.state === 'expired') return target.state;
  if (ack.attempt !== null) {
    if (target.state === 'pending' || ack.attempt > target.attempt) return 'unknown';
    if (ack.attempt < target.attempt) return 'stale';
  } else if (target.state === 'pending' && target.expires_at <= ack.now) {
    return 'expired';
  }
  taken.add(target.seq);
  return target.seq;
}
