// A managed agent's conversation as display rows: what was typed, each answer with its tool uses and a short footer
// (status, tokens, cost, time), and the cockpit's own notes (a #command's reply), wrapped to the pane's width.
import { escapeInvisible } from '../../rpc/visible-text.js';
import type { Entry, Note } from '../model/agent-conversation.js';
import { isFinished, type Turn } from '../model/agent-turns.js';
import { tint } from '../components/theme.js';
import { textRows, type Row } from './conversation-view.js';

const STATUS_MARK: Record<Turn['status'], string> = {
  queued: '… queued',
  running: '● working',
  done: '',
  error: '✗ error',
  interrupted: '■ interrupted',
  timed_out: '✗ timed out',
  cancelled: '— cancelled',
};

const clock = (iso: string) => new Date(iso).toTimeString().slice(0, 8);
const oneLine = (text: string) => escapeInvisible(text.replace(/\s+/g, ' ').trim(), 'spaces');

/** What the agent waits for, when it waits for the human: the state and its detail (`approval-3 Bash: ls`). */
export interface Waiting {
  state: 'needs_permission' | 'needs_answer';
  detail: string | null;
}

export function agentTurnRows(entries: readonly Entry[], agent: string, width: number, waiting: Waiting | null = null): Row[] {
  const rows: Row[] = [];
  for (const entry of entries) {
    if (entry.kind === 'note') rows.push(...noteRows(entry.note, width));
    else if (entry.turn.role === 'user') rows.push(...userRows(entry.turn, agent, width));
    else rows.push(...answerRows(entry.turn, agent, width));
  }
  if (waiting) {
    const what = waiting.state === 'needs_answer' ? 'an answer' : 'your permission';
    rows.push(...textRows(`⚑ ${agent} waits for ${what}${waiting.detail ? `: ${waiting.detail}` : ''} (5 Approvals: a allows once, A until #new, d denies)`, width, '  ', tint('yellow')));
  }
  return rows;
}

function userRows(turn: Turn, agent: string, width: number): Row[] {
  const from = turn.source === 'message' && turn.from_agent ? turn.from_agent : 'you';
  return [{ text: `${clock(turn.created_at)} ${from} → ${agent}`, color: from === 'you' ? tint('cyan') : tint('magenta'), bold: true }, ...textRows(turn.text, width)];
}

function answerRows(turn: Turn, agent: string, width: number): Row[] {
  const mark = STATUS_MARK[turn.status];
  const failed = turn.status === 'error' || turn.status === 'timed_out';
  const rows: Row[] = [{ text: `${clock(turn.started_at ?? turn.created_at)} ${agent}${mark ? `  ${mark}` : ''}`, color: failed ? tint('red') : tint('green'), bold: true }];
  for (const use of turn.tool_uses) {
    rows.push({ text: `  ⚙ ${oneLine(`${use.name} ${use.summary}`)}`, color: tint('yellow') });
    if (use.result !== null) rows.push({ text: `    ${use.is_error ? '✗' : '→'} ${oneLine(use.result)}`, color: use.is_error ? tint('red') : tint('gray') });
    else if (!isFinished(turn)) rows.push({ text: '    … waiting', color: tint('gray') });
  }
  if (turn.text) rows.push(...textRows(turn.text, width));
  if (turn.error) rows.push(...textRows(turn.error, width, '  ', tint('red')));
  const footer = footerOf(turn);
  if (footer) rows.push({ text: `  ─ ${footer}`, color: tint('gray') });
  return rows;
}

/** `done · 12 in, 40 out · $0.0015 · 4.1s`: what the finished turn cost, as far as the backend said. */
export function footerOf(turn: Turn): string | null {
  if (!isFinished(turn)) return null;
  const parts: string[] = [turn.status.replace('_', ' ')];
  if (turn.usage) {
    const input = (turn.usage.input_tokens ?? 0) + (turn.usage.cache_read_input_tokens ?? 0) + (turn.usage.cache_creation_input_tokens ?? 0);
    const output = turn.usage.output_tokens ?? 0;
    if (input > 0 || output > 0) parts.push(`${input} in, ${output} out`);
  }
  if (turn.cost_usd !== null && turn.cost_usd > 0) parts.push(`$${turn.cost_usd.toFixed(4)}`);
  if (turn.started_at && turn.finished_at) {
    const ms = Date.parse(turn.finished_at) - Date.parse(turn.started_at);
    if (ms >= 0) parts.push(ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`);
  }
  return parts.join(' · ');
}

function noteRows(note: Note, width: number): Row[] {
  const color = note.failed ? tint('red') : tint('gray');
  return [{ text: `${clock(note.time)} · ${oneLine(note.title)}`, color, bold: true }, ...textRows(note.text, width, '  ', color)];
}
