// What the cockpit shows, slice by slice, and which event types make each slice stale: the one map from events to state.
import type { Result } from '../../rpc/contract/index.js';
import { OPERATOR } from '../../rpc/operator.js';

export type SessionRecord = Result<'session.list'>['sessions'][number];
export type ProjectInfo = Extract<Result<'project.info'>, { timed_out: false }>;
export type Member = ProjectInfo['members'][number];
export type ApprovalSummary = Result<'approval.list'>['approvals'][number];
export type LockEntry = Result<'lock.list'>['locks'][number];
export type TaskSummary = Result<'task.list'>['tasks'][number];
export type ScheduleSummary = Result<'schedule.list'>['schedules'][number];
export type HistoryMessage = Result<'message.list'>['messages'][number];
/** A managed agent (one the daemon runs) with its state. */
export type ManagedAgent = Result<'agent.list'>['agents'][number];
export type UsageRow = Result<'gateway.usage'>['rows'][number];
export type UsageTotals = Result<'gateway.usage'>['totals'];

/** What the gateway carried today and this week (UTC), per agent and per model (gateway.usage). */
export interface UsageView {
  today: { agents: UsageRow[]; models: UsageRow[]; totals: UsageTotals };
  week: { agents: UsageRow[]; models: UsageRow[]; totals: UsageTotals };
}

export interface ProjectView {
  project_id: string;
  name: string;
  members: Member[];
}

/** One message addressed to the operator, as the inbox lists it. */
export interface InboxItem {
  message_id: string;
  project_id: string;
  from_agent: string;
  payload: unknown;
  reply_expected: boolean;
  created_at: string;
  state: string;
  unread: boolean;
}

export type SliceName = 'projects' | 'sessions' | 'unread' | 'approvals' | 'locks' | 'tasks' | 'inbox' | 'agents' | 'schedules' | 'usage';
export const SLICES: readonly SliceName[] = ['projects', 'sessions', 'unread', 'approvals', 'locks', 'tasks', 'inbox', 'agents', 'schedules', 'usage'];

/** Which slices an event makes stale; an unknown type touches none (the cockpit ignores it). */
export function slicesFor(type: string, data?: unknown): SliceName[] {
  const plane = type.slice(0, type.indexOf('.'));
  switch (plane) {
    case 'project':
      // A deleted project takes its mail and approvals with it; an archived one keeps them (they can still be answered).
      return type === 'project.deleted' || type === 'project.archived' ? [...SLICES] : ['projects', 'sessions', 'unread', 'tasks', 'locks'];
    case 'session':
      return ['sessions', 'projects'];
    case 'message':
      // Mail between agents changes only their unread counts; the inbox only hears of mail that involves the human.
      return involvesOperator(data) ? ['unread', 'inbox'] : ['unread'];
    case 'approval':
      return ['approvals', 'sessions'];
    case 'lock':
      return ['locks'];
    case 'task':
      return ['tasks'];
    case 'schedule':
      // Created, changed, deleted, a run started or ended: the next run and the last status change.
      return ['schedules'];
    case 'agent':
      // A turn's own events (its text, tools, start and end) are the conversation's; Sessions shows the state they bring.
      return type === 'agent.created' || type === 'agent.updated' || type === 'agent.removed' || type === 'agent.state_changed' ? ['agents'] : [];
    case 'gateway':
      // Requests recorded (a live event, at most one every 2 s) or a budget reached: what was spent changed.
      return type === 'gateway.requests_recorded' || type === 'gateway.budget_exceeded' ? ['usage'] : [];
    case 'daemon':
      return type === 'daemon.started' ? [...SLICES] : [];
    default:
      return [];
  }
}

/** Whether a message event's data names the operator (sender, addressee, recipient, or whoever took or acknowledged it). */
function involvesOperator(data: unknown): boolean {
  if (!data || typeof data !== 'object') return true; // unsure: read the inbox again rather than miss something
  const d = data as { from_agent?: unknown; to_agent?: unknown; broadcast?: unknown; recipients?: unknown; recipient?: unknown; agent_name?: unknown };
  if (d.broadcast === true) return true;
  const names = [d.from_agent, d.to_agent, d.recipient, d.agent_name, ...(Array.isArray(d.recipients) ? d.recipients : [])];
  return names.includes(OPERATOR);
}

/** The text a payload shows as: a string as itself, anything else as compact JSON. */
export function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    if (typeof p.text === 'string') return p.text;
    if (p.type === 'approval.decided') return `${String(p.approval_id)} ${String(p.decision)}: ${String(p.title)}${p.comment ? ` (${String(p.comment)})` : ''}`;
  }
  return JSON.stringify(payload) ?? '';
}
