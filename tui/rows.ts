// The rows each list pane shows, built from the cockpit's state alone (pure, so tests check them without a terminal).
import { OPERATOR } from '../rpc/operator.js';
import type { CockpitState } from './model/cockpit.js';
import { payloadText, type ApprovalSummary, type InboxItem, type ManagedAgent, type ScheduleSummary, type TaskSummary } from './model/slices.js';
import { clientSeenKey, latestTime, memberSeenKey, sessionSeenKey } from './model/seen.js';
import { agentCostsToday, type UsageSums } from './usage-rows.js';

export interface AgentRow {
  key: string;
  name: string;
  project_id: string | null;
  tool: string;
  presence: 'active' | 'idle' | 'gone';
  waiting: boolean;
  last_seen: string;
  unread: number;
  /** Set for an agent the daemon runs itself: its backend and state (the cockpit types to it with agent.send). */
  managed: ManagedState | null;
  /** Its model requests through the gateway today (UTC), when it made any. */
  cost_today: UsageSums | null;
}

export interface ManagedState {
  backend: ManagedAgent['backend'];
  state: ManagedAgent['state'];
  detail: string | null;
}

/** A managed agent's state as presence: working or waiting on you is active, idle is idle, in error or stopped is gone. */
const PRESENCE_OF_STATE: Record<ManagedAgent['state'], AgentRow['presence']> = {
  working: 'active',
  needs_permission: 'active',
  needs_answer: 'active',
  idle: 'idle',
  error: 'gone',
  stopped: 'gone',
};

/** The states in which a managed agent waits for the human. */
export function waitsForYou(state: ManagedAgent['state']): boolean {
  return state === 'needs_permission' || state === 'needs_answer';
}

export interface LockRow {
  key: string;
  holder: string;
  /** `held by alice in shop (claude-code, ~/work/shop-api)`. */
  held_by: string;
  /** The checkout the key is relative to, or the scope it lives in when it has none (`global`, a name). */
  place: string;
  project: string;
  mode: string;
  acquired_at: string;
  expires_at: string;
  waiters: number;
}

/** Every member of every project, and live sessions that hold no name yet; who waits for the human first. */
export function agentRows(state: CockpitState): AgentRow[] {
  const liveByClient = new Map<string, CockpitState['sessions'][number]>();
  const newestByClient = new Map<string, CockpitState['sessions'][number]>();
  for (const s of state.sessions) {
    const newest = newestByClient.get(s.client_id);
    if (!newest || s.last_seen > newest.last_seen) newestByClient.set(s.client_id, s);
    if (s.state === 'gone') continue;
    const live = liveByClient.get(s.client_id);
    if (!live || s.last_seen > live.last_seen) liveByClient.set(s.client_id, s);
  }
  const waitingFor = new Set<string>();
  for (const a of state.approvals) waitingFor.add(`${a.project_id}/${a.requested_by}`);
  for (const m of state.inbox) if (m.reply_expected && m.unread) waitingFor.add(`${m.project_id}/${m.from_agent}`);

  const managedBy = new Map(state.agents.map((a) => [`${a.project_id}/${a.agent_name}`, a]));
  const costs = agentCostsToday(state);
  const listed = new Set<string>();

  const named = new Set<string>();
  const rows: AgentRow[] = [];
  for (const project of state.projects) {
    for (const member of project.members) {
      if (member.agent_name === OPERATOR) continue;
      const key = `${project.project_id}/${member.agent_name}`;
      const session = member.client_id ? (liveByClient.get(member.client_id) ?? newestByClient.get(member.client_id)) : undefined;
      if (member.client_id) named.add(member.client_id);
      const live = session && session.state !== 'gone' ? session : undefined;
      const managed = managedBy.get(key);
      listed.add(key);
      rows.push({
        key,
        name: member.agent_name,
        project_id: project.project_id,
        tool: managed?.backend ?? session?.tool ?? '—',
        presence: managed ? PRESENCE_OF_STATE[managed.state] : live ? live.state : 'gone',
        waiting: waitingFor.has(key) || (managed !== undefined && waitsForYou(managed.state)),
        last_seen: latestTime(
          member.last_seen,
          session?.last_seen,
          state.seen.get(memberSeenKey(project.project_id, member.agent_name)),
          member.client_id ? state.seen.get(clientSeenKey(member.client_id)) : undefined,
          session ? state.seen.get(sessionSeenKey(session.session_id)) : undefined,
        ),
        unread: state.unread.get(key) ?? 0,
        managed: managed ? managedState(managed) : null,
        cost_today: costs.get(key) ?? null,
      });
    }
  }
  // A managed agent is a member of its project; one not listed there yet (the project read lags) still shows.
  for (const [key, agent] of managedBy) {
    if (listed.has(key)) continue;
    rows.push({
      key,
      name: agent.agent_name,
      project_id: agent.project_id,
      tool: agent.backend,
      presence: PRESENCE_OF_STATE[agent.state],
      waiting: waitingFor.has(key) || waitsForYou(agent.state),
      last_seen: latestTime(agent.updated_at, state.seen.get(memberSeenKey(agent.project_id, agent.agent_name))),
      unread: state.unread.get(key) ?? 0,
      managed: managedState(agent),
      cost_today: costs.get(key) ?? null,
    });
  }
  for (const [clientId, session] of liveByClient) {
    if (named.has(clientId)) continue;
    rows.push({
      key: `session/${session.session_id}`,
      name: session.label ?? clientId.slice(0, 12),
      project_id: null,
      tool: session.tool,
      presence: session.state,
      waiting: false,
      last_seen: latestTime(session.last_seen, state.seen.get(clientSeenKey(clientId)), state.seen.get(sessionSeenKey(session.session_id))),
      unread: 0,
      managed: null,
      cost_today: null,
    });
  }
  const order = { active: 0, idle: 1, gone: 2 } as const;
  return rows.sort((a, b) => Number(b.waiting) - Number(a.waiting) || order[a.presence] - order[b.presence] || a.key.localeCompare(b.key));
}

function managedState(agent: ManagedAgent): ManagedState {
  return { backend: agent.backend, state: agent.state, detail: agent.state_detail };
}

/** The managed agent a conversation target names, if it is one. */
export function managedAgentOf(state: CockpitState, target: { project_id: string; agent: string } | null): ManagedAgent | undefined {
  return target ? state.agents.find((a) => a.agent_name === target.agent && a.project_id === target.project_id) : undefined;
}

export function lockRows(state: CockpitState): LockRow[] {
  return state.locks.flatMap((lock) =>
    lock.holders.map((h) => ({
      key: lock.key,
      holder: h.holder_label,
      held_by: `held by ${h.holder_text}`,
      place: h.root ?? lock.scope,
      project: 'project_id' in h.holder ? h.holder.project_id : '—',
      mode: h.mode,
      acquired_at: h.acquired_at,
      expires_at: h.expires_at,
      waiters: lock.waiters.length,
    })),
  );
}

/** What Enter on a lock shows: who holds it and where, then the lease. */
export function lockDetail(row: LockRow): string[] {
  return [
    row.key,
    row.held_by,
    `in ${row.place}`,
    `${row.mode}, acquired ${row.acquired_at}, expires ${row.expires_at}`,
    row.waiters > 0 ? `${row.waiters} waiting` : 'nobody waiting',
  ];
}

/** The inbox: unread first, then newest first. */
export function inboxRows(state: CockpitState): InboxItem[] {
  return [...state.inbox].sort((a, b) => Number(b.unread) - Number(a.unread) || b.created_at.localeCompare(a.created_at));
}

export function approvalRows(state: CockpitState): ApprovalSummary[] {
  return state.approvals;
}

/** Open and claimed tasks first (claimed, then the queue in priority order), then the finished ones. */
export function taskRows(state: CockpitState): TaskSummary[] {
  const rank = (t: TaskSummary) => (t.status === 'claimed' ? 0 : t.status === 'open' ? 1 : 2);
  return [...state.tasks].sort((a, b) => rank(a) - rank(b) || a.project_id.localeCompare(b.project_id) || a.priority.localeCompare(b.priority) || a.created_at.localeCompare(b.created_at));
}

/** Running schedules by their next run, soonest first; paused ones and one-shots that ran after them, by name. */
export function scheduleRows(state: CockpitState): ScheduleSummary[] {
  const next = (s: ScheduleSummary) => s.next_run_at ?? '\uffff';
  return [...state.schedules].sort((a, b) => next(a).localeCompare(next(b)) || a.name.localeCompare(b.name));
}

/** When a schedule runs, in a few characters: its cron (and zone), every N s, or its one time. */
export function whenText(schedule: ScheduleSummary): string {
  const { when } = schedule;
  if (when.cron !== undefined) return `${when.cron}${when.tz ? ` ${when.tz}` : ''}`;
  if (when.every_seconds !== undefined) return `every ${when.every_seconds}s`;
  return `at ${when.at ?? '?'}`;
}

/** What a schedule does, in a few words: the agent it types to, the task it opens, who its message goes to. */
export function actionText(schedule: ScheduleSummary): string {
  const action = schedule.action as { kind: string; agent_name?: string; prompt?: string; title_template?: string; to_agent?: string; broadcast?: boolean };
  if (action.kind === 'turn') return `${action.agent_name}: ${action.prompt ?? ''}`;
  if (action.kind === 'task') return `task: ${action.title_template ?? ''}`;
  return `message to ${action.broadcast ? 'everyone' : (action.to_agent ?? '?')}`;
}

/** What the header shows from every pane: how much waits for the human. */
export function needsYou(state: CockpitState): { approvals: number; unread: number } {
  return { approvals: state.approvals.length, unread: state.inbox.filter((m) => m.unread).length };
}

export function inboxText(m: InboxItem): string {
  return payloadText(m.payload);
}

/** How long ago, coarse enough that a clock ticking every 10 s keeps it true: now, 20s, 5m, 3h05m, 2d. */
export function age(fromIso: string, now = Date.now()): string {
  const s = Math.floor(Math.max(0, now - Date.parse(fromIso)) / 1000);
  if (s < 10) return 'now';
  if (s < 60) return `${Math.floor(s / 10) * 10}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d`;
}

/** Below this a lease's time left counts down in seconds (and the cockpit's clock ticks every second). */
export const COUNTDOWN_MS = 120_000;

/** Time left on a lease: whole minutes while there is plenty, seconds in its last two minutes, `due` after. */
export function timeLeft(untilIso: string, now = Date.now()): string {
  const ms = Date.parse(untilIso) - now;
  if (ms <= 0) return 'due';
  const s = Math.ceil(ms / 1000);
  if (ms < COUNTDOWN_MS) return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d`;
}

/** How often the clock must tick for what is on screen: every second while a lease counts down, else every 10 s. */
export function clockInterval(state: CockpitState, now = Date.now()): number {
  const counting = state.locks.some((l) => l.holders.some((h) => Date.parse(h.expires_at) - now < COUNTDOWN_MS));
  return counting ? 1000 : 10_000;
}
