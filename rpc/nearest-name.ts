// Picks the valid word a mistyped one most likely meant, so an error can say "did you mean status?".

/** Single-letter edits (insert, delete, replace, swap two neighbours) that turn `from` into `to`. */
export function editDistance(from: string, to: string): number {
  // rows[i][j]: edits from the first i letters of `from` to the first j letters of `to`.
  const rows = Array.from({ length: from.length + 1 }, (_, i) => Array.from({ length: to.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= from.length; i += 1) {
    for (let j = 1; j <= to.length; j += 1) {
      const replace = from[i - 1] === to[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + replace);
      const swapped = i > 1 && j > 1 && from[i - 1] === to[j - 2] && from[i - 2] === to[j - 1];
      if (swapped) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[from.length]![to.length]!;
}

/**
 * The candidate nearest to `word` (the first one on a tie), or undefined when even the nearest needs more
 * edits than a typo would: one edit per three letters, at least one.
 */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  let nearest: string | undefined;
  let nearestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate);
    if (distance < nearestDistance) {
      nearest = candidate;
      nearestDistance = distance;
    }
  }
  return nearestDistance <= allowed ? nearest : undefined;
}
