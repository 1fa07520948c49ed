// The cockpit's bottom line: the input line of the palette, a comment, a reply or a filter while one is open; else how
// the latest action went, any notice, and the focused pane's keys.
import { Box, Text } from 'ink';
import type { PaneName } from '../keys.js';
import type { Mode } from '../mode.js';
import { EditorLine } from './editor-line.js';
import { tint } from './theme.js';

const PANE_HINTS: Record<PaneName, string> = {
  sessions: 'j/k select · Enter open conversation · i type to agent · s stop its turn',
  conversation: 'i/Enter type · s stop the turn · PgUp/PgDn scroll · Esc leave typing',
  inbox: 'Enter open · r reply · x mark read',
  locks: 'Enter details',
  approvals: 'a approve/allow · A allow always · d deny · c comment · Enter details',
  tasks: 'Enter details',
  schedules: 'f fire now · p pause · r resume · Enter details',
  usage: 'tokens and cost through the gateway, today and this week (UTC) · Enter details',
};

export interface StatusLineProps {
  mode: Mode;
  focus: PaneName;
  /** How the human's latest action went. */
  status: string | null;
  /** A problem the cockpit met on its own (a read that failed, the connection). */
  notice: string | null;
  pendingComment: string | null;
  width: number;
}

export function StatusLine({ mode, focus, status, notice, pendingComment, width }: StatusLineProps) {
  if (mode.kind === 'palette') {
    return (
      <Box flexDirection="column" width={width}>
        {mode.options.length > 0 ? <Text wrap="truncate-end" color={tint('gray')}>{mode.options.join('  ')}</Text> : null}
        <EditorLine prompt=": " editor={mode.editor} width={width} />
      </Box>
    );
  }
  if (mode.kind === 'comment') return <EditorLine prompt={`comment on ${mode.approval.approval_id}› `} editor={mode.editor} width={width} />;
  if (mode.kind === 'reply') return <EditorLine prompt={`reply to ${mode.item.from_agent}› `} editor={mode.editor} width={width} />;
  if (mode.kind === 'filter') return <EditorLine prompt="/" editor={mode.editor} width={width} />;
  if (pendingComment !== null) return <Text wrap="truncate-end" color={tint('yellow')}>{`comment ready: a approves, A allows always or d denies with it, Esc drops it`}</Text>;
  const said = [status, notice].filter((s): s is string => Boolean(s)).join(' · ');
  return (
    <Text wrap="truncate-end">
      {said ? <Text color={tint('yellow')}>{`${said}  `}</Text> : null}
      <Text color={tint('gray')}>{`${PANE_HINTS[focus]} · / filter · : palette · ? help · q quit`}</Text>
    </Text>
  );
}
