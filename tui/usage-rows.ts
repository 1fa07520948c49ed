// The Usage pane's rows (each agent and each model with its tokens and cost today and this week) and the figures as text, from the cockpit's state alone.
import type { CockpitState } from './model/cockpit.js';
import type { UsageRow, UsageTotals } from './model/slices.js';

export type UsageSums = Pick<UsageTotals, 'requests' | 'input_tokens' | 'output_tokens' | 'cost' | 'cost_estimated' | 'unpriced_requests'>;

export interface UsageLine {
  key: string;
  kind: 'agent' | 'model' | 'total';
  /** The agent or model; `-` for requests of no agent. */
  name: string;
  project_id: string | null;
  today: UsageSums | null;
  week: UsageSums | null;
}

/** The total first, then agents, then models, each by this week's cost (then tokens), most first. */
export function usageRows(state: CockpitState): UsageLine[] {
  const usage = state.usage;
  if (!usage || usage.week.totals.requests === 0) return [];
  const lines = new Map<string, UsageLine>();
  const take = (kind: 'agent' | 'model', rows: readonly UsageRow[], when: 'today' | 'week') => {
    for (const row of rows) {
      const key = `${kind}/${row.project_id ?? ''}/${row.group ?? ''}`;
      const line = lines.get(key) ?? { key, kind, name: row.group ?? '-', project_id: row.project_id, today: null, week: null };
      line[when] = row;
      lines.set(key, line);
    }
  };
  take('agent', usage.week.agents, 'week');
  take('agent', usage.today.agents, 'today');
  take('model', usage.week.models, 'week');
  take('model', usage.today.models, 'today');
  const weight = (l: UsageLine) => [l.week?.cost ?? -1, (l.week?.input_tokens ?? 0) + (l.week?.output_tokens ?? 0)] as const;
  const ranked = [...lines.values()].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'agent' ? -1 : 1;
    const [ac, at] = weight(a);
    const [bc, bt] = weight(b);
    return bc - ac || bt - at || a.key.localeCompare(b.key);
  });
  return [{ key: 'total', kind: 'total', name: 'all', project_id: null, today: usage.today.totals, week: usage.week.totals }, ...ranked];
}

/** Each agent's cost today by `project/agent`, for the Sessions rows. */
export function agentCostsToday(state: CockpitState): ReadonlyMap<string, UsageSums> {
  const out = new Map<string, UsageSums>();
  for (const row of state.usage?.today.agents ?? []) if (row.group !== null && row.project_id !== null) out.set(`${row.project_id}/${row.group}`, row);
  return out;
}

/** A cost as a few characters: `-` with no price, `~` before one from estimated tokens; 4 decimals under 0.01. */
export function costText(sums: UsageSums | null): string {
  if (!sums || sums.cost === null) return sums && sums.requests > 0 ? '-' : '';
  const n = sums.cost;
  const text = n === 0 ? '0' : n < 0.01 ? n.toFixed(4) : n < 1000 ? n.toFixed(2) : String(Math.round(n));
  return `${sums.cost_estimated ? '~' : ''}${text}`;
}

/** Tokens in and out together: 950, 12.3k, 4.1M. */
export function tokensText(sums: UsageSums | null): string {
  if (!sums) return '';
  const n = sums.input_tokens + sums.output_tokens;
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** What Enter on a usage row shows: the figures in full. */
export function usageDetail(line: UsageLine): string[] {
  const said = (when: string, s: UsageSums | null) =>
    s === null
      ? [`${when}: nothing`]
      : [
          `${when}: ${s.requests} requests, ${s.input_tokens} tokens in, ${s.output_tokens} out`,
          `  cost ${s.cost === null ? 'unknown (no price for its models)' : s.cost}${s.cost_estimated ? ' (partly from estimated tokens)' : ''}${s.unpriced_requests > 0 ? `; ${s.unpriced_requests} requests without a price` : ''}`,
        ];
  const title = line.kind === 'total' ? 'every request' : `${line.kind} ${line.name}${line.project_id ? ` in ${line.project_id}` : ''}`;
  return [title, ...said('today (UTC)', line.today), ...said('this week (UTC, from Monday)', line.week)];
}
