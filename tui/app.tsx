// The cockpit: header, panes laid out for the terminal's size, overlays, and the one key handler that turns keys into the
// named commands of keys.ts and those into calls on the daemon.
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { OPERATOR } from '../rpc/operator.js';
import type { Cockpit } from './model/cockpit.js';
import { Conversation, type Target } from './model/conversation.js';
import { AgentConversation } from './model/agent-conversation.js';
import { DETAIL_VIEW_KEYS, PANES, PANE_TITLES, commandFor, detailCommandFor, detailScroll, type CommandName, type PaneName } from './keys.js';
import { keyPresses } from './key-presses.js';
import { editKey, emptyEditor, insertText } from './editor.js';
import { EDITING, projectOf, type DetailSubject, type Mode } from './mode.js';
import { useActionStatus, type Report } from './action-status.js';
import { layoutFor, visiblePanes } from './layout.js';
import { filtered, linesFor, type ListItems, type ListPane } from './panes/lines.js';
import { NO_SELECTION, itemKey, resolveSelection, selectAt, selectKey, type Selection } from './selection.js';
import { ListRows, PaneFrame } from './components/pane-frame.js';
import { ConversationView, conversationRows } from './panes/conversation-view.js';
import { agentTurnRows, type Waiting } from './panes/agent-turn-rows.js';
import { EditorLine } from './components/editor-line.js';
import { StatusLine } from './components/status-line.js';
import { HelpOverlay, DetailOverlay } from './components/overlays.js';
import { clockInterval, lockDetail, managedAgentOf, needsYou, waitsForYou, type AgentRow, type LockRow } from './rows.js';
import { tint } from './components/theme.js';
import { completions, methodInfos, parseCall, type MethodInfo } from './palette.js';
import { approvalDetail, decideApproval, inboxDetail, acknowledgeInbox, interruptAgent, agentDiffDetail, actOnSchedule, replyTo, type Decision } from './actions.js';
import type { ApprovalSummary, InboxItem, ScheduleSummary } from './model/slices.js';
import { usageDetail, type UsageLine } from './usage-rows.js';

export interface AppProps {
  cockpit: Cockpit;
  /** The terminal's size; read from stdout (and its resizes) when absent. */
  size?: { columns: number; rows: number };
  /** Run one pane full-size (`brains tui --pane NAME`). */
  only?: PaneName;
  /** Open this agent's conversation first (`--agent`, with `--project`). */
  agent?: string;
  project?: string;
  /** A line for the header (the demo was started). */
  banner?: string;
  /** Pasted blocks arrive here (the stdin filter takes them out of the key stream). */
  onPasteRegister?: (handler: (text: string) => void) => void;
}

const LIST_PANES: readonly ListPane[] = ['sessions', 'inbox', 'locks', 'approvals', 'tasks', 'schedules', 'usage'];
/** What each deciding key decides. */
const DECISIONS: Partial<Record<CommandName, Decision>> = { 'approval.approve': 'approve', 'approval.deny': 'deny', 'approval.allow_always': 'allow_always' };

/** State whose newest value the key handler can read at once, between keys that arrive in one chunk. */
function useSyncState<T>(initial: T): [T, (next: T | ((current: T) => T)) => void, { current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useCallback((next: T | ((current: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (current: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}

function useTerminalSize(given?: { columns: number; rows: number }) {
  const { stdout } = useStdout();
  const read = () => given ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (given) {
      setSize(given);
      return;
    }
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [given?.columns, given?.rows, stdout]);
  return size;
}

/** A clock for ages and lease countdowns: ticks only while something on screen counts, as often as it needs. */
function useClock(active: boolean, intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

export function App({ cockpit, size: givenSize, only, agent, project, banner, onPasteRegister }: AppProps) {
  const { exit } = useApp();
  // One paced signal redraws for the cockpit's state and its open conversation alike (see model/redraws.ts).
  useSyncExternalStore(
    (listener) => cockpit.subscribe(listener),
    () => cockpit.redraws.told,
  );
  const state = cockpit.current;
  const size = useTerminalSize(givenSize);
  const [focus, setFocus, focusRef] = useSyncState<PaneName>(only ?? (agent ? 'conversation' : 'sessions'));
  // Each list's selection is an item's identity; it is resolved against the rows on every render (see selection.ts).
  const selectionRef = useRef<Record<ListPane, Selection>>({
    ...(Object.fromEntries(LIST_PANES.map((p) => [p, NO_SELECTION])) as Record<ListPane, Selection>),
    ...(agent && project ? { sessions: selectKey(`${project}/${agent}`) } : {}),
  });
  const [, setSelectionMoves] = useState(0);
  const [filters, setFilters] = useState<Record<PaneName, string>>(() => Object.fromEntries(PANES.map((p) => [p, ''])) as Record<PaneName, string>);
  const [mode, setMode, modeRef] = useSyncState<Mode>({ kind: 'normal' });
  const [pendingComment, setPendingComment, pendingCommentRef] = useSyncState<{ approval: ApprovalSummary; text: string } | null>(null);
  const [target, setTarget, targetRef] = useSyncState<Target | null>(agent && project ? { project_id: project, agent } : null);
  const [conversation, setConversation] = useState<Conversation | AgentConversation | null>(null);
  const [scroll, setScroll] = useState(0);
  const [composeHistory, setComposeHistory] = useState<readonly string[]>([]);
  const [paletteHistory, setPaletteHistory] = useState<readonly string[]>([]);
  const methods = useRef<MethodInfo[] | null>(null);
  const methodsLoading = useRef<Promise<MethodInfo[]> | null>(null);
  /** The contract's methods for the palette, read once per cockpit (as soon as it is connected, so Tab never waits). */
  const loadMethods = (): Promise<MethodInfo[]> => {
    if (methods.current) return Promise.resolve(methods.current);
    if (!methodsLoading.current && cockpit.rpc) {
      methodsLoading.current = cockpit.rpc.call('system.methods', {}).then(
        (described) => (methods.current = methodInfos(described)),
        () => {
          methodsLoading.current = null;
          return [];
        },
      );
    }
    return methodsLoading.current ?? Promise.resolve([]);
  };
  useEffect(() => {
    if (state.connection === 'live') void loadMethods();
  }, [state.connection === 'live']);
  const layout = layoutFor(size.columns, size.rows, focus, only);
  const visible = visiblePanes(layout);
  const countsDown = visible.includes('locks') || visible.includes('sessions') || visible.includes('approvals') || visible.includes('inbox');
  const now = useClock(countsDown && state.connection === 'live', clockInterval(state));

  // Each pane's rows are rebuilt only when a slice it shows changed, so a burst of mail between agents redraws Sessions
  // and leaves the other panes' elements as they were.
  const widthOf = (pane: PaneName) => (layout.find((c) => c.panes.some((p) => p.pane === pane))?.width ?? size.columns) - 3;
  const rowsOf = (pane: ListPane, deps: unknown[]) =>
    useMemo(() => {
      const shown = filtered(linesFor(pane, state, widthOf(pane), now), filters[pane]);
      return { ...shown, keys: shown.items.map((item) => itemKey(pane, item)) };
    }, [...deps, filters[pane], now, widthOf(pane)]);
  const panes = {
    sessions: rowsOf('sessions', [state.projects, state.sessions, state.unread, state.approvals, state.inbox, state.seen, state.agents, state.usage]),
    inbox: rowsOf('inbox', [state.inbox]),
    locks: rowsOf('locks', [state.locks]),
    approvals: rowsOf('approvals', [state.approvals]),
    tasks: rowsOf('tasks', [state.tasks]),
    schedules: rowsOf('schedules', [state.schedules]),
    usage: rowsOf('usage', [state.usage]),
  } as { [P in ListPane]: ReturnType<typeof linesFor> & { keys: string[] } };
  // Resolving is idempotent, so doing it while rendering is safe: the key handler then reads what the screen shows.
  for (const pane of LIST_PANES) selectionRef.current[pane] = resolveSelection(selectionRef.current[pane], panes[pane].keys);

  const selectedItem = <P extends ListPane>(pane: P): ListItems[P] | undefined => {
    const items = panes[pane].items as Array<ListItems[P]>;
    return items[selectionRef.current[pane].index];
  };

  // The agent selected in Sessions drives the conversation (unless one was named on the command line).
  const selectedAgent = selectedItem('sessions') as AgentRow | undefined;
  useEffect(() => {
    // While the human types, the input line's agent stays the one it was opened for.
    if (focus !== 'sessions' || !selectedAgent?.project_id || modeRef.current.kind === 'compose') return;
    const next = { project_id: selectedAgent.project_id, agent: selectedAgent.name };
    if (!target || target.project_id !== next.project_id || target.agent !== next.agent) setTarget(next);
  }, [focus, selectedAgent?.key]);

  // A managed agent's conversation is its turns (agent.history and agent.* events); anyone else's is its mail. A new
  // connection opens it again, reading the history: what streamed while the cockpit was away is not replayed.
  const managedTarget = managedAgentOf(state, target);
  useEffect(() => {
    if (!target) return;
    const c = managedTarget ? new AgentConversation(cockpit, target) : new Conversation(cockpit, target);
    setConversation(c);
    setScroll(0);
    return () => c.close();
  }, [target?.project_id, target?.agent, state.connection === 'live', managedTarget !== undefined]);

  useEffect(() => {
    onPasteRegister?.((text) => {
      setMode((m) => (EDITING.has(m.kind) && 'editor' in m ? { ...m, editor: insertText(m.editor, m.kind === 'compose' || m.kind === 'reply' ? text : text.replace(/\n/g, ' ')) } : m));
    });
  }, [onPasteRegister]);

  // A deleted project takes its conversation, and anything being written about it, with it.
  const dropDeletedProject = (projectId: string) => {
    const mode = modeRef.current;
    if (projectOf(mode) === projectId) {
      const draft = mode.kind === 'compose' ? mode.editor.text : '';
      if (draft.trim()) setComposeHistory((h) => [...h.filter((x) => x !== draft), draft]);
      setMode({ kind: 'normal' });
      problem(`project ${projectId} was deleted${draft.trim() ? "; what you typed is in the input line's history (↑)" : ''}`);
    }
    if (pendingCommentRef.current?.approval.project_id === projectId) setPendingComment(null);
    if (targetRef.current?.project_id === projectId) setTarget(null);
  };
  const onProjectDeleted = useRef(dropDeletedProject);
  onProjectDeleted.current = dropDeletedProject;
  useEffect(
    () =>
      cockpit.onEvent((event) => {
        if (event.type === 'project.deleted' && event.subject) onProjectDeleted.current(event.subject);
      }),
    [cockpit],
  );

  const counts = needsYou(state);
  /** A problem that is no answer to a key (a project deleted elsewhere): a notice, until the next action. */
  const problem = useCallback((text: string) => cockpit.notify(text), [cockpit]);
  const { status, begin } = useActionStatus(cockpit);

  const move = (pane: PaneName, delta: number, absolute?: 'first' | 'last') => {
    if (pane === 'conversation') {
      const page = Math.max(1, size.rows - 8);
      setScroll((s) => (absolute === 'first' ? Number.MAX_SAFE_INTEGER : absolute === 'last' ? 0 : Math.max(0, s - delta * (Math.abs(delta) > 1 ? page : 1))));
      return;
    }
    const { keys } = panes[pane];
    const at = absolute === 'first' ? 0 : absolute === 'last' ? keys.length - 1 : selectionRef.current[pane].index + delta;
    selectionRef.current[pane] = selectAt(keys, at);
    setSelectionMoves((n) => n + 1);
    const row = pane === 'sessions' ? (panes.sessions.items[selectionRef.current.sessions.index] as AgentRow | undefined) : undefined;
    if (row?.project_id) setTarget({ project_id: row.project_id, agent: row.name });
  };

  const runPalette = async (line: string, report: Report) => {
    const client = cockpit.rpc;
    if (!client) return report('not connected to the daemon; wait for it to reconnect');
    try {
      const call = parseCall(line, methods.current ?? []);
      const result = await client.callRaw(call.method, call.params);
      setMode({ kind: 'detail', title: `${call.method}`, lines: JSON.stringify(result, null, 2).split('\n'), scroll: 0 });
    } catch (error) {
      setMode({ kind: 'detail', title: `${line.split(' ')[0]} failed`, lines: (error as Error).message.split('\n'), scroll: 0 });
    }
  };

  const openPalette = () => {
    setMode({ kind: 'palette', editor: emptyEditor(paletteHistory), options: [] });
    void loadMethods();
  };

  const decide = async (report: Report, decision: Decision, comment?: string, chosen?: ApprovalSummary) => {
    const approval = chosen ?? (selectedItem('approvals') as ApprovalSummary | undefined);
    if (!approval) return report('no pending approval to decide');
    report(await decideApproval(cockpit, approval, decision, comment));
  };

  const command = (name: CommandName) => {
    const focus = focusRef.current;
    // Moving about leaves the footer's account of the last action; anything that acts starts a new one.
    const report = isNavigation(name) ? problem : begin();
    if (name.startsWith('focus.') && name !== 'focus.next' && name !== 'focus.previous') {
      const pane = name.slice('focus.'.length) as PaneName;
      if (!only) setFocus(pane);
      return;
    }
    switch (name) {
      case 'focus.next':
      case 'focus.previous': {
        if (only) return;
        const i = PANES.indexOf(focus);
        setFocus(PANES[(i + (name === 'focus.next' ? 1 : PANES.length - 1)) % PANES.length]!);
        return;
      }
      case 'move.down':
        return move(focus, 1);
      case 'move.up':
        return move(focus, -1);
      case 'page.down':
        return move(focus, focus === 'conversation' ? 2 : 10);
      case 'page.up':
        return move(focus, focus === 'conversation' ? -2 : -10);
      case 'move.first':
        return move(focus, 0, 'first');
      case 'move.last':
        return move(focus, 0, 'last');
      case 'filter':
        if (focus !== 'conversation') setMode({ kind: 'filter', editor: insertText(emptyEditor(), filters[focus]) });
        return;
      case 'help':
        return setMode({ kind: 'help' });
      case 'palette':
        return openPalette();
      case 'quit':
        void cockpit.stop().finally(() => exit());
        return;
      case 'close':
        if (filters[focus]) setFilters((f) => ({ ...f, [focus]: '' }));
        return;
      case 'compose': {
        const chosen = focus === 'sessions' && selectedAgent?.project_id ? { project_id: selectedAgent.project_id, agent: selectedAgent.name } : target;
        if (!chosen) return report('pick an agent in Sessions first (1, then j/k)');
        setTarget(chosen);
        if (focus === 'sessions' && !only) setFocus('conversation');
        return setMode({ kind: 'compose', editor: emptyEditor(composeHistory), target: chosen });
      }
      case 'open':
        return open(report);
      case 'approval.approve':
      case 'approval.allow_always':
      case 'approval.deny':
      case 'approval.comment': {
        const approval = selectedItem('approvals') as ApprovalSummary | undefined;
        if (!approval) return report(`no pending approval to ${name === 'approval.comment' ? 'comment on' : 'decide'}`);
        return actOn({ pane: 'approvals', approval }, name, report);
      }
      case 'inbox.reply':
      case 'inbox.ack': {
        const item = selectedItem('inbox') as InboxItem | undefined;
        if (!item) return report('the inbox is empty');
        return actOn({ pane: 'inbox', item }, name, report);
      }
      case 'schedule.fire':
      case 'schedule.pause':
      case 'schedule.resume': {
        const schedule = selectedItem('schedules') as ScheduleSummary | undefined;
        if (!schedule) return report('no schedule selected');
        void actOnSchedule(cockpit, schedule.name, name === 'schedule.fire' ? 'fire' : name === 'schedule.pause' ? 'pause' : 'resume').then(report);
        return;
      }
      case 'agent.interrupt': {
        const chosen = focus === 'sessions' && selectedAgent?.project_id ? { project_id: selectedAgent.project_id, agent: selectedAgent.name } : target;
        if (!chosen) return report('pick an agent in Sessions first (1, then j/k)');
        if (!managedAgentOf(cockpit.current, chosen)) return report(`${chosen.agent} is not run by brains: s stops a managed agent's turn`);
        void interruptAgent(cockpit, chosen.agent).then(report);
        return;
      }
      case 'agent.diff': {
        const chosen = focus === 'sessions' && selectedAgent?.project_id ? { project_id: selectedAgent.project_id, agent: selectedAgent.name } : target;
        if (!chosen) return report('pick an agent in Sessions first (1, then j/k)');
        if (!managedAgentOf(cockpit.current, chosen)) return report(`${chosen.agent} is not run by brains: D shows a managed agent's changes`);
        void agentDiffDetail(cockpit, chosen.agent).then((shown) => (typeof shown === 'string' ? report(shown) : setMode({ kind: 'detail', ...shown, scroll: 0 })));
        return;
      }
    }
  };

  /** An approval's or a message's command, on the one selected in its pane or the one open in a detail view. */
  const actOn = (subject: DetailSubject, name: CommandName, report: Report) => {
    if (subject.pane === 'approvals') {
      if (name === 'approval.comment') return setMode({ kind: 'comment', editor: emptyEditor(), approval: subject.approval });
      const decision = DECISIONS[name];
      if (decision) void decide(report, decision, undefined, subject.approval);
      return;
    }
    if (name === 'inbox.reply') return setMode({ kind: 'reply', editor: emptyEditor(), item: subject.item });
    if (name === 'inbox.ack') void acknowledgeInbox(cockpit, subject.item).then(report);
  };

  const open = (report: Report) => {
    const focus = focusRef.current;
    if (focus === 'sessions') {
      if (!selectedAgent?.project_id) return report('this session holds no name in a project yet');
      setTarget({ project_id: selectedAgent.project_id, agent: selectedAgent.name });
      if (!only) setFocus('conversation');
      return;
    }
    if (focus === 'approvals') {
      const approval = selectedItem('approvals') as ApprovalSummary | undefined;
      if (!approval) return;
      void approvalDetail(cockpit, approval).then((detail) => setMode({ kind: 'detail', ...detail, scroll: 0, subject: { pane: 'approvals', approval } }));
      return;
    }
    if (focus === 'inbox') {
      const item = selectedItem('inbox') as InboxItem | undefined;
      if (item) setMode({ kind: 'detail', ...inboxDetail(item), scroll: 0, subject: { pane: 'inbox', item } });
      return;
    }
    if (focus === 'locks') {
      const item = selectedItem('locks') as LockRow | undefined;
      if (item) setMode({ kind: 'detail', title: PANE_TITLES.locks, lines: lockDetail(item), scroll: 0 });
      return;
    }
    if (focus === 'usage') {
      const item = selectedItem('usage') as UsageLine | undefined;
      if (item) setMode({ kind: 'detail', title: PANE_TITLES.usage, lines: usageDetail(item), scroll: 0 });
      return;
    }
    if (focus === 'tasks' || focus === 'schedules') {
      const item = selectedItem(focus);
      if (item) setMode({ kind: 'detail', title: PANE_TITLES[focus], lines: JSON.stringify(item, null, 2).split('\n'), scroll: 0 });
    }
  };

  const submitEditor = (text: string) => {
    const mode = modeRef.current;
    const focus = focusRef.current;
    const report = begin();
    switch (mode.kind) {
      case 'filter':
        setFilters((f) => ({ ...f, [focus]: text }));
        if (focus !== 'conversation') selectionRef.current[focus] = NO_SELECTION;
        return setMode({ kind: 'normal' });
      case 'compose':
        // Typing to a managed agent is agent.send, never mail: wait for its conversation to be the one open.
        if (managedAgentOf(cockpit.current, mode.target) && !(conversation instanceof AgentConversation)) report(`not sent: ${mode.target.agent}'s conversation is still opening; ↑ brings it back to send again`);
        else if (conversation && sameTarget(conversation.target, mode.target)) {
          report(`sending to ${mode.target.agent}…`);
          void conversation.send(text).then(report);
        } else report(`not sent: the conversation with ${mode.target.agent} is not open`);
        setScroll(0);
        return; // stay in the input line: the next message is typed right away
      case 'comment':
        setMode({ kind: 'normal' });
        return setPendingComment({ approval: mode.approval, text });
      case 'reply':
        void replyTo(cockpit, mode.item, text).then(report);
        return setMode({ kind: 'normal' });
      case 'palette':
        setPaletteHistory((h) => [...h.filter((x) => x !== text), text].slice(-100));
        return void runPalette(text, report);
    }
  };


  const handleKey = (name: string, input: string) => {
    const mode = modeRef.current;
    const focus = focusRef.current;
    if (name === 'ctrl+c') return command('quit');
    if (mode.kind === 'help') {
      if (name === 'escape' || name === '?' || name === 'q' || name === 'enter') setMode({ kind: 'normal' });
      return;
    }
    if (mode.kind === 'detail') {
      if ((DETAIL_VIEW_KEYS.close as readonly string[]).includes(name)) return setMode({ kind: 'normal' });
      // The keys it advertises act on the item it shows; deciding or marking read closes it.
      const action = mode.subject ? detailCommandFor(name, mode.subject.pane) : null;
      if (action && mode.subject) {
        setMode({ kind: 'normal' });
        return actOn(mode.subject, action, begin());
      }
      const step = detailScroll(name);
      if (step) setMode({ ...mode, scroll: Math.max(0, Math.min(mode.lines.length - 1, mode.scroll + step)) });
      return;
    }
    if (EDITING.has(mode.kind) && 'editor' in mode) {
      if (mode.kind === 'palette' && name === 'tab') {
        const complete = (list: MethodInfo[]) => {
          const current = modeRef.current;
          if (current.kind !== 'palette') return;
          const offer = completions(current.editor.text, list);
          setMode({ ...current, editor: { ...current.editor, text: offer.replace, cursor: offer.replace.length }, options: offer.options.slice(0, 8) });
        };
        if (methods.current) return complete(methods.current);
        void loadMethods().then(complete);
        return;
      }
      const outcome = editKey(mode.editor, name, input, { multiline: mode.kind === 'compose' || mode.kind === 'reply' });
      if (outcome.kind === 'cancel') return setMode({ kind: 'normal' });
      if (outcome.kind === 'submit') {
        if (mode.kind === 'compose') {
          setComposeHistory(outcome.state.history);
          setMode({ ...mode, editor: outcome.state });
        } else if (mode.kind === 'palette') setMode({ ...mode, editor: outcome.state });
        return submitEditor(outcome.text);
      }
      if (mode.kind === 'filter') setFilters((f) => ({ ...f, [focus]: outcome.state.text }));
      return setMode({ ...mode, editor: outcome.state } as Mode);
    }
    const commented = pendingCommentRef.current;
    const decision = DECISIONS[commandFor(name, 'approvals') ?? 'help'];
    if (commented && focus === 'approvals' && decision) {
      setPendingComment(null);
      return void decide(begin(), decision, commented.text, commented.approval);
    }
    if (name === 'escape' && commented) return setPendingComment(null);
    const commandName = commandFor(name, focus);
    if (commandName) command(commandName);
  };

  useInput((input, key) => {
    // One at a time, so a key that opens the input line sends the rest into it, and Esc typed with a key leaves it first.
    for (const press of keyPresses(input, key, EDITING.has(modeRef.current.kind))) handleKey(press.name, press.input);
  });

  // The conversation's rows are rebuilt only when it changed or the pane's width did.
  const shownConversation = conversation && target && sameTarget(conversation.target, target) ? conversation : null;
  const waiting = managedTarget && waitsForYou(managedTarget.state) ? { state: managedTarget.state as Waiting['state'], detail: managedTarget.state_detail } : null;
  const conversationRowsMemo = useMemo(() => new Map<number, ReturnType<typeof conversationRows>>(), [shownConversation, shownConversation?.version, waiting?.state, waiting?.detail]);
  const conversationRowsOf = (width: number) => {
    let rows = conversationRowsMemo.get(width);
    if (!rows) {
      rows = !shownConversation ? [] : shownConversation instanceof AgentConversation ? agentTurnRows(shownConversation.entries, shownConversation.target.agent, width, waiting) : conversationRows(shownConversation.lines, width);
      conversationRowsMemo.set(width, rows);
    }
    return rows;
  };

  const paneView = (pane: PaneName, width: number, height: number) => {
    const number = PANES.indexOf(pane) + 1;
    const focused = pane === focus;
    if (pane === 'conversation') {
      const about = managedTarget ? ` · ${managedTarget.backend} · ${managedTarget.state}` : '';
      return (
        <PaneFrame key={pane} number={number} title={PANE_TITLES[pane]} focused={focused} width={width} height={height} note={target ? `${target.agent} in ${target.project_id}${about}` : 'pick an agent in Sessions'}>
          <ConversationView
            rows={conversationRowsOf(width - 2)}
            height={height - 3 - (mode.kind === 'compose' && focused ? mode.editor.text.split('\n').length : 0)}
            scroll={scroll}
            loaded={conversation?.loaded ?? false}
            hasTarget={target !== null}
            empty={managedTarget ? 'no turns yet: press i and type to this agent (#help lists its commands)' : 'no messages yet: press i and type to this agent'}
          />
          {mode.kind === 'compose' && focused ? <EditorLine prompt={`to ${mode.target.agent}› `} editor={mode.editor} width={width - 2} /> : null}
        </PaneFrame>
      );
    }
    const lines = panes[pane];
    const filter = filters[pane];
    const editingFilter = mode.kind === 'filter' && focused;
    const note = [`${lines.items.length}`, filter || editingFilter ? `filter: ${editingFilter ? mode.editor.text + '▏' : filter}` : ''].filter(Boolean).join('  ');
    return (
      <ListPaneView
        key={pane}
        number={number}
        title={PANE_TITLES[pane]}
        focused={focused}
        width={width}
        height={height}
        note={note}
        header={lines.header}
        lines={lines.lines}
        selected={selectionRef.current[pane].index}
        empty={emptyText(pane, filter)}
      />
    );
  };

  const connection =
    state.connection === 'live' ? <Text color={tint('green')}>● live</Text> : <Text color={tint('yellow')}>{state.connection === 'reconnecting' ? '◌ reconnecting' : '◌ connecting'}</Text>;

  return (
    <Box flexDirection="column" width={size.columns} height={size.rows}>
      <Box width={size.columns}>
        <Text wrap="truncate-end">
          <Text bold>brains</Text>
          {'  '}
          <Text color={counts.approvals > 0 ? tint('yellow') : undefined} bold={counts.approvals > 0}>{`⚑ ${counts.approvals} pending`}</Text>
          {'  '}
          <Text color={counts.unread > 0 ? tint('yellow') : undefined} bold={counts.unread > 0}>{`✉ ${counts.unread} unread`}</Text>
          {'  '}
          {connection}
          {'  '}
          <Text color={tint('gray')}>{only ? PANE_TITLES[only] : PANES.map((p, i) => (p === focus ? `[${i + 1} ${PANE_TITLES[p]}]` : `${i + 1}`)).join(' ')}</Text>
          {banner ? <Text color={tint('magenta')}>{`  ${banner}`}</Text> : null}
        </Text>
      </Box>
      {mode.kind === 'help' ? (
        <HelpOverlay width={size.columns} height={size.rows - 2} />
      ) : mode.kind === 'detail' ? (
        <DetailOverlay title={mode.title} lines={mode.lines} scroll={mode.scroll} width={size.columns} height={size.rows - 2} />
      ) : (
        <Box flexDirection="row" height={size.rows - 2}>
          {layout.map((column, i) => (
            <Box key={i} flexDirection="column" width={column.width}>
              {column.panes.map((p) => paneView(p.pane, column.width, p.height))}
            </Box>
          ))}
        </Box>
      )}
      <StatusLine mode={mode} focus={focus} status={status} notice={state.notice ?? state.connectionNote} pendingComment={pendingComment?.text ?? null} width={size.columns} />
    </Box>
  );
}

/** A list pane, redrawn only when what it shows changed. */
const ListPaneView = memo(function ListPaneView(props: { number: number; title: string; focused: boolean; width: number; height: number; note: string; header: string; lines: string[]; selected: number; empty: string }) {
  const { number, title, focused, width, height, note, header, lines, selected, empty } = props;
  return (
    <PaneFrame number={number} title={title} focused={focused} width={width} height={height} note={note}>
      <Text wrap="truncate-end" color={tint('gray')}>{` ${header}`}</Text>
      <ListRows lines={lines} selected={selected} height={height - 4} focused={focused} empty={empty} />
    </PaneFrame>
  );
});

/** Keys that only move about: they leave the footer's account of the last action as it is. */
function isNavigation(name: CommandName): boolean {
  return name.startsWith('focus.') || name.startsWith('move.') || name.startsWith('page.') || name === 'help';
}

function sameTarget(a: Target, b: Target): boolean {
  return a.project_id === b.project_id && a.agent === b.agent;
}

function emptyText(pane: PaneName, filter: string): string {
  if (filter) return ` nothing matches "${filter}" (Esc clears)`;
  const empty: Record<PaneName, string> = {
    sessions: ' no agents yet: run `brains demo`, or wire your agent tools with `brains wire`',
    conversation: '',
    inbox: ` nothing addressed to the ${OPERATOR}`,
    locks: ' no locks held',
    approvals: ' nothing waits for your decision',
    tasks: ' no tasks',
    schedules: ' no schedules: brains rpc schedule.create (see the README, Schedules)',
    usage: ' no model requests through the gateway this week (see the README, The model gateway)',
  };
  return empty[pane];
}
