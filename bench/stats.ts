// Percentiles, medians and rates from process.hrtime.bigint() samples, so every figure is computed the same way.

export function now(): bigint {
  return process.hrtime.bigint();
}

export function elapsedSince(start: bigint): bigint {
  return process.hrtime.bigint() - start;
}

export function sortDurations(samples: bigint[]): bigint[] {
  return samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly bigint[], p: number): bigint {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(sorted: readonly bigint[]): bigint {
  return percentile(sorted, 50);
}

export function toMicros(ns: bigint): number {
  return Number(ns) / 1e3;
}

export function toMillis(ns: bigint): number {
  return Number(ns) / 1e6;
}

export function perSecond(count: number, elapsedNs: bigint): number {
  return count / (Number(elapsedNs) / 1e9);
}
