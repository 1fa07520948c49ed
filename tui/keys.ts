// Every key of the cockpit as a named command in one table: the help overlay, the README's key table and the tests read it.

export const PANES = ['sessions', 'conversation', 'inbox', 'locks', 'approvals', 'tasks', 'schedules', 'usage'] as const;
export type PaneName = (typeof PANES)[number];

export const PANE_TITLES: Record<PaneName, string> = {
  sessions: 'Sessions',
  conversation: 'Conversation',
  inbox: 'Inbox',
  locks: 'Locks',
  approvals: 'Approvals',
  tasks: 'Tasks',
  schedules: 'Schedules',
  usage: 'Usage',
};

export type CommandName =
  | `focus.${PaneName}`
  | 'focus.next'
  | 'focus.previous'
  | 'move.down'
  | 'move.up'
  | 'page.down'
  | 'page.up'
  | 'move.first'
  | 'move.last'
  | 'open'
  | 'compose'
  | 'filter'
  | 'help'
  | 'palette'
  | 'close'
  | 'quit'
  | 'approval.approve'
  | 'approval.allow_always'
  | 'approval.deny'
  | 'approval.comment'
  | 'inbox.reply'
  | 'inbox.ack'
  | 'agent.interrupt'
  | 'agent.diff'
  | 'schedule.fire'
  | 'schedule.pause'
  | 'schedule.resume';

export interface KeyBinding {
  command: CommandName;
  keys: readonly string[];
  /** Only in this pane; global when absent. A pane binding wins over a global one on the same key. */
  pane?: PaneName;
  description: string;
  /** Also works in the pane's detail view (Enter), on the item shown there; how that view's key line says it. */
  inDetail?: string;
}

export const KEY_TABLE: readonly KeyBinding[] = [
  ...PANES.map((pane, i): KeyBinding => ({ command: `focus.${pane}`, keys: [String(i + 1)], description: `go to ${PANE_TITLES[pane]}` })),
  { command: 'focus.next', keys: ['tab'], description: 'next pane' },
  { command: 'focus.previous', keys: ['shift+tab'], description: 'previous pane' },
  { command: 'move.down', keys: ['j', 'down'], description: 'move down' },
  { command: 'move.up', keys: ['k', 'up'], description: 'move up' },
  { command: 'page.down', keys: ['pagedown'], description: 'page down (scroll the conversation)' },
  { command: 'page.up', keys: ['pageup'], description: 'page up (scroll the conversation)' },
  { command: 'move.first', keys: ['home', 'g'], description: 'first (oldest in the conversation)' },
  { command: 'move.last', keys: ['end', 'G'], description: 'last (newest in the conversation)' },
  { command: 'compose', keys: ['i', 'enter'], pane: 'conversation', description: 'type to the agent: Enter sends, Alt+Enter or Ctrl+J a new line, up/down history, Esc leaves' },
  { command: 'compose', keys: ['i'], pane: 'sessions', description: 'type to the selected agent (a managed one: a turn, or a #command such as #status)' },
  { command: 'agent.interrupt', keys: ['s'], pane: 'conversation', description: 'stop the running turn of the managed agent shown (queued turns still run)' },
  { command: 'agent.interrupt', keys: ['s'], pane: 'sessions', description: "stop the selected managed agent's running turn" },
  { command: 'agent.diff', keys: ['D'], pane: 'conversation', description: "what the managed agent shown changed: its worktree's diff, or the last one it reported" },
  { command: 'agent.diff', keys: ['D'], pane: 'sessions', description: "what the selected managed agent changed (its worktree's diff)" },
  { command: 'open', keys: ['enter'], description: 'open the selected row (an agent opens its conversation)' },
  { command: 'approval.approve', keys: ['a'], pane: 'approvals', description: 'approve the selected approval (the oldest when none is selected), or the one open; a tool permission: allow once', inDetail: 'approves' },
  { command: 'approval.allow_always', keys: ['A'], pane: 'approvals', description: 'a tool permission: allow that tool for its agent until #new', inDetail: 'allows always' },
  { command: 'approval.deny', keys: ['d'], pane: 'approvals', description: 'deny the selected approval, or the one open', inDetail: 'denies' },
  { command: 'approval.comment', keys: ['c'], pane: 'approvals', description: 'write a comment, then a, A or d decides with it (a denied agent reads why)', inDetail: 'comments first' },
  { command: 'inbox.reply', keys: ['r'], pane: 'inbox', description: 'reply to the selected message, or the one open', inDetail: 'replies' },
  { command: 'inbox.ack', keys: ['x'], pane: 'inbox', description: 'acknowledge the selected message, or the one open (mark it read)', inDetail: 'marks it read' },
  { command: 'schedule.fire', keys: ['f'], pane: 'schedules', description: 'run the selected schedule now (paused ones too); its timetable does not change' },
  { command: 'schedule.pause', keys: ['p'], pane: 'schedules', description: 'pause the selected schedule (a run under way finishes)' },
  { command: 'schedule.resume', keys: ['r'], pane: 'schedules', description: 'resume the selected schedule from its next due time' },
  { command: 'filter', keys: ['/'], description: 'filter the focused list (Esc clears)' },
  { command: 'palette', keys: [':'], description: 'command palette: call any method, e.g. lock.list project_id=demo' },
  { command: 'help', keys: ['?'], description: 'this help' },
  { command: 'close', keys: ['escape'], description: 'close an overlay, leave typing, clear the filter' },
  { command: 'quit', keys: ['q', 'ctrl+c'], description: 'quit (the terminal is restored)' },
];

/** The command a key means in a pane: the pane's own binding first, then the global one. */
export function commandFor(key: string, pane: PaneName): CommandName | null {
  const local = KEY_TABLE.find((b) => b.pane === pane && b.keys.includes(key));
  if (local) return local.command;
  return KEY_TABLE.find((b) => b.pane === undefined && b.keys.includes(key))?.command ?? null;
}

/** The keys a detail view keeps for itself: closing it, and scrolling by a line or by ten. */
export const DETAIL_VIEW_KEYS = {
  close: ['escape', 'q', 'enter'],
  down: ['j', 'down'],
  up: ['k', 'up'],
  pageDown: ['pagedown'],
  pageUp: ['pageup'],
} as const satisfies Record<string, readonly string[]>;

/** How far a key scrolls a detail view (0: not a scroll key). */
export function detailScroll(key: string): number {
  const { down, up, pageDown, pageUp } = DETAIL_VIEW_KEYS;
  const is = (keys: readonly string[]) => keys.includes(key);
  return is(down) ? 1 : is(up) ? -1 : is(pageDown) ? 10 : is(pageUp) ? -10 : 0;
}

/** The command a key means in the detail view opened from a pane (acting on the item shown), if any. */
export function detailCommandFor(key: string, pane: PaneName): CommandName | null {
  return KEY_TABLE.find((b) => b.pane === pane && b.inDetail !== undefined && b.keys.includes(key))?.command ?? null;
}

/** The key line a detail view opened from a pane shows: `a approves · d denies · c comments first`. */
export function detailKeysLine(pane: PaneName): string {
  return KEY_TABLE.filter((b) => b.pane === pane && b.inDetail !== undefined)
    .map((b) => `${b.keys.map(keyLabel).join('/')} ${b.inDetail}`)
    .join(' · ');
}

/** Where a binding works, as the help and the README say it. */
export function whereLabel(binding: KeyBinding): string {
  if (!binding.pane) return 'everywhere';
  return binding.inDetail ? `${PANE_TITLES[binding.pane]} and its detail` : PANE_TITLES[binding.pane];
}

/** What Ink reports for a key press, as the names the table uses. */
export interface InkKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

export function keyName(input: string, key: InkKey): string {
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return key.meta ? 'alt+enter' : 'enter';
  if (key.escape) return 'escape';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  return input;
}

/** Display form of a key name: `shift+tab` as Shift-Tab, `pagedown` as PgDn. */
export function keyLabel(key: string): string {
  const labels: Record<string, string> = {
    tab: 'Tab',
    'shift+tab': 'Shift-Tab',
    down: '↓',
    up: '↑',
    pagedown: 'PgDn',
    pageup: 'PgUp',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    escape: 'Esc',
    'ctrl+c': 'Ctrl-C',
  };
  return labels[key] ?? key;
}

/** The key table as the README shows it (a test holds the README to it). */
export function keyTableMarkdown(): string {
  const rows = KEY_TABLE.map((b) => `| ${b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ')} | ${whereLabel(b)} | ${b.description} |`);
  return ['| keys | where | does |', '| --- | --- | --- |', ...rows].join('\n');
}
