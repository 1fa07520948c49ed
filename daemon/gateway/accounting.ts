// The gateway's accounting: each recorded request priced and added to the running spend, the task its agent holds charged with it, and budgets checked before a request goes upstream.
import type { GatewayConfig } from '../../rpc/gateway-config.js';
import type { Logger } from '../log.js';
import type { GatewayRequestRow } from '../store/gateway.js';
import type { Store } from '../store/index.js';
import { budgetReached, budgetRefusal, noticeKey, type BudgetNotice } from './budgets.js';
import type { GatewayError } from './errors.js';
import type { GatewayCaller } from './keys.js';
import { costOf, priceOf } from './prices.js';
import { SpendTally, subjectsOf } from './spend.js';

/** Tells the operator a budget was reached (main.ts posts it through the planes); false when it was told already. */
export type NoticeBudget = (notice: BudgetNotice, once: { budget: string; period: string }) => boolean;

export class Accounting {
  private readonly tally = new SpendTally();
  /** Notices already sent (or found sent), so a storm of refusals costs no write. */
  private readonly noticed = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly config: () => GatewayConfig,
    private readonly notice: NoticeBudget,
    private readonly log: Logger,
  ) {}

  /** Spend so far this month, from the records (at the gateway's start). */
  start(): void {
    this.tally.seed(this.store);
  }

  /** A row about to be recorded: its cost from the prices in use, and onto the running spend. */
  charge(row: GatewayRequestRow): void {
    const price = priceOf(this.config().prices, row.upstream_model, row.model);
    if (price === null) {
      row.cost = null;
      return;
    }
    // count_tokens is free: its input count is not usage.
    row.cost = row.endpoint === 'messages.count_tokens' || row.input_tokens === null ? 0 : costOf(price, row.input_tokens, row.output_tokens ?? 0);
    for (const subject of subjectsOf(row.agent_name, row.key)) this.tally.add(subject, row.time, row.cost);
  }

  /** The task the caller's agent holds claimed now (the newest claim of several), if any; a store that cannot be read charges none. */
  taskOf(caller: GatewayCaller): string | null {
    if (caller.agent_name === null || caller.project_id === null) return null;
    try {
      return this.store.gatewayUsage.claimedTask(caller.project_id, caller.agent_name);
    } catch (error) {
      this.log.warn('the task a gateway request is charged to could not be read', { error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  /** The 429 for a request that would take its caller over a budget (its input priced as estimated), or null to go on. */
  admit(caller: GatewayCaller, model: string, upstreamModel: string, inputTokens: number): GatewayError | null {
    const config = this.config();
    if (!config.budgets) return null;
    const price = priceOf(config.prices, upstreamModel, model);
    const reached = budgetReached(config, caller, this.tally, price === null ? 0 : costOf(price, inputTokens, 0));
    if (reached === null) return null;
    const once = noticeKey(reached);
    const key = `${once.budget}@${once.period}`;
    if (!this.noticed.has(key)) {
      this.noticed.add(key);
      try {
        this.notice(reached.notice, once);
      } catch (error) {
        this.noticed.delete(key);
        this.log.warn('the operator could not be told of a budget reached; the next refusal tries again', { budget: reached.notice.budget, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return budgetRefusal(reached);
  }
}
