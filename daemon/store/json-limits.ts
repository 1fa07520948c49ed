// Guards on JSON the daemon stores: nesting depth and encoded size, checked without recursion so hostile input cannot blow the stack.
import { BrainsError } from '../../rpc/errors.js';

export const MAX_JSON_DEPTH = 100;
/** A call's params wrap what they store a few levels deep (events.publish: params, events, an event, its data). */
export const MAX_PARAMS_DEPTH = MAX_JSON_DEPTH + 20;

export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  // Two parallel stacks rather than one of pairs: this runs on every stored payload and event, so it allocates little.
  const items: unknown[] = [value];
  const depths: number[] = [1];
  while (items.length > 0) {
    const item = items.pop() as object;
    const depth = depths.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (Array.isArray(item)) {
      for (const child of item) {
        if (child !== null && typeof child === 'object') {
          items.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in item) {
        const child = (item as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          items.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return deepest;
}

/** Encode a payload for storage, refusing what is too deep or too large with a message that says what to change. */
export function encodeBoundedJson(value: unknown, what: string, maxBytes: number): string {
  const depth = jsonDepth(value);
  if (depth > MAX_JSON_DEPTH) {
    throw new BrainsError('LIMIT_EXCEEDED', `${what} is nested more than ${MAX_JSON_DEPTH} levels deep; flatten it`, {
      limit: MAX_JSON_DEPTH,
    });
  }
  const text = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new BrainsError('LIMIT_EXCEEDED', `${what} is ${bytes} bytes encoded, over the ${maxBytes}-byte limit; store less in it`, {
      limit: maxBytes,
      size: bytes,
    });
  }
  return text;
}

/** The refusal of params nested past MAX_PARAMS_DEPTH, or null; checked first, so nothing recursive ever sees them. */
export function paramsTooDeep(params: unknown): BrainsError | null {
  if (jsonDepth(params, MAX_PARAMS_DEPTH) <= MAX_PARAMS_DEPTH) return null;
  return new BrainsError('LIMIT_EXCEEDED', `params are nested more than ${MAX_PARAMS_DEPTH} levels deep; flatten them`, { limit: MAX_PARAMS_DEPTH });
}
