// Edits one named table (and its subtables) of a TOML file as lines of text, never reserializing the rest: comments and layout survive.
import { MalformedError } from './jsonc.js';

interface Line {
  start: number;
  /** Offset just past the line's end-of-line characters. */
  next: number;
  text: string;
}

interface Table {
  path: string[];
  array: boolean;
  headerLine: number;
  /** Exclusive: the next header's line, or the line count. */
  endLine: number;
}

interface KeyLine {
  line: number;
  /** The full dotted path: the table's path plus the key's. */
  path: string[];
  inArrayTable: boolean;
}

export interface TomlScan {
  lines: Line[];
  tables: Table[];
  keys: KeyLine[];
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    const body = text.slice(start, nl < 0 ? text.length : nl);
    lines.push({ start, next, text: body.endsWith('\r') ? body.slice(0, -1) : body });
    start = next;
  }
  return lines;
}

const BARE = /^[A-Za-z0-9_-]+$/;

/** Splits a dotted key (`a."b.c".d`) into its parts; null when it is not a valid key. */
export function parseDottedKey(raw: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  const s = raw.trim();
  while (i <= s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i] as string;
      let j = i + 1;
      while (j < s.length && s[j] !== quote) j += quote === '"' && s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return null;
      const body = s.slice(i, j + 1);
      try {
        parts.push(quote === '"' ? (JSON.parse(body) as string) : body.slice(1, -1));
      } catch {
        return null;
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== ' ' && s[j] !== '\t') j++;
      const bare = s.slice(i, j);
      if (!BARE.test(bare)) return null;
      parts.push(bare);
      i = j;
    }
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) return parts;
    if (s[i] !== '.') return null;
    i++;
  }
  return null;
}

/** Where a key ends on a `key = value` line (the `=` outside quotes), or -1. */
function equalsIndex(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '=') return i;
  }
  return -1;
}

interface ValueState {
  depth: number;
  multi: '"""' | "'''" | null;
}

/** Scans value characters, tracking brackets and multi-line strings across lines. Returns false on a broken line. */
function scanValue(text: string, state: ValueState): boolean {
  let i = 0;
  while (i < text.length) {
    if (state.multi) {
      const close = text.indexOf(state.multi, i);
      if (close < 0) return true;
      let end = close + 3;
      while (text[end] === state.multi[0]) end++;
      state.multi = null;
      i = end;
      continue;
    }
    const ch = text[i];
    if (ch === '#') return true;
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      state.multi = text.startsWith('"""', i) ? '"""' : "'''";
      i += 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += ch === '"' && text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return false;
      i = j + 1;
      continue;
    }
    if (ch === '[' || ch === '{') state.depth++;
    else if (ch === ']' || ch === '}') {
      state.depth--;
      if (state.depth < 0) return false;
    }
    i++;
  }
  return true;
}

const HEADER = /^\[(\[)?\s*(.+?)\s*\](\])?\s*(#.*)?$/;

/** Reads the table structure of a TOML file. Throws MalformedError when the structure cannot be followed. */
export function scanToml(text: string): TomlScan {
  const lines = splitLines(text);
  const tables: Table[] = [];
  const keys: KeyLine[] = [];
  const state: ValueState = { depth: 0, multi: null };
  let current: Table | null = null;
  const seen = new Set<string>();
  const fail = (n: number, what: string): never => {
    throw new MalformedError(`${what} at line ${n + 1}`);
  };

  lines.forEach((line, n) => {
    if (state.depth > 0 || state.multi) {
      if (!scanValue(line.text, state)) fail(n, 'unterminated string');
      return;
    }
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (trimmed.startsWith('[')) {
      const match = HEADER.exec(trimmed);
      if (!match || Boolean(match[1]) !== Boolean(match[3])) return fail(n, 'bad table header');
      const path = parseDottedKey(match[2] as string);
      if (!path) return fail(n, 'bad table name');
      const array = Boolean(match[1]);
      const id = JSON.stringify(path);
      if (!array && seen.has(id)) fail(n, `table [${path.join('.')}] defined twice`);
      if (!array) seen.add(id);
      if (current) current.endLine = n;
      current = { path, array, headerLine: n, endLine: lines.length };
      tables.push(current);
      return;
    }
    const eq = equalsIndex(line.text);
    const key = eq < 0 ? null : parseDottedKey(line.text.slice(0, eq));
    if (!key) return fail(n, 'expected key = value');
    const value = line.text.slice(eq + 1);
    if (value.trim() === '') fail(n, 'missing value');
    if (!scanValue(value, state)) fail(n, 'unterminated string');
    const table = current as Table | null;
    keys.push({ line: n, path: [...(table?.path ?? []), ...key], inArrayTable: table?.array ?? false });
  });
  if (state.depth !== 0 || state.multi) throw new MalformedError('unterminated value at the end of the file');
  return { lines, tables, keys };
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.every((part, k) => path[k] === part);
}

export interface TomlSection {
  /** The tables at `prefix` or under it, in file order. */
  tables: Table[];
  /** The section's lines without blanks and comments, trimmed: what it says, not how it is laid out. */
  meaning: string[];
  /** A definition of `prefix` that is not a table of its own (a dotted key or inline table elsewhere). */
  elsewhere: boolean;
}

export function findSection(scan: TomlScan, prefix: string[]): TomlSection {
  const tables = scan.tables.filter((t) => !t.array && startsWith(t.path, prefix));
  const inside = (line: number): boolean => tables.some((t) => line >= t.headerLine && line < t.endLine);
  const elsewhere = scan.keys.some((k) => !k.inArrayTable && startsWith(k.path, prefix) && !inside(k.line));
  const meaning: string[] = [];
  for (const table of tables) {
    for (let n = table.headerLine; n < table.endLine; n++) {
      const text = scan.lines[n]?.text.trim() ?? '';
      if (text !== '' && !text.startsWith('#')) meaning.push(normalizeLine(text));
    }
  }
  return { tables, meaning, elsewhere };
}

/** One line's meaning: spacing around `=` and after commas in simple arrays does not matter. */
export function normalizeLine(text: string): string {
  const eq = equalsIndex(text);
  if (eq < 0 || text.startsWith('[')) return text.replace(/\s+/g, '');
  return `${text.slice(0, eq).trim()} = ${text.slice(eq + 1).trim()}`;
}

export function meaningOf(block: string): string[] {
  return block
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(normalizeLine);
}

/** The byte range a section occupies: header to its last meaningful line, plus one blank line before it. */
function sectionRanges(scan: TomlScan, section: TomlSection): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const table of section.tables) {
    let last = table.headerLine;
    for (let n = table.headerLine; n < table.endLine; n++) {
      const text = scan.lines[n]?.text.trim() ?? '';
      if (text !== '' && !text.startsWith('#')) last = n;
    }
    let first = table.headerLine;
    if (first > 0 && scan.lines[first - 1]?.text.trim() === '') first--;
    ranges.push([(scan.lines[first] as Line).start, (scan.lines[last] as Line).next]);
  }
  return ranges;
}

/** Removes the section's tables. */
export function removeSection(text: string, prefix: string[]): string {
  const scan = scanToml(text);
  const ranges = sectionRanges(scan, findSection(scan, prefix)).sort((a, b) => b[0] - a[0]);
  for (const [start, end] of ranges) text = text.slice(0, start) + text.slice(end);
  return text;
}

/** Writes `block` (lines joined with the file's line ending) as the section: replacing it where it is, or appended after a blank line. */
export function putSection(text: string, prefix: string[], blockLines: string[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = blockLines.join(eol) + eol;
  const scan = scanToml(text);
  const section = findSection(scan, prefix);
  if (section.tables.length > 0) {
    const ranges = sectionRanges(scan, section).sort((a, b) => b[0] - a[0]);
    const firstStart = Math.min(...ranges.map((r) => r[0]));
    for (const [start, end] of ranges) text = text.slice(0, start) + text.slice(end);
    const before = text.slice(0, firstStart);
    const lead = before === '' || before.endsWith(eol + eol) ? '' : eol;
    return before + lead + block + text.slice(firstStart);
  }
  let out = text;
  if (out !== '' && !out.endsWith('\n')) out += eol;
  if (out !== '' && !out.endsWith(eol + eol)) out += eol;
  return out + block;
}

/** A TOML basic string: JSON's escapes are all valid TOML escapes. */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}
