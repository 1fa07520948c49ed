// Spend per budget subject (an agent name, a key name) in the current UTC day and month, in memory: seeded from the records at start, added to as each request is recorded, so a budget check costs no query.
import { dayStart, monthStart } from '../../rpc/usage-time.js';
import type { Store } from '../store/index.js';

/** agent:<name> or key:<name>: what a budget in gateway.json names. */
export type SpendSubject = string;

interface Running {
  period: string;
  cost: number;
}

/** The subjects a request counts for: its agent, and its named key (tokens and the admin key have no key budget). */
export function subjectsOf(agentName: string | null, keyLabel: string): SpendSubject[] {
  const out: SpendSubject[] = [];
  if (agentName !== null) out.push(`agent:${agentName}`);
  if (keyLabel.startsWith('key:')) out.push(keyLabel);
  return out;
}

export class SpendTally {
  private readonly days = new Map<SpendSubject, Running>();
  private readonly months = new Map<SpendSubject, Running>();

  /** Start from what the records say was spent this UTC month (and so today). */
  seed(store: Store, now = new Date()): void {
    for (const row of store.gatewayUsage.spendSince(monthStart(now).toISOString())) {
      for (const subject of subjectsOf(row.agent_name, row.key)) this.add(subject, `${row.day}T00:00:00.000Z`, row.cost);
    }
  }

  add(subject: SpendSubject, at: string, cost: number): void {
    if (!(cost > 0)) return;
    bump(this.days, subject, at.slice(0, 10), cost);
    bump(this.months, subject, at.slice(0, 7), cost);
  }

  /** Spent in the UTC day or month that holds `now`. */
  spent(subject: SpendSubject, period: 'daily' | 'monthly', now = new Date()): number {
    const running = (period === 'daily' ? this.days : this.months).get(subject);
    const current = period === 'daily' ? dayStart(now).toISOString().slice(0, 10) : monthStart(now).toISOString().slice(0, 7);
    return running && running.period === current ? running.cost : 0;
  }
}

function bump(map: Map<SpendSubject, Running>, subject: SpendSubject, period: string, cost: number): void {
  const running = map.get(subject);
  if (!running || period > running.period) map.set(subject, { period, cost });
  else if (period === running.period) running.cost += cost;
}
