// A titled, bordered pane: its number and title on the first line, the focused one marked, rows cut to fit.
import { escapeInvisible } from '../../rpc/visible-text.js';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { tint } from './theme.js';

export interface PaneFrameProps {
  number: number;
  title: string;
  focused: boolean;
  width: number;
  height: number;
  /** Shown after the title: counts, the filter in use. */
  note?: string;
  children: ReactNode;
}

export function PaneFrame({ number, title, focused, width, height, note, children }: PaneFrameProps) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'single'} borderColor={focused ? tint('cyan') : tint('gray')} overflow="hidden">
      <Text wrap="truncate-end" bold={focused}>
        {`${number} ${title}`}
        {note ? <Text color={tint('gray')}>{`  ${note}`}</Text> : null}
      </Text>
      {children}
    </Box>
  );
}

/** Rows of a list, the selected one highlighted, scrolled so the selection stays in view. */
export function ListRows({ lines, selected, height, focused, empty }: { lines: string[]; selected: number; height: number; focused: boolean; empty: string }) {
  if (lines.length === 0) return <Text color={tint('gray')}>{empty}</Text>;
  const visible = Math.max(1, height);
  const start = Math.min(Math.max(0, selected - visible + 1), Math.max(0, lines.length - visible));
  return (
    <>
      {lines.slice(start, start + visible).map((line, i) => {
        const isSelected = start + i === selected;
        return (
          <Text key={start + i} wrap="truncate-end" inverse={isSelected && focused} bold={isSelected && !focused}>
            {`${isSelected ? '›' : ' '}${line}`}
          </Text>
        );
      })}
    </>
  );
}

/** Fixed-width columns: each cell padded or cut to its width. */
export function columns(cells: Array<[string, number]>): string {
  // A cell is one line of someone else's text (a key, a name): what it hides is shown escaped, never acted on.
  return cells
    .map(([cell, width]) => {
      const text = escapeInvisible(cell, 'spaces');
      return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
    })
    .join(' ');
}
