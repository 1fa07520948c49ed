// SQL for the gateway's accounting: tokens and cost summed by key, agent, model, day or task; the spend budgets start from; the task a request is charged to; budget notices sent.
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export type UsageBy = 'key' | 'agent' | 'model' | 'day' | 'task';

export interface UsageFilter {
  since?: string | undefined;
  until?: string | undefined;
  agent_name?: string | undefined;
  project_id?: string | undefined;
}

export interface UsageSums {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost: number | null;
  cost_estimated: boolean;
  unpriced_requests: number;
}

export interface UsageGroup extends UsageSums {
  group: string | null;
  project_id: string | null;
}

/** Spend per agent and key label per UTC day, for budgets to start from. */
export interface SpendRow {
  agent_name: string | null;
  key: string;
  day: string;
  cost: number;
}

/** What each grouping groups by, and the project it keeps beside the group (agents and tasks live in projects). */
const GROUPS: Record<UsageBy, { group: string; project: string }> = {
  key: { group: "CASE WHEN key = 'token' THEN 'token:' || coalesce(project_id, '?') || '/' || coalesce(agent_name, '?') ELSE key END", project: 'NULL' },
  agent: { group: 'agent_name', project: 'project_id' },
  model: { group: 'coalesce(upstream_model, model)', project: 'NULL' },
  day: { group: 'substr(time, 1, 10)', project: 'NULL' },
  task: { group: 'task_id', project: 'CASE WHEN task_id IS NULL THEN NULL ELSE project_id END' },
};

const SUMS = `count(*) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens, sum(cost) AS cost,
  max(CASE WHEN cost IS NOT NULL AND input_tokens IS NOT NULL AND tokens_estimated = 1 THEN 1 ELSE 0 END) AS cost_estimated,
  coalesce(sum(CASE WHEN cost IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END), 0) AS unpriced_requests`;

type StoredSums = Omit<UsageSums, 'cost_estimated'> & { cost_estimated: number | null };

export class GatewayUsageRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  /**
   * The index that serves the range: without a hint the planner may walk the agent index for its order and read every
   * row ever recorded for `since: today`.
   */
  private from(filter: UsageFilter): string {
    if (filter.agent_name !== undefined) return 'gateway_requests INDEXED BY gateway_requests_agent';
    if (filter.since !== undefined || filter.until !== undefined) return 'gateway_requests INDEXED BY gateway_requests_time';
    return 'gateway_requests';
  }

  /** Only the conditions given, so the time and agent indexes serve the range (count_tokens answers are not usage). */
  private where(filter: UsageFilter): string {
    const parts = ["endpoint != 'messages.count_tokens'"];
    if (filter.since !== undefined) parts.push('time >= @since');
    if (filter.until !== undefined) parts.push('time < @until');
    if (filter.agent_name !== undefined) parts.push('agent_name = @agent_name');
    if (filter.project_id !== undefined) parts.push('project_id = @project_id');
    return parts.join(' AND ');
  }

  private params(filter: UsageFilter): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** Groups, most costly first (days newest first); limit + 1 rows are read so the caller can tell there were more. */
  usage(by: UsageBy, filter: UsageFilter, limit: number): UsageGroup[] {
    const { group, project } = GROUPS[by];
    const order = by === 'day' ? 'grp DESC' : 'cost DESC NULLS LAST, input_tokens + output_tokens DESC, grp';
    const rows = this.sql(
      `SELECT ${group} AS grp, ${project} AS proj, ${SUMS} FROM ${this.from(filter)} WHERE ${this.where(filter)} GROUP BY grp, proj ORDER BY ${order} LIMIT ${Math.floor(limit) + 1}`,
    ).all(this.params(filter)) as Array<StoredSums & { grp: string | null; proj: string | null }>;
    return rows.map(({ grp, proj, ...sums }) => ({ group: grp, project_id: proj, ...fromStored(sums) }));
  }

  totals(filter: UsageFilter): UsageSums {
    return fromStored(this.sql(`SELECT ${SUMS} FROM ${this.from(filter)} WHERE ${this.where(filter)}`).get(this.params(filter)) as StoredSums);
  }

  /** Priced spend since a time, per agent, key label and UTC day. */
  spendSince(since: string): SpendRow[] {
    return this.sql(
      'SELECT agent_name, key, substr(time, 1, 10) AS day, sum(cost) AS cost FROM gateway_requests INDEXED BY gateway_requests_time WHERE time >= ? AND cost IS NOT NULL GROUP BY agent_name, key, day',
    ).all(since) as SpendRow[];
  }

  /** The task an agent holds claimed in a project (the one claimed last when it holds several), as task-N; null for none. */
  claimedTask(projectId: string, agentName: string): string | null {
    const no = this.sql("SELECT task_no FROM tasks WHERE project_id = ? AND claimed_by = ? AND status = 'claimed' ORDER BY claimed_at DESC, task_no DESC LIMIT 1")
      .pluck()
      .get(projectId, agentName) as number | undefined;
    return no === undefined ? null : `task-${no}`;
  }

  /** Record that this budget's notice for this period went out; false when it already had. */
  takeBudgetNotice(budget: string, period: string, at: string): boolean {
    return this.sql('INSERT OR IGNORE INTO gateway_budget_notices (budget, period, noticed_at) VALUES (?, ?, ?)').run(budget, period, at).changes === 1;
  }
}

function fromStored(sums: StoredSums): UsageSums {
  return { ...sums, cost: sums.cost === null ? null : Math.round(sums.cost * 1e9) / 1e9, cost_estimated: sums.cost_estimated === 1 };
}
