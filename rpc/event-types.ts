// Matching event types against filters (`daemon.started`, `user.*`, `*`), the same way in the daemon and in clients.

export function matchesTypes(type: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

/** Splits patterns into exact types and prefixes (`user.*` -> `user.`); null means everything. */
export function splitPatterns(patterns: readonly string[] | undefined): { exact: string[]; prefixes: string[] } | null {
  if (!patterns || patterns.length === 0 || patterns.includes('*')) return null;
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('.*')) prefixes.push(pattern.slice(0, -1));
    else exact.push(pattern);
  }
  return { exact, prefixes };
}
