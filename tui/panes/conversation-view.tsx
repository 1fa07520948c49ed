// The conversation pane's body: messages (or a managed agent's turns) newest at the bottom, wrapped to the width,
// scrolled back by PgUp/PgDn.
import { escapeInvisible } from '../../rpc/visible-text.js';
import { Text } from 'ink';
import { OPERATOR } from '../../rpc/operator.js';
import type { ConversationLine } from '../model/conversation.js';
import { tint } from '../components/theme.js';

const STATE_MARK = { sending: '…', sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read', failed: '✗ failed' } as const;

export interface Row {
  text: string;
  color?: string | undefined;
  bold?: boolean;
}

/** Every message as display rows: a heading (time, who to whom, state) and its text wrapped to the width. */
export function conversationRows(lines: readonly ConversationLine[], width: number): Row[] {
  const rows: Row[] = [];
  for (const line of lines) {
    const time = new Date(line.time).toTimeString().slice(0, 8);
    const fromYou = line.from === OPERATOR;
    const state = line.state ? `  ${STATE_MARK[line.state]}` : '';
    rows.push({ text: `${time} ${fromYou ? 'you' : line.from} → ${line.to === OPERATOR ? 'you' : line.to}${state}`, color: line.state === 'failed' ? tint('red') : fromYou ? tint('cyan') : tint('green'), bold: true });
    rows.push(...textRows(line.text, width));
    if (line.error) rows.push({ text: `  ${line.error}`, color: tint('red') });
  }
  return rows;
}

/** Break at spaces where it can, mid-word only when a word is longer than the line. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 3 ? space : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  out.push(rest);
  return out;
}

/** Someone else's text as indented rows wrapped to the width, control and bidi characters shown escaped. */
export function textRows(text: string, width: number, indent = '  ', color?: string): Row[] {
  const rows: Row[] = [];
  for (const paragraph of escapeInvisible(text, 'breaks').split('\n')) for (const piece of wrap(paragraph, Math.max(10, width - indent.length))) rows.push({ text: `${indent}${piece}`, color });
  return rows;
}

export function ConversationView({ rows, height, scroll, loaded, hasTarget, empty }: { rows: readonly Row[]; height: number; scroll: number; loaded: boolean; hasTarget: boolean; empty: string }) {
  if (!hasTarget) return <Text color={tint('gray')}> select an agent in Sessions (1, j/k, Enter)</Text>;
  if (!loaded && rows.length === 0) return <Text color={tint('gray')}> loading…</Text>;
  if (rows.length === 0) return <Text color={tint('gray')}>{` ${empty}`}</Text>;
  const room = Math.max(1, height);
  const end = Math.max(room, rows.length - Math.min(scroll, Math.max(0, rows.length - room)));
  const shown = rows.slice(Math.max(0, end - room), end);
  return (
    <>
      {shown.map((row, i) => (
        <Text key={i} wrap="truncate-end" color={row.color} bold={row.bold ?? false}>
          {row.text}
        </Text>
      ))}
    </>
  );
}
