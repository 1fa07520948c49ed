// Lock keys: folding paths to one spelling, and deciding whether two keys (paths or globs) can name a common path.
import { BrainsError } from '../../../rpc/errors.js';
import { MAX_LOCK_KEY_LENGTH } from '../../../rpc/contract/locks.js';

/** A key split for matching: `/` separates segments; `**` as a whole segment spans any number of them. */
export interface ParsedKey {
  text: string;
  absolute: boolean;
  segments: string[];
  glob: boolean;
}

const GLOBSTAR = '**';
const CONTROL = /[\x00-\x1f\x7f]/;
const META = /[*?]/;

/**
 * The one spelling of a key: `//` and `.` segments folded, a trailing `/` dropped, runs of `*` inside a
 * segment reduced to one, repeated `**` segments merged. `..` is refused (a lock must not depend on where
 * it is resolved from). A leading `/` is kept: absolute and relative keys are different names.
 */
export function normalizeKey(raw: string): string {
  if (raw.length === 0 || raw.length > MAX_LOCK_KEY_LENGTH) {
    throw new BrainsError('INVALID', `a lock key is 1 to ${MAX_LOCK_KEY_LENGTH} characters`);
  }
  if (CONTROL.test(raw)) throw new BrainsError('INVALID', 'a lock key may not contain NUL, newlines or other control characters');
  const absolute = raw.startsWith('/');
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new BrainsError('INVALID', `lock key ${JSON.stringify(raw)} has a .. segment; lock the resolved path instead (no .. segments)`);
    }
    const segment = part === GLOBSTAR ? GLOBSTAR : part.replace(/\*{2,}/g, '*');
    if (segment === GLOBSTAR && segments[segments.length - 1] === GLOBSTAR) continue;
    segments.push(segment);
  }
  if (segments.length === 0) {
    if (absolute) return '/';
    throw new BrainsError('INVALID', `lock key ${JSON.stringify(raw)} names nothing once . and / are folded away; give a path or a name`);
  }
  return `${absolute ? '/' : ''}${segments.join('/')}`;
}

/** Split a normalized key for matching. */
export function parseKey(key: string): ParsedKey {
  const absolute = key.startsWith('/');
  return { text: key, absolute, segments: key.split('/').filter((s) => s !== ''), glob: META.test(key) };
}

/** Parsed keys are reused across checks; bounded so hostile callers cannot grow it without end. */
const parsedCache = new Map<string, ParsedKey>();
const PARSED_CACHE_MAX = 10_000;

export function parsedKey(key: string): ParsedKey {
  let parsed = parsedCache.get(key);
  if (!parsed) {
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
    parsed = parseKey(key);
    parsedCache.set(key, parsed);
  }
  return parsed;
}

/** Beyond this many steps the overlap check gives up and answers "conflict" (only very star-heavy keys get here). */
export const OVERLAP_STEP_BUDGET = 20_000;

class BudgetSpent extends Error {}

/**
 * Whether some path matches both keys. Exact for paths, `*`, `?` and `**` (the product of the two patterns is
 * searched), conservative only when a pathological pair would cost more than OVERLAP_STEP_BUDGET steps.
 * Absolute and relative keys never overlap.
 */
export function keysOverlap(a: ParsedKey, b: ParsedKey): boolean {
  if (a.absolute !== b.absolute) return false;
  if (!a.glob && !b.glob) return a.text === b.text;
  const budget = { left: OVERLAP_STEP_BUDGET };
  try {
    return segmentListsOverlap(a.segments, b.segments, budget);
  } catch (error) {
    if (error instanceof BudgetSpent) return true;
    throw error;
  }
}

function spend(budget: { left: number }): void {
  budget.left -= 1;
  if (budget.left < 0) throw new BudgetSpent();
}

/** Segment level: `**` matches zero or more whole segments; any other segment matches exactly one. */
function segmentListsOverlap(a: string[], b: string[], budget: { left: number }): boolean {
  const width = b.length + 1;
  const seen = new Set<number>();
  const pairCache = new Map<string, boolean>();
  const segmentsMeet = (x: string, y: string): boolean => {
    if (x === GLOBSTAR || y === GLOBSTAR) return true;
    if (!META.test(x) && !META.test(y)) return x === y;
    const id = `${x}\u0000${y}`;
    let met = pairCache.get(id);
    if (met === undefined) {
      met = segmentGlobsOverlap(x, y, budget);
      pairCache.set(id, met);
    }
    return met;
  };
  const visit = (i: number, j: number): boolean => {
    const slot = i * width + j;
    if (seen.has(slot)) return false;
    seen.add(slot);
    spend(budget);
    if (i === a.length && j === b.length) return true;
    const ai = a[i];
    const bj = b[j];
    if (ai === GLOBSTAR && visit(i + 1, j)) return true;
    if (bj === GLOBSTAR && visit(i, j + 1)) return true;
    if (ai === undefined || bj === undefined) return false;
    if (ai === GLOBSTAR && bj === GLOBSTAR) return false; // consuming a segment together makes no progress
    if (!segmentsMeet(ai, bj)) return false;
    return visit(ai === GLOBSTAR ? i : i + 1, bj === GLOBSTAR ? j : j + 1);
  };
  return visit(0, 0);
}

/** Character level within one segment: `*` any run of characters, `?` exactly one, everything else itself. */
function segmentGlobsOverlap(x: string, y: string, budget: { left: number }): boolean {
  const width = y.length + 1;
  const seen = new Set<number>();
  const visit = (p: number, q: number): boolean => {
    const slot = p * width + q;
    if (seen.has(slot)) return false;
    seen.add(slot);
    spend(budget);
    if (p === x.length && q === y.length) return true;
    const xc = x[p];
    const yc = y[q];
    if (xc === '*' && visit(p + 1, q)) return true;
    if (yc === '*' && visit(p, q + 1)) return true;
    if (xc === undefined || yc === undefined) return false;
    if (xc === '*' && yc === '*') return false;
    const literal = (c: string) => c !== '*' && c !== '?';
    if (literal(xc) && literal(yc) && xc !== yc) return false;
    return visit(xc === '*' ? p : p + 1, yc === '*' ? q : q + 1);
  };
  return visit(0, 0);
}

/** Two requests conflict when their keys, in one scope, can name a common path and at least one of them is exclusive. */
export function requestsConflict(a: { scope: string; key: ParsedKey; mode: string }, b: { scope: string; key: ParsedKey; mode: string }): boolean {
  if (a.mode !== 'exclusive' && b.mode !== 'exclusive') return false;
  return a.scope === b.scope && keysOverlap(a.key, b.key);
}
