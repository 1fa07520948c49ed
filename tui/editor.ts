// The cockpit's input line as plain state and one function per key, so typing, multi-line, paste and history are tested
// without a terminal, and one central key handler can route keys to it.

export interface EditorState {
  text: string;
  cursor: number;
  history: readonly string[];
  /** Which history entry is shown while browsing with up/down; null when editing fresh text. */
  browsing: number | null;
  /** The unsent text kept aside while browsing history. */
  draft: string;
}

export type EditOutcome = { kind: 'edit'; state: EditorState } | { kind: 'submit'; text: string; state: EditorState } | { kind: 'cancel'; state: EditorState };

const MAX_HISTORY = 100;

export function emptyEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history, browsing: null, draft: '' };
}

/** Insert text at the cursor (a typed character or a whole pasted block, newlines kept). */
export function insertText(state: EditorState, text: string): EditorState {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return { ...state, text: state.text.slice(0, state.cursor) + clean + state.text.slice(state.cursor), cursor: state.cursor + clean.length, browsing: null };
}

/** Apply one key (named as in keys.ts, with Ink's input for printable keys). */
export function editKey(state: EditorState, name: string, input: string, opts: { multiline: boolean }): EditOutcome {
  const edit = (next: EditorState): EditOutcome => ({ kind: 'edit', state: next });
  switch (name) {
    case 'enter': {
      const text = state.text;
      if (text.trim() === '') return edit(state);
      const history = [...state.history.filter((h) => h !== text), text].slice(-MAX_HISTORY);
      return { kind: 'submit', text, state: emptyEditor(history) };
    }
    case 'alt+enter':
    case 'ctrl+j':
      return edit(opts.multiline ? insertText(state, '\n') : state);
    case 'escape':
      return { kind: 'cancel', state };
    case 'backspace':
    case 'delete':
      if (state.cursor === 0) return edit(state);
      return edit({ ...state, text: state.text.slice(0, state.cursor - 1) + state.text.slice(state.cursor), cursor: state.cursor - 1 });
    case 'left':
      return edit({ ...state, cursor: Math.max(0, state.cursor - 1) });
    case 'right':
      return edit({ ...state, cursor: Math.min(state.text.length, state.cursor + 1) });
    case 'home':
    case 'ctrl+a':
      return edit({ ...state, cursor: 0 });
    case 'end':
    case 'ctrl+e':
      return edit({ ...state, cursor: state.text.length });
    case 'ctrl+u':
      return edit({ ...state, text: '', cursor: 0, browsing: null });
    case 'up':
      return edit(browse(state, -1));
    case 'down':
      return edit(browse(state, +1));
    default:
      if (input === '\n') return edit(opts.multiline ? insertText(state, '\n') : state);
      if (name.startsWith('ctrl+') || input === '' || name === 'tab' || name === 'shift+tab' || name.startsWith('page')) return edit(state);
      return edit(insertText(state, input));
  }
}

function browse(state: EditorState, step: number): EditorState {
  if (state.history.length === 0) return state;
  const at = state.browsing ?? state.history.length;
  const next = Math.min(state.history.length, Math.max(0, at + step));
  if (next === at) return state;
  const draft = state.browsing === null ? state.text : state.draft;
  const text = next === state.history.length ? draft : state.history[next]!;
  return { ...state, text, cursor: text.length, browsing: next === state.history.length ? null : next, draft };
}
