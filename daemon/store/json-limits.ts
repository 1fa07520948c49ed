// Guards on JSON the daemon stores: nesting depth and encoded size, checked without recursion so hostile input cannot blow the stack.
import { BrainsError } from '../../rpc/errors.js';

export const MAX_JSON_DEPTH = 100;

export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
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
