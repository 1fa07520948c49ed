// Edits JSON (and JSONC) config files as text, so every byte we did not mean to change stays as it was: key order, indentation, comments.

export class MalformedError extends Error {}

export type JsonNode = ObjectNode | ArrayNode | ScalarNode;
export interface ObjectNode {
  kind: 'object';
  start: number;
  end: number;
  members: JsonMember[];
}
export interface ArrayNode {
  kind: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}
export interface ScalarNode {
  kind: 'scalar';
  start: number;
  end: number;
}
export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/** Parses JSON with comments and trailing commas allowed, keeping the position of every node. Throws MalformedError. */
export function parseJsonc(text: string): JsonNode {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new MalformedError(`${what} at line ${line}`);
  };

  const skipTrivia = (): void => {
    for (;;) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
      else if (ch === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (ch === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) fail('unterminated comment');
        i = close + 2;
      } else return;
    }
  };

  const parseString = (): { start: number; end: number; value: string } => {
    const start = i;
    i++;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\\') i += 2;
      else if (ch === '"') break;
      else if (ch === '\n') fail('unterminated string');
      else i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return { start, end: i, value: JSON.parse(text.slice(start, i)) as string };
    } catch {
      return fail('bad string');
    }
  };

  const parseValue = (depth: number): JsonNode => {
    if (depth > 512) fail('nesting too deep');
    skipTrivia();
    const start = i;
    const ch = text[i];
    if (ch === '{') {
      i++;
      const members: JsonMember[] = [];
      skipTrivia();
      while (text[i] !== '}') {
        if (text[i] !== '"') fail('expected a key');
        const key = parseString();
        skipTrivia();
        if (text[i] !== ':') fail('expected :');
        i++;
        const value = parseValue(depth + 1);
        members.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value });
        skipTrivia();
        if (text[i] === ',') {
          i++;
          skipTrivia();
        } else if (text[i] !== '}') fail('expected , or }');
      }
      i++;
      return { kind: 'object', start, end: i, members };
    }
    if (ch === '[') {
      i++;
      const items: JsonNode[] = [];
      skipTrivia();
      while (text[i] !== ']') {
        items.push(parseValue(depth + 1));
        skipTrivia();
        if (text[i] === ',') {
          i++;
          skipTrivia();
        } else if (text[i] !== ']') fail('expected , or ]');
      }
      i++;
      return { kind: 'array', start, end: i, items };
    }
    if (ch === '"') {
      const s = parseString();
      return { kind: 'scalar', start: s.start, end: s.end };
    }
    for (const pattern of [NUMBER, LITERAL]) {
      pattern.lastIndex = i;
      const match = pattern.exec(text);
      if (match) {
        i += match[0].length;
        return { kind: 'scalar', start, end: i };
      }
    }
    return fail(i >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(ch)}`);
  };

  const root = parseValue(0);
  skipTrivia();
  if (i < text.length) fail('unexpected text after the end');
  return root;
}

/** The plain value of a node (comments dropped). */
export function valueOf(text: string, node: JsonNode): unknown {
  if (node.kind === 'scalar') return JSON.parse(text.slice(node.start, node.end));
  if (node.kind === 'array') return node.items.map((item) => valueOf(text, item));
  const out: Record<string, unknown> = {};
  for (const member of node.members) out[member.key] = valueOf(text, member.value);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => deepEqual(x, b[k]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** How the file lays itself out: line ending and one level of indentation. */
export interface Layout {
  eol: string;
  unit: string;
}

export function detectLayout(text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let unit: string | null = null;
  for (const match of text.matchAll(/\n([ \t]+)\S/g)) {
    const indent = match[1] ?? '';
    if (indent.startsWith('\t')) {
      unit = '\t';
      break;
    }
    if (unit === null || indent.length < unit.length) unit = indent;
  }
  return { eol, unit: unit ?? '  ' };
}

function lineIndent(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** The indentation of a child at `pos`, when it starts its own line. */
function ownLineIndent(text: string, pos: number): string | null {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const before = text.slice(lineStart, pos);
  return /^[ \t]*$/.test(before) ? before : null;
}

function render(value: unknown, indent: string, layout: Layout, multiline: boolean): string {
  if (!multiline) return JSON.stringify(value);
  return JSON.stringify(value, null, layout.unit).split('\n').join(layout.eol + indent);
}

function spliceText(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function isMultiline(text: string, node: ObjectNode | ArrayNode): boolean {
  const children = node.kind === 'object' ? node.members.length : node.items.length;
  if (children === 0) return text.includes('\n');
  return text.slice(node.start, node.end).includes('\n');
}

function childIndent(text: string, node: ObjectNode | ArrayNode, layout: Layout): string {
  const first = node.kind === 'object' ? node.members[0]?.keyStart : node.items[0]?.start;
  const own = first === undefined ? null : ownLineIndent(text, first);
  return own ?? lineIndent(text, node.start) + layout.unit;
}

/** Inserts a child (member text or item text, already rendered for `indent`) as the last child of a container. */
function insertChild(text: string, node: ObjectNode | ArrayNode, layout: Layout, renderChild: (indent: string, multiline: boolean) => string): string {
  const multiline = isMultiline(text, node);
  const indent = childIndent(text, node, layout);
  const last = node.kind === 'object' ? node.members.at(-1)?.value : node.items.at(-1);
  if (last) {
    const previous = node.kind === 'object' ? node.members.at(-2)?.value : node.items.at(-2);
    const oneLineGap = previous ? (/^,\s/.test(text.slice(previous.end).replace(/^[ \t]+/, '')) ? ' ' : '') : node.kind === 'object' && separatorOf(text, node, false) === ':' ? '' : ' ';
    const gap = multiline ? layout.eol + indent : oneLineGap;
    return spliceText(text, last.end, last.end, `,${gap}${renderChild(indent, multiline)}`);
  }
  const inner = text.slice(node.start + 1, node.end - 1);
  const closeIndent = lineIndent(text, node.start);
  if (!multiline) return spliceText(text, node.start + 1, node.end - 1, renderChild(indent, false));
  if (/^\s*$/.test(inner)) {
    return spliceText(text, node.start + 1, node.end - 1, `${layout.eol}${indent}${renderChild(indent, true)}${layout.eol}${closeIndent}`);
  }
  return spliceText(text, node.start + 1, node.start + 1, `${layout.eol}${indent}${renderChild(indent, true)}`);
}

function separatorOf(text: string, node: ObjectNode, multiline: boolean): string {
  const first = node.members[0];
  if (first) {
    const sep = text.slice(first.keyEnd, first.value.start);
    if (/^\s*:\s*$/.test(sep) && !sep.includes('\n')) return sep;
  }
  return multiline ? ': ' : ':';
}

export function insertMember(text: string, node: ObjectNode, key: string, value: unknown, layout: Layout): string {
  return insertChild(text, node, layout, (indent, multiline) => `${JSON.stringify(key)}${separatorOf(text, node, multiline)}${render(value, indent, layout, multiline)}`);
}

export function appendItem(text: string, node: ArrayNode, value: unknown, layout: Layout): string {
  return insertChild(text, node, layout, (indent, multiline) => render(value, indent, layout, multiline));
}

export function replaceValue(text: string, node: JsonNode, value: unknown, layout: Layout): string {
  const multiline = text.slice(node.start, node.end).includes('\n') || (node.kind !== 'scalar' && text.includes('\n'));
  const indent = lineIndent(text, node.start);
  return spliceText(text, node.start, node.end, render(value, indent, layout, multiline));
}

/** Removes the child at `index` with its separator: the exact inverse of insertChild for a last child. */
function removeChild(text: string, node: ObjectNode | ArrayNode, index: number): string {
  const starts = node.kind === 'object' ? node.members.map((m) => m.keyStart) : node.items.map((n) => n.start);
  const ends = node.kind === 'object' ? node.members.map((m) => m.value.end) : node.items.map((n) => n.end);
  if (starts.length === 1) return spliceText(text, node.start + 1, node.end - 1, '');
  if (index > 0) return spliceText(text, ends[index - 1] as number, ends[index] as number, '');
  return spliceText(text, starts[0] as number, starts[1] as number, '');
}

export function removeMember(text: string, node: ObjectNode, key: string): string {
  const index = node.members.findIndex((m) => m.key === key);
  return index < 0 ? text : removeChild(text, node, index);
}

export function removeItem(text: string, node: ArrayNode, index: number): string {
  return removeChild(text, node, index);
}

export function memberOf(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.kind !== 'object') return undefined;
  for (let k = node.members.length - 1; k >= 0; k--) if (node.members[k]?.key === key) return node.members[k]?.value;
  return undefined;
}

export function nodeAt(root: JsonNode, path: string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const key of path) node = memberOf(node, key);
  return node;
}

function nest(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/**
 * Sets the value at `path` (objects only), creating missing objects on the way.
 * Returns the new text and the paths of the containers it created (so a later removal can prune them).
 */
export function setAtPath(text: string, path: string[], value: unknown): { text: string; created: string[][] } {
  const layout = detectLayout(text);
  const root = parseJsonc(text);
  let node: JsonNode = root;
  for (let k = 0; k < path.length; k++) {
    if (node.kind !== 'object') throw new MalformedError(`${path.slice(0, k).join('.') || 'the top level'} is not an object`);
    const key = path[k] as string;
    const child = memberOf(node, key);
    if (child === undefined) {
      const created = path.slice(k + 1).map((_, n) => path.slice(0, k + 1 + n));
      return { text: insertMember(text, node, key, nest(path.slice(k + 1), value), layout), created };
    }
    if (k === path.length - 1) return { text: replaceValue(text, child, value, layout), created: [] };
    node = child;
  }
  return { text, created: [] };
}

/** Appends `item` to the array at `path`, creating missing objects and the array. */
export function appendAtPath(text: string, path: string[], item: unknown): { text: string; created: string[][] } {
  const layout = detectLayout(text);
  const root = parseJsonc(text);
  let node: JsonNode = root;
  for (let k = 0; k < path.length; k++) {
    if (node.kind !== 'object') throw new MalformedError(`${path.slice(0, k).join('.') || 'the top level'} is not an object`);
    const key = path[k] as string;
    const child = memberOf(node, key);
    if (child === undefined) {
      const created = path.slice(k).map((_, n) => path.slice(0, k + 1 + n));
      return { text: insertMember(text, node, key, nest(path.slice(k + 1), [item]), layout), created };
    }
    node = child;
  }
  if (node.kind !== 'array') throw new MalformedError(`${path.join('.')} is not an array`);
  return { text: appendItem(text, node, item, layout), created: [] };
}

/** Deletes the member at `path` when present. */
export function deleteAtPath(text: string, path: string[]): string {
  const root = parseJsonc(text);
  const parent = nodeAt(root, path.slice(0, -1));
  if (!parent || parent.kind !== 'object') return text;
  return removeMember(text, parent, path.at(-1) as string);
}

/** Removes every item of the array at `path` that `matches`. */
export function removeItemsAtPath(text: string, path: string[], matches: (value: unknown) => boolean): string {
  for (;;) {
    const node = nodeAt(parseJsonc(text), path);
    if (!node || node.kind !== 'array') return text;
    const index = node.items.findIndex((item) => matches(valueOf(text, item)));
    if (index < 0) return text;
    text = removeItem(text, node, index);
  }
}

/** Deletes the containers we created (deepest first) when nothing else lives in them now. */
export function pruneEmpty(text: string, created: string[][]): string {
  const deepestFirst = [...created].sort((a, b) => b.length - a.length);
  for (const path of deepestFirst) {
    const node = nodeAt(parseJsonc(text), path);
    if (!node || node.kind === 'scalar') continue;
    const empty = node.kind === 'object' ? node.members.length === 0 : node.items.length === 0;
    if (empty) text = deleteAtPath(text, path);
  }
  return text;
}
