// Budgets per agent or key from gateway.json: a request that would take its caller over one is refused with 429 (saying which budget and when it resets), and the operator hears of it once per budget and period.
import type { GatewayConfig, BudgetConfig } from '../../rpc/gateway-config.js';
import type { EventData } from '../../rpc/contract/catalogue.js';
import { nextDayStart, nextMonthStart } from '../../rpc/usage-time.js';
import { GatewayError } from './errors.js';
import type { GatewayCaller } from './keys.js';
import type { SpendTally } from './spend.js';

export type BudgetNotice = EventData<'gateway.budget_exceeded'>;

export interface Reached {
  notice: BudgetNotice;
  /** The UTC day (2026-11-30) or month (2026-11) the budget was reached in. */
  periodId: string;
  /** What this request would add (an estimate from its input), when that is what takes it over. */
  adding: number;
}

const PERIODS = ['daily', 'monthly'] as const;

/** An amount as people write it: 5.00, 0.078, 0.00012. */
function money(amount: number): string {
  return amount >= 1 ? amount.toFixed(2) : String(Number(amount.toPrecision(3)));
}

/** The budgets that apply to a caller: its agent's and its named key's. */
function budgetsOf(config: GatewayConfig, caller: GatewayCaller): Array<{ path: string; subject: string; budget: BudgetConfig }> {
  const out: Array<{ path: string; subject: string; budget: BudgetConfig }> = [];
  const agents = config.budgets?.agents ?? {};
  const keys = config.budgets?.keys ?? {};
  if (caller.agent_name !== null && Object.prototype.hasOwnProperty.call(agents, caller.agent_name)) {
    out.push({ path: `agents.${caller.agent_name}`, subject: `agent:${caller.agent_name}`, budget: agents[caller.agent_name]! });
  }
  const keyName = caller.label.startsWith('key:') ? caller.label.slice(4) : null;
  if (keyName !== null && Object.prototype.hasOwnProperty.call(keys, keyName)) out.push({ path: `keys.${keyName}`, subject: caller.label, budget: keys[keyName]! });
  return out;
}

/** The first budget this request would take its caller over, if any. A limit of 0 refuses everything priced or not. */
export function budgetReached(config: GatewayConfig, caller: GatewayCaller, tally: SpendTally, adding: number, now = new Date()): Reached | null {
  for (const { path, subject, budget } of budgetsOf(config, caller)) {
    for (const period of PERIODS) {
      const limit = budget[period];
      if (limit === undefined) continue;
      const spent = tally.spent(subject, period, now);
      if (spent < limit && spent + adding <= limit) continue;
      const resets = period === 'daily' ? nextDayStart(now) : nextMonthStart(now);
      return {
        adding: spent < limit ? adding : 0,
        periodId: now.toISOString().slice(0, period === 'daily' ? 10 : 7),
        notice: {
          budget: `${path}.${period}`,
          period,
          limit,
          spent: Math.round(spent * 1e9) / 1e9,
          resets_at: resets.toISOString(),
          key: caller.label,
          agent_name: caller.agent_name,
          project_id: caller.project_id,
        },
      };
    }
  }
  return null;
}

/** The 429 the caller sees: which budget, how much is spent, when it resets; clients are told not to retry before then. */
export function budgetRefusal({ notice, adding }: Reached, now = new Date()): GatewayError {
  const who = notice.budget.startsWith('agents.') ? `agent ${notice.budget.split('.')[1]}` : `gateway key ${notice.budget.split('.')[1]}`;
  const what = `${who}'s ${notice.period} budget of ${money(notice.limit)} (budgets.${notice.budget} in gateway.json)`;
  const why = adding > 0 ? `this request (about ${money(adding)}) would go over ${what}: ${money(notice.spent)} is spent` : `${what} is spent (${money(notice.spent)})`;
  const seconds = Math.max(1, Math.ceil((Date.parse(notice.resets_at) - now.getTime()) / 1000));
  return new GatewayError('rate_limit', `budget exceeded: ${why}; requests are refused until it resets at ${notice.resets_at}`, {
    retryAfterMs: seconds * 1000,
    headers: { 'x-should-retry': 'false' },
  });
}

/** What a notice is told once by: the budget with its limit (a raised one reached again is news) and the period. */
export function noticeKey({ notice, periodId }: Reached): { budget: string; period: string } {
  return { budget: `${notice.budget}=${notice.limit}`, period: periodId };
}
