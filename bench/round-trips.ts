// The ways we load a ping target: one call in flight (latency samples), a fixed window in flight (throughput), and interleaved rounds.
import { elapsedSince, now } from './stats.js';

export type Call = () => Promise<unknown>;

/** Round-trip times of `count` calls made one after another. */
export async function sequentialRoundTrips(call: Call, count: number): Promise<bigint[]> {
  const samples = new Array<bigint>(count);
  for (let i = 0; i < count; i += 1) {
    const start = now();
    await call();
    samples[i] = elapsedSince(start);
  }
  return samples;
}

/** Time to finish `total` calls while keeping `depth` of them in flight; each answer releases the next call. */
export function pipelinedRun(call: Call, total: number, depth: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    let issued = 0;
    let finished = 0;
    const start = now();
    const issue = (): void => {
      issued += 1;
      call().then(onAnswer, reject);
    };
    const onAnswer = (): void => {
      finished += 1;
      if (finished === total) resolve(elapsedSince(start));
      else if (issued < total) issue();
    };
    if (total <= 0) resolve(0n);
    for (let i = 0; i < Math.min(depth, total); i += 1) issue();
  });
}

/**
 * Measure several targets in alternating rounds (which goes first alternates too), so a slow spell of the machine
 * lands on all of them alike. Returns each target's per-round results, in target order.
 */
export async function interleavedRounds<T>(targets: number, rounds: number, measure: (target: number, round: number) => Promise<T>): Promise<T[][]> {
  const results = Array.from({ length: targets }, () => [] as T[]);
  for (let round = 0; round < rounds; round += 1) {
    for (let step = 0; step < targets; step += 1) {
      const target = round % 2 === 0 ? step : targets - 1 - step;
      results[target]!.push(await measure(target, round));
    }
  }
  return results;
}

/** Split `total` into `rounds` near-equal parts that add up to it. */
export function splitEvenly(total: number, rounds: number): number[] {
  return Array.from({ length: rounds }, (_, i) => Math.floor((total * (i + 1)) / rounds) - Math.floor((total * i) / rounds));
}
