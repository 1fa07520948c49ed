// What the keyboard is doing in the cockpit right now (moving around, typing in an input line, reading an overlay), and
// what each input line is about, so a project that goes can close what is written to it.
import type { EditorState } from './editor.js';
import type { Target } from './model/conversation.js';
import type { ApprovalSummary, InboxItem } from './model/slices.js';

export type Mode =
  | { kind: 'normal' }
  | { kind: 'filter'; editor: EditorState }
  | { kind: 'compose'; editor: EditorState; target: Target }
  | { kind: 'comment'; editor: EditorState; approval: ApprovalSummary }
  | { kind: 'reply'; editor: EditorState; item: InboxItem }
  | { kind: 'palette'; editor: EditorState; options: string[] }
  | { kind: 'help' }
  | { kind: 'detail'; title: string; lines: string[]; scroll: number; subject?: DetailSubject };

/** The item a detail view shows, when the keys of its pane act on it there (keys.ts: inDetail). */
export type DetailSubject = { pane: 'approvals'; approval: ApprovalSummary } | { pane: 'inbox'; item: InboxItem };

/** The modes with an input line: every key goes to its editor. */
export const EDITING: ReadonlySet<Mode['kind']> = new Set(['filter', 'compose', 'comment', 'reply', 'palette']);

/** The project an open input line writes to, or an open detail acts on, if any. */
export function projectOf(mode: Mode): string | null {
  if (mode.kind === 'compose') return mode.target.project_id;
  if (mode.kind === 'comment') return mode.approval.project_id;
  if (mode.kind === 'reply') return mode.item.project_id;
  if (mode.kind === 'detail' && mode.subject) return mode.subject.pane === 'approvals' ? mode.subject.approval.project_id : mode.subject.item.project_id;
  return null;
}
