// Where the panes go for a terminal size: six side by side when there is room, fewer as it narrows, one when asked.
import type { PaneName } from './keys.js';

export interface PlacedPane {
  pane: PaneName;
  height: number;
}

export interface Column {
  width: number;
  panes: PlacedPane[];
}

/** Header and status line take a row each. */
export const CHROME_ROWS = 2;

export function layoutFor(columns: number, rows: number, focus: PaneName, only?: PaneName): Column[] {
  const body = Math.max(3, rows - CHROME_ROWS);
  const width = Math.max(20, columns);
  if (only) return [{ width, panes: [{ pane: only, height: body }] }];
  if (width >= 150 && body >= 24) {
    const top = Math.floor(body * 0.6);
    const thirds = split(width, [0.3, 0.4, 0.3]);
    return [
      { width: thirds[0]!, panes: [{ pane: 'sessions', height: top }, { pane: 'approvals', height: body - top }] },
      // Usage takes the Locks place while it is focused.
      { width: thirds[1]!, panes: [{ pane: 'conversation', height: top }, { pane: focus === 'usage' ? 'usage' : 'locks', height: body - top }] },
      // Tasks and Schedules share the corner: the one focused (Tasks otherwise) shows.
      { width: thirds[2]!, panes: [{ pane: 'inbox', height: top }, { pane: focus === 'schedules' ? 'schedules' : 'tasks', height: body - top }] },
    ];
  }
  if (width >= 100 && body >= 18) {
    const [left, right] = split(width, [0.4, 0.6]);
    const top = Math.floor(body / 2);
    const shown: PaneName = focus === 'sessions' || focus === 'approvals' ? 'conversation' : focus;
    return [
      { width: left!, panes: [{ pane: 'sessions', height: top }, { pane: 'approvals', height: body - top }] },
      { width: right!, panes: [{ pane: shown, height: body }] },
    ];
  }
  if (width >= 72 && (focus === 'sessions' || focus === 'conversation')) {
    const left = Math.min(34, Math.floor(width * 0.4));
    return [
      { width: left, panes: [{ pane: 'sessions', height: body }] },
      { width: width - left, panes: [{ pane: 'conversation', height: body }] },
    ];
  }
  return [{ width, panes: [{ pane: focus, height: body }] }];
}

export function visiblePanes(layout: readonly Column[]): PaneName[] {
  return layout.flatMap((c) => c.panes.map((p) => p.pane));
}

function split(total: number, shares: number[]): number[] {
  const parts = shares.map((s) => Math.floor(total * s));
  parts[parts.length - 1]! += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}
