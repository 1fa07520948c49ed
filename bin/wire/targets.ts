// The kinds of edit wire makes (an MCP entry in JSON or TOML, a rules block, Claude-style hooks), each as pure text transforms.
import { appendAtPath, deepEqual, deleteAtPath, MalformedError, memberOf, parseJsonc, pruneEmpty, removeItemsAtPath, setAtPath, valueOf, type JsonNode } from './jsonc.js';
import { findSection, meaningOf, putSection, removeSection, scanToml } from './toml.js';
import { RULES_END, RULES_START, rulesBlockLines } from './rules.js';
import { sentinelBlock } from './sentinel-block.js';
import type { FileRecord } from './files.js';

export type ToolName = 'claude-code' | 'codex' | 'copilot' | 'gemini' | 'cursor' | 'vscode' | 'claude-desktop';
export type Transport = 'stdio' | 'http';
export type Role = 'mcp' | 'rules' | 'hooks' | 'env';

/** absent: nothing of ours; ours: exactly what we would write; stale: what an earlier wire wrote; foreign: someone else's. */
export type EntryState = 'absent' | 'ours' | 'stale' | 'foreign';

/** What an MCP entry found in a file launches or points at, for --status to check. */
export interface EntryFacts {
  command?: string;
  args?: string[];
  url?: string;
  /** The key in its Authorization header (JSON configs carry it inline). */
  bearer?: string;
}

export interface Inspection {
  state: EntryState;
  transport?: Transport | null;
  facts?: EntryFacts;
}

export interface Target {
  tool: ToolName;
  role: Role;
  file: string;
  /** Mode for a file wire creates. */
  newFileMode: number;
  transport?: Transport;
  note?: string;
  /** What to say when the file already has something of ours that wire did not write. */
  conflict?: string;
  /** What we write carries a key: the file is kept private (0600) while it does. */
  secret?: boolean;
  /** What we write, kept in the record. */
  entry: unknown;
  inspect(text: string | null, recorded: FileRecord | undefined): Inspection;
  add(text: string | null, recorded: FileRecord | undefined): { text: string; created: string[][] };
  /** Takes out what we wrote (as recorded), leaving everything else. */
  remove(text: string, recorded: FileRecord): string;
  /** True when nothing but an empty shell is left (so a file wire created can go). */
  isEmpty(text: string): boolean;
}

const blank = (text: string | null): boolean => text === null || text.trim() === '';

function transportOfValue(value: unknown): Transport | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.url === 'string' || typeof v.httpUrl === 'string') return 'http';
  if (typeof v.command === 'string') return 'stdio';
  return null;
}

function factsOfValue(value: unknown): EntryFacts {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const facts: EntryFacts = {};
  if (typeof v.command === 'string') facts.command = v.command;
  if (Array.isArray(v.args) && v.args.every((a) => typeof a === 'string')) facts.args = v.args as string[];
  const url = typeof v.url === 'string' ? v.url : v.httpUrl;
  if (typeof url === 'string') facts.url = url;
  const authorization = (v.headers as Record<string, unknown> | undefined)?.Authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) facts.bearer = authorization.slice('Bearer '.length);
  return facts;
}

/** The same facts from a TOML table's meaningful lines (`key = value`, values as wire writes them). */
function factsOfToml(meaning: string[]): EntryFacts {
  const value: Record<string, unknown> = {};
  for (const line of meaning) {
    const match = /^(command|args|url) = (.*)$/.exec(line);
    if (!match) continue;
    try {
      value[match[1] as string] = JSON.parse(match[2] as string);
    } catch {
      // Not in the shape wire writes: nothing to check.
    }
  }
  return factsOfValue(value);
}

function objectAt(root: JsonNode, key: string): JsonNode | undefined {
  const node = memberOf(root, key);
  if (node !== undefined && node.kind !== 'object') throw new MalformedError(`"${key}" is not an object`);
  return node;
}

function jsonRootOf(text: string): JsonNode {
  const root = parseJsonc(text);
  if (root.kind !== 'object') throw new MalformedError('the top level is not an object');
  return root;
}

function jsonIsEmpty(text: string): boolean {
  if (blank(text)) return true;
  const root = parseJsonc(text);
  return root.kind === 'object' && root.members.length === 0;
}

/** An MCP server entry named `brains` inside a JSON object of servers (`mcpServers` or VS Code's `servers`). */
export function jsonMcpTarget(opts: {
  tool: ToolName;
  file: string;
  container: string;
  entry: unknown;
  /** Entries an earlier brains wrote for these settings: ours to upgrade, even when the record is gone. */
  earlier?: unknown[];
  transport: Transport;
  newFileMode: number;
  note?: string;
  secret?: boolean;
}): Target {
  const path = [opts.container, 'brains'];
  const current = (text: string): unknown => {
    const servers = objectAt(jsonRootOf(text), opts.container);
    const node = memberOf(servers, 'brains');
    return node === undefined ? undefined : valueOf(text, node);
  };
  const earlier = (value: unknown): boolean => (opts.earlier ?? []).some((entry) => deepEqual(value, entry));
  const target: Target = {
    tool: opts.tool,
    role: 'mcp',
    file: opts.file,
    newFileMode: opts.newFileMode,
    transport: opts.transport,
    entry: opts.entry,
    inspect(text, recorded) {
      if (text === null || blank(text)) return { state: 'absent' };
      const value = current(text);
      if (value === undefined) return { state: 'absent' };
      const transport = transportOfValue(value);
      const facts = factsOfValue(value);
      if (deepEqual(value, opts.entry)) return { state: 'ours', transport, facts };
      if ((recorded && deepEqual(value, recorded.entry)) || earlier(value)) return { state: 'stale', transport, facts };
      return { state: 'foreign', transport, facts };
    },
    add(text) {
      return setAtPath(blank(text) ? '{}\n' : (text as string), path, opts.entry);
    },
    remove(text, recorded) {
      if (blank(text)) return text;
      const value = current(text);
      if (value === undefined || !(deepEqual(value, recorded.entry) || deepEqual(value, opts.entry) || earlier(value))) return text;
      return pruneEmpty(deleteAtPath(text, path), recorded.created);
    },
    isEmpty: jsonIsEmpty,
  };
  if (opts.note !== undefined) target.note = opts.note;
  if (opts.secret) target.secret = true;
  return target;
}

/** Codex's `[mcp_servers.brains]` table (and its `.env` subtable) in config.toml. */
export function tomlMcpTarget(opts: { tool: ToolName; file: string; lines: string[]; earlier?: string[][]; transport: Transport }): Target {
  const prefix = ['mcp_servers', 'brains'];
  const meaningOfLines = (lines: unknown): string[] | null => (Array.isArray(lines) ? meaningOf(lines.join('\n')) : null);
  const ownedBy = (section: string[], entry: unknown): boolean => {
    const lines = (entry as { lines?: unknown } | null)?.lines;
    const meaning = meaningOfLines(lines);
    return meaning !== null && deepEqual(section, meaning);
  };
  const entry = { lines: opts.lines };
  // Tables an earlier brains wrote for these settings: ours to upgrade, even when the record is gone.
  const earlier = (section: string[]): boolean => (opts.earlier ?? []).some((lines) => ownedBy(section, { lines }));
  return {
    tool: opts.tool,
    role: 'mcp',
    file: opts.file,
    newFileMode: 0o600,
    transport: opts.transport,
    entry,
    inspect(text, recorded) {
      if (text === null) return { state: 'absent' };
      const section = findSection(scanToml(text), prefix);
      if (section.tables.length === 0 && !section.elsewhere) return { state: 'absent' };
      const transport = section.meaning.some((l) => l.startsWith('url =')) ? 'http' : section.meaning.some((l) => l.startsWith('command =')) ? 'stdio' : null;
      const facts = factsOfToml(section.meaning);
      if (section.elsewhere) return { state: 'foreign', transport, facts };
      if (ownedBy(section.meaning, entry)) return { state: 'ours', transport, facts };
      if ((recorded && ownedBy(section.meaning, recorded.entry)) || earlier(section.meaning)) return { state: 'stale', transport, facts };
      return { state: 'foreign', transport, facts };
    },
    add(text) {
      return { text: putSection(text ?? '', prefix, opts.lines), created: [] };
    },
    remove(text, recorded) {
      const section = findSection(scanToml(text), prefix);
      if (section.elsewhere || !(ownedBy(section.meaning, recorded.entry) || ownedBy(section.meaning, entry) || earlier(section.meaning))) return text;
      return removeSection(text, prefix);
    },
    isEmpty: (text) => text.trim() === '',
  };
}

/** A sentinel-delimited block of lines wire owns in a text file. */
function blockTarget(opts: { tool: ToolName; role: Role; file: string; startLine: string; endLine: string; lines: string[]; newFileMode: number; secret?: boolean; note?: string }): Target {
  const block = sentinelBlock(opts.startLine, opts.endLine);
  const lines = [opts.startLine, ...opts.lines, opts.endLine];
  const entry = { lines };
  const owned = (found: string[], recordedEntry: unknown): boolean => deepEqual(found, (recordedEntry as { lines?: unknown } | null)?.lines);
  const target: Target = {
    tool: opts.tool,
    role: opts.role,
    file: opts.file,
    newFileMode: opts.newFileMode,
    entry,
    inspect(text, recorded) {
      const found = text === null ? null : block.find(text);
      if (!found) return { state: 'absent' };
      if (deepEqual(found.lines, lines)) return { state: 'ours' };
      if (recorded && owned(found.lines, recorded.entry)) return { state: 'stale' };
      return { state: 'foreign' };
    },
    add(text) {
      return { text: block.put(text ?? '', lines), created: [] };
    },
    remove(text, recorded) {
      const found = block.find(text);
      if (!found || !(owned(found.lines, recorded.entry) || deepEqual(found.lines, lines))) return text;
      return block.remove(text);
    },
    isEmpty: (text) => text.trim() === '',
  };
  if (opts.secret) target.secret = true;
  if (opts.note !== undefined) target.note = opts.note;
  return target;
}

/** The sentinel-delimited "use brains" block in an instruction file. */
export function rulesTarget(opts: { tool: ToolName; file: string }): Target {
  const [, ...body] = rulesBlockLines();
  return blockTarget({ ...opts, role: 'rules', startLine: RULES_START, endLine: RULES_END, lines: body.slice(0, -1), newFileMode: 0o644 });
}

export const ENV_START = '# brains:wire start';
export const ENV_END = '# brains:wire end';

/**
 * A variable in a dotenv file the tool loads at start (Codex reads ~/.codex/.env), between sentinel comments. The same
 * variable set elsewhere in the file is someone else's: left alone and reported.
 */
export function envTarget(opts: { tool: ToolName; file: string; name: string; value: string; comment: string; note?: string }): Target {
  const lines = [`# ${opts.comment}`, `${opts.name}=${opts.value}`];
  const target = blockTarget({ tool: opts.tool, role: 'env', file: opts.file, startLine: ENV_START, endLine: ENV_END, lines, newFileMode: 0o600, secret: true, ...(opts.note ? { note: opts.note } : {}) });
  const block = sentinelBlock(ENV_START, ENV_END);
  const assignment = new RegExp(`^[ \\t]*(export[ \\t]+)?${opts.name}[ \\t]*=`, 'm');
  const setElsewhere = (text: string): boolean => {
    const found = block.find(text);
    const outside = found ? text.slice(0, found.start) + text.slice(found.end) : text;
    return assignment.test(outside);
  };
  const inspect = target.inspect.bind(target);
  target.inspect = (text, recorded) => (text !== null && setElsewhere(text) ? { state: 'foreign' } : inspect(text, recorded));
  target.conflict = `${opts.name} is already set in this file outside wire's block; left as is (remove that line, or use --transport stdio)`;
  return target;
}

interface HookGroup {
  hooks: Array<{ type: 'command'; command: string }>;
}

/** Claude-style command hooks (`{"hooks": {"Event": [{"hooks": [{"type": "command", "command": …}]}]}}`), used by Claude Code and Codex. */
export function hooksTarget(opts: { tool: ToolName; file: string; commands: Record<string, string>; note?: string }): Target {
  const groups: Record<string, HookGroup> = {};
  for (const [event, command] of Object.entries(opts.commands)) groups[event] = { hooks: [{ type: 'command', command }] };
  const entry = { groups };
  const recordedGroups = (recorded: FileRecord | undefined): Record<string, unknown> =>
    ((recorded?.entry as { groups?: Record<string, unknown> } | undefined)?.groups ?? {});

  const eventsOf = (text: string): Map<string, unknown[]> => {
    const out = new Map<string, unknown[]>();
    const hooks = objectAt(jsonRootOf(text), 'hooks');
    if (!hooks || hooks.kind !== 'object') return out;
    for (const member of hooks.members) {
      if (member.value.kind === 'array') out.set(member.key, valueOf(text, member.value) as unknown[]);
      else if (member.key in groups) throw new MalformedError(`"hooks.${member.key}" is not a list`);
    }
    return out;
  };
  const hasCommand = (list: unknown[] | undefined, command: string): boolean =>
    (list ?? []).some((group) => {
      const hooks = (group as { hooks?: unknown } | null)?.hooks;
      return Array.isArray(hooks) && hooks.some((h) => (h as { command?: unknown } | null)?.command === command);
    });

  const target: Target = {
    tool: opts.tool,
    role: 'hooks',
    file: opts.file,
    newFileMode: 0o644,
    entry,
    inspect(text, recorded) {
      if (text === null || blank(text)) return { state: 'absent' };
      const events = eventsOf(text);
      const present = Object.entries(opts.commands).filter(([event, command]) => hasCommand(events.get(event), command)).length;
      const stale = Object.entries(recordedGroups(recorded)).some(([event, group]) => {
        const wanted = groups[event];
        return !deepEqual(group, wanted) && (events.get(event) ?? []).some((g) => deepEqual(g, group));
      });
      if (present === Object.keys(groups).length && !stale) return { state: 'ours' };
      if (present === 0 && !stale) return { state: 'absent' };
      return { state: 'stale' };
    },
    add(text, recorded) {
      let out = blank(text) ? '{}\n' : (text as string);
      for (const [event, old] of Object.entries(recordedGroups(recorded))) {
        if (!deepEqual(old, groups[event])) out = removeItemsAtPath(out, ['hooks', event], (g) => deepEqual(g, old));
      }
      const created: string[][] = [];
      const events = eventsOf(out);
      for (const [event, command] of Object.entries(opts.commands)) {
        if (hasCommand(events.get(event), command)) continue;
        const result = appendAtPath(out, ['hooks', event], groups[event]);
        out = result.text;
        created.push(...result.created);
      }
      return { text: out, created };
    },
    remove(text, recorded) {
      if (blank(text)) return text;
      let out = text;
      const ours = { ...recordedGroups(recorded), ...groups };
      for (const [event, group] of Object.entries(ours)) {
        out = removeItemsAtPath(out, ['hooks', event], (g) => deepEqual(g, group) || deepEqual(g, recordedGroups(recorded)[event]));
      }
      return pruneEmpty(out, recorded.created);
    },
    isEmpty: jsonIsEmpty,
  };
  if (opts.note !== undefined) target.note = opts.note;
  return target;
}
