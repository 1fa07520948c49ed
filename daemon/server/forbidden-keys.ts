// `__proto__` as a JSON key is refused in every param, at any depth: some fields would drop it and others keep it.
import type { ParamIssue } from './suggestions.js';

export const FORBIDDEN_KEY = '__proto__';

/** The first `__proto__` own key anywhere in the params, as a validation issue naming where it is; null when none. */
export function forbiddenKeyIssue(params: unknown): ParamIssue | null {
  if (params === null || typeof params !== 'object') return null;
  // Without recursion (hostile nesting cannot blow the stack); parents let the path be rebuilt only when one is found.
  const items: object[] = [params];
  const parents: number[] = [-1];
  const keys: string[] = [''];
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    const isArray = Array.isArray(item);
    if (!isArray && Object.prototype.hasOwnProperty.call(item, FORBIDDEN_KEY)) {
      const path = [FORBIDDEN_KEY];
      for (let at = i; at > 0; at = parents[at]!) path.unshift(keys[at]!);
      return { path, code: 'forbidden_key', message: `'${FORBIDDEN_KEY}' is not allowed as a key; rename it` };
    }
    const entries = isArray ? (item as unknown[]).map((v, k) => [String(k), v] as const) : Object.entries(item);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') {
        items.push(child);
        parents.push(i);
        keys.push(key);
      }
    }
  }
  return null;
}
