// Full-screen overlays: the help generated from the key table, and a scrollable detail view (a request, a message, a result).
import { escapeInvisible } from '../../rpc/visible-text.js';
import { Box, Text } from 'ink';
import { KEY_TABLE, keyLabel, whereLabel } from '../keys.js';
import { tint } from './theme.js';

export function helpLines(): string[] {
  return KEY_TABLE.map((b) => `${b.keys.map(keyLabel).join(' / ').padEnd(14)} ${b.pane ? `[${whereLabel(b)}] ` : ''}${b.description}`);
}

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const lines = helpLines();
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={tint('cyan')} overflow="hidden">
      <Text bold>Keys (Esc or ? closes)</Text>
      {lines.slice(0, Math.max(1, height - 3)).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

export function DetailOverlay({ title, lines, scroll, width, height }: { title: string; lines: string[]; scroll: number; width: number; height: number }) {
  const room = Math.max(1, height - 3);
  const start = Math.min(scroll, Math.max(0, lines.length - room));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={tint('cyan')} overflow="hidden">
      <Text bold wrap="truncate-end">
        {escapeInvisible(title, 'spaces')}
        <Text color={tint('gray')}>{`  (j/k scroll, Esc closes)  ${start + 1}-${Math.min(lines.length, start + room)} of ${lines.length}`}</Text>
      </Text>
      {lines.slice(start, start + room).map((line, i) => (
        <Text key={start + i} wrap="truncate-end">
          {escapeInvisible(line, 'spaces') || ' '}
        </Text>
      ))}
    </Box>
  );
}
