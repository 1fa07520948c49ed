// Which row a list pane has selected, held by the item's identity (not its row number), so a re-sort, an insert or a
// removal never moves the selection to another item; when the item goes, the nearest of its old neighbours takes over.
import type { AgentRow, LockRow } from './rows.js';
import type { UsageLine } from './usage-rows.js';
import type { ApprovalSummary, InboxItem, ScheduleSummary, TaskSummary } from './model/slices.js';
import type { ListItems, ListPane } from './panes/lines.js';

export interface Selection {
  /** The selected item's identity; null until something was there to select. */
  key: string | null;
  /** Its row when last resolved (where the selection stays when nothing else says where). */
  index: number;
  /** The pane's identities in order when the selected item was last seen: its neighbours, should it go. */
  order: readonly string[];
}

export const NO_SELECTION: Selection = { key: null, index: 0, order: [] };

/** The identity of a row: agent and project, message id, approval id, project and task id, lock key and holder. */
export function itemKey<P extends ListPane>(pane: P, item: ListItems[P]): string {
  switch (pane) {
    case 'sessions':
      return (item as AgentRow).key;
    case 'inbox':
      return (item as InboxItem).message_id;
    case 'approvals':
      return (item as ApprovalSummary).approval_id;
    case 'schedules':
      return (item as ScheduleSummary).name;
    case 'usage':
      return (item as UsageLine).key;
    case 'tasks': {
      const task = item as TaskSummary;
      return `${task.project_id}/${task.task_id}`;
    }
    default: {
      // A shared lock shows a row per holder.
      const lock = item as LockRow;
      return `${lock.key}\u0000${lock.holder}`;
    }
  }
}

/** Select the row at an index (a key press moved there). */
export function selectAt(keys: readonly string[], index: number): Selection {
  const at = Math.min(Math.max(0, index), Math.max(0, keys.length - 1));
  return { key: keys[at] ?? null, index: at, order: keys };
}

/** Select an item by its identity before it is listed (the agent named with --agent): it is taken once it shows up. */
export function selectKey(key: string): Selection {
  return { key, index: 0, order: [] };
}

/**
 * The selection against the pane's rows as they are now: the same item wherever it moved; if it is gone, the nearest
 * of its old neighbours still listed (below it first, then above); with nothing to go by, the same row number.
 * Resolving the result again against the same rows gives the same selection.
 */
export function resolveSelection(selection: Selection, keys: readonly string[]): Selection {
  if (keys.length === 0) return { ...selection, index: 0 };
  const { key } = selection;
  if (key !== null) {
    const at = keys.indexOf(key);
    if (at >= 0) return at === selection.index && selection.order === keys ? selection : { key, index: at, order: keys };
    // Asked for by name and not listed yet: keep waiting for it, on the first row meanwhile.
    if (!selection.order.includes(key)) return { key, index: 0, order: selection.order };
    const neighbour = nearestListed(selection.order, selection.order.indexOf(key), new Set(keys));
    if (neighbour !== null) return { key: neighbour, index: keys.indexOf(neighbour), order: keys };
  }
  return selectAt(keys, selection.index);
}

function nearestListed(order: readonly string[], from: number, listed: ReadonlySet<string>): string | null {
  for (let i = from + 1; i < order.length; i++) if (listed.has(order[i]!)) return order[i]!;
  for (let i = from - 1; i >= 0; i--) if (listed.has(order[i]!)) return order[i]!;
  return null;
}
