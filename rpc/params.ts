// Turns `brains rpc` arguments (and the cockpit palette's) into a params object: one JSON text, key=value pairs (a.b=1 nests), or JSON on stdin.

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parse the words after the method name. `stdin` is read only when the single word is `-`. */
export async function parseParams(words: readonly string[], readStdin: () => Promise<string>): Promise<unknown> {
  if (words.length === 0) return undefined;
  if (words.length === 1 && words[0] === '-') return parseJsonParams(await readStdin(), 'standard input');
  const first = words[0]!.trimStart();
  if (words.length === 1 && (first.startsWith('{') || first.startsWith('['))) return parseJsonParams(words[0]!, 'the params argument');
  return parsePairs(words);
}

function parseJsonParams(text: string, where: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON (${(error as Error).message}); pass an object such as '{"key": "value"}' or key=value pairs`);
  }
  if (typeof value !== 'object' || value === null) {
    throw new UsageError(`${where} must be a JSON object or array, not ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export function parsePairs(words: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got ${JSON.stringify(word)}; quote JSON params as one argument`);
    const path = word.slice(0, eq).split('.');
    if (path.some((part) => part === '' || FORBIDDEN_KEYS.has(part))) throw new UsageError(`bad key ${JSON.stringify(word.slice(0, eq))}: use names like a or a.b`);
    setPath(out, path, parseValue(word.slice(eq + 1)), word.slice(0, eq));
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/** A value is JSON when it parses as JSON, otherwise the literal string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, key: string): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) {
      const child = Object.create(null) as Record<string, unknown>;
      node[part] = child;
      node = child;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      throw new UsageError(`${key} conflicts with an earlier value for ${part}`);
    }
  }
  const last = path[path.length - 1]!;
  if (node[last] !== undefined) throw new UsageError(`${key} is given twice`);
  node[last] = value;
}

export function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}
