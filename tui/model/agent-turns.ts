// A managed agent's turns as the conversation pane holds them: agent.history, then each agent.* event applied in place
// (its streamed text is live only, so a re-read of the history must never drop what streamed into a running turn).
import type { SubscribedEvent } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';

export type Turn = Result<'agent.history'>['turns'][number];
type ToolUse = Turn['tool_uses'][number];

/** turn-12 as 12, for ordering (turn ids are numbered in the order they were queued). */
export function turnNumber(turnId: string): number {
  return Number(turnId.slice(turnId.lastIndexOf('-') + 1)) || 0;
}

const FINISHED: ReadonlySet<Turn['status']> = new Set(['done', 'error', 'interrupted', 'timed_out', 'cancelled']);
export const isFinished = (turn: Turn): boolean => FINISHED.has(turn.status);
const progress = (turn: Turn): number => (isFinished(turn) ? 2 : turn.status === 'running' ? 1 : 0);

function blankTurn(agent: string, turnId: string, role: Turn['role'], time: string): Turn {
  return {
    turn_id: turnId,
    agent_name: agent,
    role,
    text: '',
    tool_uses: [],
    status: role === 'user' ? 'done' : 'queued',
    usage: null,
    cost_usd: null,
    error: null,
    source: 'operator',
    from_agent: null,
    message_id: null,
    attempts: 0,
    created_at: time,
    started_at: null,
    finished_at: null,
  };
}

/** The turns with one turn changed (made first when it is not there), kept in queue order; the same array when the
 * change left the turn as it was. */
function upsert(turns: readonly Turn[], agent: string, turnId: string, role: Turn['role'], time: string, change: (turn: Turn) => Turn): Turn[] {
  const at = turns.findIndex((t) => t.turn_id === turnId);
  if (at >= 0) {
    const changed = change(turns[at]!);
    return changed === turns[at] ? (turns as Turn[]) : turns.map((t, i) => (i === at ? changed : t));
  }
  return [...turns, change(blankTurn(agent, turnId, role, time))].sort((a, b) => turnNumber(a.turn_id) - turnNumber(b.turn_id));
}

function withToolUse(uses: readonly ToolUse[], use: ToolUse): ToolUse[] {
  const at = uses.findIndex((u) => u.tool_use_id === use.tool_use_id);
  return at >= 0 ? uses.map((u, i) => (i === at ? use : u)) : [...uses, use];
}

/** What the user typed and the turn that answers it, as agent.send answered (the event may come before or after). */
export function queued(turns: readonly Turn[], agent: string, sent: { user_turn_id: string; turn_id: string; text: string }, time: string): Turn[] {
  const withUser = upsert(turns, agent, sent.user_turn_id, 'user', time, (t) => ({ ...t, text: t.text || sent.text }));
  return upsert(withUser, agent, sent.turn_id, 'assistant', time, (t) => t);
}

/** The turns after one agent.* event of this agent; the same turns (===) when the event changes none of them. */
export function applyAgentEvent(turns: readonly Turn[], agent: string, event: SubscribedEvent): readonly Turn[] {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const turnId = typeof data.turn_id === 'string' ? data.turn_id : null;
  if (!turnId) return turns;
  switch (event.type) {
    case 'agent.turn_queued': {
      const d = event.data;
      const user = upsert(turns, agent, d.user_turn_id, 'user', event.time, (t) => ({ ...t, text: t.text || d.text, source: d.source, from_agent: d.from_agent }));
      return upsert(user, agent, d.turn_id, 'assistant', event.time, (t) => ({ ...t, source: d.source, from_agent: d.from_agent }));
    }
    case 'agent.turn_started':
      return upsert(turns, agent, turnId, 'assistant', event.time, (t) => (isFinished(t) ? t : { ...t, status: 'running', started_at: event.time, attempts: event.data.attempt }));
    case 'agent.output':
      return upsert(turns, agent, turnId, 'assistant', event.time, (t) => (isFinished(t) ? t : { ...t, status: 'running', text: t.text + event.data.delta }));
    case 'agent.tool_use': {
      const { tool_use_id, name, summary, result, is_error } = event.data;
      return upsert(turns, agent, turnId, 'assistant', event.time, (t) => ({ ...t, tool_uses: withToolUse(t.tool_uses, { tool_use_id, name, summary, result, is_error }) }));
    }
    case 'agent.turn_finished': {
      const d = event.data;
      // The event's text is cut to 2,000 characters; what streamed may be longer (the history has it whole).
      return upsert(turns, agent, turnId, 'assistant', event.time, (t) => ({
        ...t,
        status: d.status,
        text: d.text.length >= t.text.length ? d.text : t.text,
        error: d.error,
        usage: d.usage,
        cost_usd: d.cost_usd,
        finished_at: event.time,
      }));
    }
    default:
      return turns;
  }
}

/**
 * The history as read, with what events brought meanwhile kept: a turn the events show further along (finished after
 * the read began) stays as the events have it, a running turn keeps the text that streamed into it (the history has it
 * only once finished), and turns queued after the read are kept after it.
 */
export function mergeHistory(local: readonly Turn[], history: readonly Turn[]): Turn[] {
  const mine = new Map(local.map((t) => [t.turn_id, t]));
  const merged = history.map((read) => {
    const seen = mine.get(read.turn_id);
    if (!seen) return read;
    if (progress(seen) > progress(read)) return seen;
    if (isFinished(read)) return read;
    const uses = seen.tool_uses.reduce((all, use) => (all.some((u) => u.tool_use_id === use.tool_use_id) ? all : [...all, use]), read.tool_uses);
    return { ...read, text: seen.text.length > read.text.length ? seen.text : read.text, tool_uses: uses };
  });
  const newest = history.reduce((max, t) => Math.max(max, turnNumber(t.turn_id)), 0);
  return [...merged, ...local.filter((t) => turnNumber(t.turn_id) > newest && !history.some((h) => h.turn_id === t.turn_id))];
}
