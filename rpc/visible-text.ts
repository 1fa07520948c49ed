// Characters that hide, reorder or break text on a screen: refused in one-line fields, shown escaped wherever text is shown.

/**
 * C0 and C1 controls and DEL, the Arabic letter mark, zero-width space/joiners and the LRM/RLM marks, line and paragraph
 * separators, bidi embeddings and overrides, word joiner and invisible operators, bidi isolates, and the BOM.
 */
const INVISIBLE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
const INVISIBLE_ONE = new RegExp(`[${INVISIBLE_CLASS}]`);
const INVISIBLE_EVERY = new RegExp(`[${INVISIBLE_CLASS}]`, 'g');
const LINE_BREAKS = new Set(['\n', '\r', '\u2028', '\u2029']);

/** The first invisible character in the text and where it is, or null when every character is visible. */
export function firstInvisible(text: string): { char: string; index: number } | null {
  const found = INVISIBLE_ONE.exec(text);
  return found ? { char: found[0], index: found.index } : null;
}

/** U+202E: how a person names a character. */
export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The text with every invisible character written out as an escape (`\u202E`), so what is shown is what is stored.
 * Tabs and line breaks become: with `'breaks'`, a space and a plain newline (a body shown over several lines); with
 * `'spaces'`, a space (one line of a list); with `'nothing'`, escapes like the rest.
 */
export function escapeInvisible(text: string, keep: 'breaks' | 'spaces' | 'nothing' = 'nothing'): string {
  const source = keep === 'breaks' ? text.replace(/\r\n/g, '\n') : text;
  return source.replace(INVISIBLE_EVERY, (char) => {
    if (keep !== 'nothing' && char === '\t') return ' ';
    if (keep !== 'nothing' && LINE_BREAKS.has(char)) return keep === 'breaks' ? '\n' : ' ';
    return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
