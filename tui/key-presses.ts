// The key presses one input event from Ink stands for: keys typed faster than a frame arrive as one chunk, and an Esc
// typed just before a key arrives glued to it as that key with meta (`tmux send-keys Escape q` sends "\x1bq").
import { keyName, type InkKey } from './keys.js';

export interface KeyPress {
  /** As keys.ts names it: `q`, `enter`, `escape`, `ctrl+c`. */
  name: string;
  /** The text a printable key types ('' for the others). */
  input: string;
}

/** In an input line, meta+<printable> is Esc (leave typing) followed by that key, never the key typed into the text. */
export function keyPresses(input: string, key: InkKey, inInputLine: boolean): KeyPress[] {
  const name = keyName(input, key);
  // Pastes never come here (the stdin filter takes them out), so several characters at once are several keys.
  if (name === input && [...input].length > 1) return [...input].map((ch) => (ch === '\r' ? { name: 'enter', input: '' } : { name: ch, input: ch }));
  if (inInputLine && key.meta && !key.ctrl && name === input && isPrintable(input)) return [{ name: 'escape', input: '' }, { name: input, input }];
  return [{ name, input }];
}

function isPrintable(text: string): boolean {
  return [...text].length === 1 && !/[\u0000-\u001f\u007f]/.test(text);
}
