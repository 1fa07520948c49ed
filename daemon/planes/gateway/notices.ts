// What the gateway service tells the planes (main.ts passes these to it): a budget reached, as an event and a message to the operator; requests recorded, as a live event usage views refresh on.
import type { EventData } from '../../../rpc/contract/catalogue.js';
import { OPERATOR } from '../../../rpc/operator.js';
import { outsideCall } from '../../principals/call-scope.js';
import type { GatewayRequestRow } from '../../store/gateway.js';
import { postMessage } from '../messages/post.js';
import type { PlaneDeps } from '../shared/deps.js';
import type { Service } from '../../services/registry.js';

/** gateway.requests_recorded at most this often: a busy gateway costs a usage view one read per interval. */
export const RECORDED_EVENT_MS = 2000;

type BudgetNotice = EventData<'gateway.budget_exceeded'>;

/** An amount as people write it: 5.00, 0.078, 0.00012. */
function money(amount: number): string {
  return amount >= 1 ? amount.toFixed(2) : String(Number(amount.toPrecision(3)));
}

/** What the operator reads: who, which budget, what is spent, until when requests are refused, and how to lift it. */
export function budgetText(n: BudgetNotice): string {
  const who = n.agent_name !== null ? `agent ${n.agent_name}` : n.key;
  return (
    `brains gateway: ${who} reached the ${n.period} budget budgets.${n.budget} of ${money(n.limit)} (${money(n.spent)} spent); ` +
    `its model requests are refused with 429 until ${n.resets_at}. Raise or remove the budget in gateway.json (gateway.config_set) to let it go on.`
  );
}

/**
 * A budget was reached: in one transaction, the notice is recorded once per budget and period, gateway.budget_exceeded
 * is emitted, and when the caller belongs to a project the operator gets a direct message there (from the agent, marked
 * system). False when this notice had gone out already (before a restart, say).
 */
export function noticeBudget(deps: PlaneDeps): (notice: BudgetNotice, once: { budget: string; period: string }) => boolean {
  return (notice, once) =>
    outsideCall(() =>
      deps.mutate((emit) => {
        if (!deps.store.gatewayUsage.takeBudgetNotice(once.budget, once.period, new Date().toISOString())) return false;
        emit('gateway.budget_exceeded', notice.budget, notice);
        if (notice.project_id !== null && deps.store.projects.exists(notice.project_id)) {
          postMessage(deps, emit, {
            project_id: notice.project_id,
            from_agent: notice.agent_name ?? OPERATOR,
            to_agent: OPERATOR,
            recipients: [OPERATOR],
            payload: JSON.stringify(budgetText(notice)),
            metadata: JSON.stringify({ system: true, gateway_budget: notice.budget, period: once.period }),
          });
        }
        return true;
      }),
    );
}

/**
 * Requests recorded: a live gateway.requests_recorded now, or at the end of the interval when one went out lately. A
 * service registered before the gateway, so it stops after the gateway's last records and drops what is left then.
 */
export class RecordedRequests implements Service {
  readonly name = 'gateway-usage-events';
  private stopped = false;
  private count = 0;
  private readonly agents = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;

  constructor(private readonly deps: PlaneDeps) {}

  start(): void {}

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  recorded(rows: readonly GatewayRequestRow[]): void {
    if (this.stopped) return;
    this.count += rows.length;
    for (const row of rows) if (row.agent_name !== null && this.agents.size < 50) this.agents.add(row.agent_name);
    if (this.timer !== null) return;
    const wait = this.lastAt + RECORDED_EVENT_MS - Date.now();
    if (wait <= 0) this.emit();
    else {
      this.timer = setTimeout(() => this.emit(), wait);
      this.timer.unref();
    }
  }

  private emit(): void {
    this.timer = null;
    if (this.count === 0) return;
    const data = { requests: this.count, agents: [...this.agents] };
    this.count = 0;
    this.agents.clear();
    this.lastAt = Date.now();
    try {
      outsideCall(() => this.deps.mutate((emit) => emit('gateway.requests_recorded', null, data)));
    } catch (error) {
      this.deps.log.warn('gateway.requests_recorded not sent', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
