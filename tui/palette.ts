// The command palette's language: `method key=value …` or `method {json}`, completion of method and param names from
// the contract's own description (system.methods), so the cockpit can call anything `brains rpc` can.
import { UsageError, parsePairs } from '../rpc/params.js';
import { nearestName } from '../rpc/nearest-name.js';

export interface MethodInfo {
  name: string;
  summary: string;
  params: string[];
}

export function methodInfos(described: { methods: Array<{ name: string; summary: string; params_schema: Record<string, unknown> }> }): MethodInfo[] {
  return described.methods.map((m) => ({
    name: m.name,
    summary: m.summary,
    params: Object.keys((m.params_schema.properties as Record<string, unknown> | undefined) ?? {}),
  }));
}

/** Words split on spaces, with "double" or 'single' quotes keeping spaces inside one word. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

export interface ParsedCall {
  method: string;
  params: unknown;
}

/** Parse a palette line; throws UsageError with what to type instead. */
export function parseCall(line: string, methods: readonly MethodInfo[]): ParsedCall {
  const trimmed = line.trim();
  if (!trimmed) throw new UsageError('type a method, e.g. lock.list, then key=value params; Tab completes');
  const space = trimmed.search(/\s/);
  const method = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
  if (methods.length > 0 && !methods.some((m) => m.name === method)) {
    const near = nearestName(method, methods.map((m) => m.name));
    throw new UsageError(`no method ${method}${near ? `; did you mean ${near}?` : '; Tab lists them'}`);
  }
  if (!rest) return { method, params: {} };
  if (rest.startsWith('{')) {
    try {
      return { method, params: JSON.parse(rest) as unknown };
    } catch (error) {
      throw new UsageError(`the params are not valid JSON (${(error as Error).message})`);
    }
  }
  return { method, params: parsePairs(splitWords(rest)) };
}

/** What Tab offers for the line as typed: method names, or the chosen method's param names. */
export function completions(line: string, methods: readonly MethodInfo[]): { replace: string; options: string[] } {
  const space = line.search(/\s/);
  if (space === -1) {
    const options = methods.map((m) => m.name).filter((name) => name.startsWith(line));
    return { replace: commonPrefix(options) || line, options };
  }
  const method = methods.find((m) => m.name === line.slice(0, space));
  if (!method) return { replace: line, options: [] };
  const lastSpace = line.lastIndexOf(' ');
  const partial = line.slice(lastSpace + 1);
  if (partial.includes('=')) return { replace: line, options: [] };
  const used = new Set(splitWords(line.slice(space)).map((w) => w.split('=')[0]));
  const options = method.params.filter((p) => p.startsWith(partial) && !used.has(p)).map((p) => `${p}=`);
  const prefix = commonPrefix(options);
  return { replace: prefix ? line.slice(0, lastSpace + 1) + prefix : line, options };
}

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
