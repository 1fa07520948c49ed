// Each list pane's rows as text lines for a width, with a header line; the items beside them, so a selection maps back.
import { escapeInvisible } from '../../rpc/visible-text.js';
import type { CockpitState } from '../model/cockpit.js';
import { actionText, agentRows, age, approvalRows, inboxRows, inboxText, lockRows, scheduleRows, taskRows, timeLeft, whenText, type AgentRow, type LockRow } from '../rows.js';
import { columns } from '../components/pane-frame.js';
import type { ApprovalSummary, InboxItem, ScheduleSummary, TaskSummary } from '../model/slices.js';
import { costText, tokensText, usageRows, type UsageLine } from '../usage-rows.js';
import type { PaneName } from '../keys.js';

export type ListPane = Exclude<PaneName, 'conversation'>;

export interface PaneLines<T> {
  header: string;
  items: T[];
  lines: string[];
}

export interface ListItems {
  sessions: AgentRow;
  inbox: InboxItem;
  locks: LockRow;
  approvals: ApprovalSummary;
  tasks: TaskSummary;
  schedules: ScheduleSummary;
  usage: UsageLine;
}

const PRESENCE_MARK = { active: '●', idle: '◐', gone: '○' } as const;
/** A managed agent's state in a word short enough for the state column; the conversation pane names it in full. */
export const STATE_LABEL = { working: 'working', needs_permission: 'allow?', needs_answer: 'answer?', idle: 'idle', error: 'error', stopped: 'stopped' } as const;
/** Something of the agent's waits for the human: a pending approval, or a question to you that expects a reply. */
const WAITING_MARK = '⚑';
/** A managed agent whose last turn failed (the next one you type still runs). */
const ERROR_MARK = '✗';

function flex(width: number, fixed: number): number {
  return Math.max(6, width - fixed);
}

/** An unread count in four characters: exact to 9999, then thousands (36k) and millions (12M), never cut to "36…". */
export function unreadText(count: number): string {
  if (count <= 0) return '';
  if (count < 10_000) return String(count);
  if (count < 1_000_000) return `${Math.floor(count / 1_000)}k`;
  return `${Math.min(999, Math.floor(count / 1_000_000))}M`;
}

export function sessionLines(state: CockpitState, width: number, now: number): PaneLines<AgentRow> {
  const items = agentRows(state);
  type Cell = 'mark' | 'name' | 'project' | 'tool' | 'state' | 'cost' | 'seen' | 'new';
  // Narrower panes drop the tool and the state (the mark shows it; a managed agent's state stays while there is room),
  // then the project; the name takes what is left. Today's gateway cost shows once an agent has one.
  const managed = items.some((r) => r.managed);
  const costly = items.some((r) => r.cost_today !== null);
  const shown: Cell[] =
    width >= 62
      ? ['mark', 'name', 'project', 'tool', 'state', ...(costly ? (['cost'] as const) : []), 'seen', 'new']
      : width >= 36
        ? ['mark', 'name', 'project', ...(managed ? (['state'] as const) : []), ...(costly ? (['cost'] as const) : []), 'seen', 'new']
        : ['mark', 'name', 'seen', 'new'];
  const widths: Record<Cell, number> = { mark: 2, name: 0, project: (managed || costly) && width < 62 ? 9 : 11, tool: 11, state: 7, cost: 7, seen: 6, new: 4 };
  const nameRoom = () => width - shown.filter((c) => c !== 'name').reduce((sum, c) => sum + widths[c] + 1, 1);
  // Too narrow for all of them: the last-seen age goes before the name is cut below 8.
  if (nameRoom() < 8 && shown.includes('seen')) shown.splice(shown.indexOf('seen'), 1);
  widths.name = Math.max(8, Math.min(18, nameRoom()));
  const line = (cells: Record<Cell, string>) => columns(shown.map((c) => [cells[c], widths[c]]));
  return {
    header: line({ mark: ' ', name: 'agent', project: 'project', tool: 'tool', state: 'state', cost: 'cost', seen: 'seen', new: 'new' }),
    items,
    lines: items.map((r) =>
      line({
        // Presence and the flag side by side: a gone agent whose question still waits shows both (○⚑).
        mark: `${r.managed?.state === 'error' ? ERROR_MARK : PRESENCE_MARK[r.presence]}${r.waiting ? WAITING_MARK : ' '}`,
        name: r.name,
        project: r.project_id ?? '—',
        tool: r.tool,
        state: r.managed ? STATE_LABEL[r.managed.state] : r.presence,
        cost: costText(r.cost_today),
        seen: age(r.last_seen, now),
        new: unreadText(r.unread),
      }),
    ),
  };
}

export function inboxLines(state: CockpitState, width: number, now: number): PaneLines<InboxItem> {
  const items = inboxRows(state);
  // Narrower panes keep who wrote and what; the age and the project go first.
  const wide = width >= 70;
  const text = flex(width, wide ? 2 + 6 + 12 + 12 + 6 : 2 + 12 + 4);
  const line = (mark: string, when: string, project: string, from: string, message: string) =>
    columns(wide ? [[mark, 1], [when, 5], [project, 11], [from, 11], [message, text]] : [[mark, 1], [from, 11], [message, text]]);
  return {
    header: line(' ', 'age', 'project', 'from', 'message'),
    items,
    lines: items.map((m) => line(m.unread ? (m.reply_expected ? '?' : '•') : ' ', age(m.created_at, now), m.project_id, m.from_agent, oneLine(inboxText(m)))),
  };
}

export function lockLines(state: CockpitState, width: number, now: number): PaneLines<LockRow> {
  const items = lockRows(state);
  // Narrower panes keep the key, its holder and the time left.
  const wide = width >= 80;
  const key = flex(width, wide ? 14 + 11 + 10 + 6 + 7 + 3 + 7 : 14 + 7 + 3 + 4);
  const line = (k: string, holder: string, project: string, mode: string, held: string, left: string, waiters: string) =>
    columns(wide ? [[k, key], [holder, 14], [project, 11], [mode, 9], [held, 6], [left, 7], [waiters, 2]] : [[k, key], [holder, 14], [left, 7], [waiters, 2]]);
  return {
    header: line('key', 'holder', 'project', 'mode', 'age', 'left', 'w'),
    items,
    lines: items.map((l) => line(l.key, l.holder, l.project, l.mode, age(l.acquired_at, now), timeLeft(l.expires_at, now), l.waiters ? String(l.waiters) : '')),
  };
}

export function approvalLines(state: CockpitState, width: number, now: number): PaneLines<ApprovalSummary> {
  const items = approvalRows(state);
  // Narrower panes keep the title and drop kind, project, then age.
  const level = width >= 80 ? 2 : width >= 60 ? 1 : 0;
  const fixed = [12 + 11 + 2, 12 + 11 + 6 + 3, 12 + 8 + 11 + 11 + 6 + 5][level]!;
  const title = flex(width, fixed);
  const line = (id: string, kind: string, project: string, from: string, when: string, text: string) =>
    columns(
      level === 2
        ? [[id, 12], [kind, 8], [project, 11], [from, 11], [when, 6], [text, title]]
        : level === 1
          ? [[id, 12], [from, 11], [when, 6], [text, title]]
          : [[id, 12], [from, 11], [text, title]],
    );
  return {
    header: line('id', 'kind', 'project', 'from', 'age', 'title'),
    items,
    lines: items.map((a) => line(a.approval_id, a.kind, a.project_id, a.requested_by, age(a.created_at, now), oneLine(a.title))),
  };
}

export function taskLines(state: CockpitState, width: number): PaneLines<TaskSummary> {
  const items = taskRows(state);
  const wide = width >= 70;
  const title = flex(width, wide ? 11 + 3 + 8 + 11 + 5 : 3 + 8 + 11 + 4);
  const line = (project: string, priority: string, status: string, claimed: string, text: string) =>
    wide ? columns([[project, 11], [priority, 2], [status, 7], [claimed, 10], [text, title]]) : columns([[priority, 2], [status, 7], [claimed, 10], [text, title]]);
  return {
    header: line('project', 'p', 'status', 'claimed by', 'title'),
    items,
    lines: items.map((t) => line(t.project_id, t.priority, t.status, t.claimed_by ?? '', oneLine(t.title))),
  };
}

/** A schedule's last run as a word: ok, failed, skipped, interrupted, running, or - before its first. */
const LAST_MARK = { ok: '✓ ok', failed: '✗ failed', skipped: '- skipped', interrupted: '✗ interrupted', running: '… running' } as const;

export function scheduleLines(state: CockpitState, width: number, now: number): PaneLines<ScheduleSummary> {
  const items = scheduleRows(state);
  // Narrower panes keep the name, the next run and the last status; when and what go first.
  const wide = width >= 90;
  const what = flex(width, wide ? 16 + 8 + 14 + 18 + 6 : 16 + 8 + 14 + 4);
  const line = (name: string, next: string, last: string, when: string, action: string) =>
    wide ? columns([[name, 15], [next, 7], [last, 13], [when, 17], [action, what]]) : columns([[name, 15], [next, 7], [last, 13], [action, what]]);
  return {
    header: line('name', 'next', 'last', 'when', 'does'),
    items,
    lines: items.map((s) =>
      line(
        s.name,
        !s.enabled ? 'paused' : s.next_run_at === null ? '—' : timeLeft(s.next_run_at, now),
        s.last_run ? LAST_MARK[s.last_run.status] : '-',
        whenText(s),
        oneLine(actionText(s)),
      ),
    ),
  };
}

/** Each agent (name@project) and model with its tokens and cost today and this week; narrower panes keep the costs. */
export function usageLines(state: CockpitState, width: number): PaneLines<UsageLine> {
  const items = usageRows(state);
  const wide = width >= 56;
  const name = flex(width, wide ? 5 + 7 * 4 + 5 : 5 + 7 * 2 + 3);
  const line = (kind: string, who: string, todayTokens: string, today: string, weekTokens: string, week: string) =>
    columns(wide ? [[kind, 5], [who, name], [todayTokens, 7], [today, 7], [weekTokens, 7], [week, 7]] : [[kind, 5], [who, name], [today, 7], [week, 7]]);
  return {
    header: line('by', 'name', 'tok/day', 'today', 'tok/wk', 'week'),
    items,
    lines: items.map((u) => line(u.kind, u.project_id ? `${u.name}@${u.project_id}` : u.name, tokensText(u.today), costText(u.today), tokensText(u.week), costText(u.week))),
  };
}

export function linesFor(pane: ListPane, state: CockpitState, width: number, now: number): PaneLines<ListItems[ListPane]> {
  switch (pane) {
    case 'sessions':
      return sessionLines(state, width, now);
    case 'inbox':
      return inboxLines(state, width, now);
    case 'locks':
      return lockLines(state, width, now);
    case 'approvals':
      return approvalLines(state, width, now);
    case 'tasks':
      return taskLines(state, width);
    case 'schedules':
      return scheduleLines(state, width, now);
    case 'usage':
      return usageLines(state, width);
  }
}

/** Keep the rows whose line contains the filter (any case). */
export function filtered<T>(pane: PaneLines<T>, filter: string): PaneLines<T> {
  if (!filter) return pane;
  const needle = filter.toLowerCase();
  const keep = pane.lines.map((line, i) => (line.toLowerCase().includes(needle) ? i : -1)).filter((i) => i >= 0);
  return { header: pane.header, items: keep.map((i) => pane.items[i]!), lines: keep.map((i) => pane.lines[i]!) };
}

/** Someone else's text on one line: whitespace runs become one space, other invisible characters show escaped (\u202E). */
export function oneLine(text: string): string {
  return escapeInvisible(text.replace(/[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g, ' ')).trim();
}
