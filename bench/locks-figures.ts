// Figures of the locks plane, each beside the physical limit measured in the same run: an uncontended acquire+release
// (two calls) beside two raw echo round trips, and the hand-over to a parked waiter beside one.
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { startPlaneRig } from './plane-rig.js';
import type { Figure, PlaneBenchContext } from './figures.js';
import { RawEchoClient } from './raw-client.js';
import { interleavedRounds, sequentialRoundTrips, splitEvenly } from './round-trips.js';
import { elapsedSince, now, percentile, sortDurations, toMicros } from './stats.js';

/** An acquire that must have been granted (the bench never lets a wait run out). */
async function arrived<T extends { timed_out: boolean }>(result: Promise<T>): Promise<Exclude<T, { timed_out: true }>> {
  const answer = await result;
  if (answer.timed_out) throw new Error(`a lock wait ran out in the bench: ${JSON.stringify(answer)}`);
  return answer as Exclude<T, { timed_out: true }>;
}

interface LockCounts {
  warmup: number;
  roundTrips: number;
  handovers: number;
}

function countsFor(sizes: BenchSizes): LockCounts {
  return sizes.mode === 'quick' ? { warmup: 100, roundTrips: 1_000, handovers: 200 } : { warmup: 500, roundTrips: 10_000, handovers: 2_000 };
}

function phase(name: string): void {
  process.stderr.write(`bench: ${name}\n`);
}

type Holder = { session_id: string };

async function holderOn(client: BrainsClient, name: string): Promise<Holder> {
  return { session_id: (await client.call('session.start', { tool: 'other', client_id: name })).session_id };
}

/** One sample: acquire an uncontended exclusive lock, then release it (two round trips). */
async function acquireRelease(client: BrainsClient, holder: Holder): Promise<void> {
  const lease = await arrived(client.call('lock.acquire', { key: 'bench/uncontended.ts', holder }));
  await client.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
}

async function measureRoundTrips(socket: string, echoSocket: string, sizes: BenchSizes, counts: LockCounts): Promise<{ lock: bigint[]; echo: bigint[] }> {
  phase(`locks: acquire+release, uncontended: ${counts.roundTrips} pairs after ${counts.warmup} warm-up, beside raw echo in ${sizes.rounds} alternating rounds`);
  const echo = await RawEchoClient.connect(echoSocket);
  const client = await BrainsClient.connect(socket);
  try {
    const holder = await holderOn(client, 'bench-uncontended');
    const calls = [() => echo.ping(), () => acquireRelease(client, holder)];
    for (const call of calls) await sequentialRoundTrips(call, counts.warmup);
    const blocks = splitEvenly(counts.roundTrips, sizes.rounds);
    const [echoSamples, lockSamples] = await interleavedRounds(calls.length, sizes.rounds, (target, round) => sequentialRoundTrips(calls[target]!, blocks[round]!));
    return { echo: sortDurations(echoSamples!.flat()), lock: sortDurations(lockSamples!.flat()) };
  } finally {
    echo.close();
    await client.close();
  }
}

/**
 * Two clients pass one lock back and forth: the holder releases while the other waits parked in the queue; a sample is the
 * time from sending the release to the waiter's answer arriving. A third connection confirms the waiter is parked first.
 */
async function measureHandovers(socket: string, counts: LockCounts): Promise<bigint[]> {
  phase(`locks: hand-over to a parked waiter: ${counts.handovers} hand-overs`);
  const key = 'bench/handover.ts';
  const sides = [await BrainsClient.connect(socket), await BrainsClient.connect(socket)];
  const observer = await BrainsClient.connect(socket);
  try {
    const holders = [await holderOn(sides[0]!, 'bench-handover-a'), await holderOn(sides[1]!, 'bench-handover-b')];
    let lease = await arrived(sides[0]!.call('lock.acquire', { key, holder: holders[0]! }));
    let holding = 0;
    const samples: bigint[] = [];
    for (let i = 0; i < counts.handovers; i += 1) {
      const waiting = 1 - holding;
      const granted = arrived(sides[waiting]!.call('lock.acquire', { key, holder: holders[waiting]!, wait: true, timeout_seconds: 60 }));
      while ((await observer.call('lock.list', { key_prefix: key })).waiter_count === 0) {
        // parked within a round trip or two; the check is outside the measured interval
      }
      const start = now();
      const released = sides[holding]!.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
      lease = await granted;
      samples.push(elapsedSince(start));
      await released;
      holding = waiting;
    }
    await sides[holding]!.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
    return sortDurations(samples);
  } finally {
    for (const client of [...sides, observer]) await client.close();
  }
}

export async function measureLockFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const counts = countsFor(sizes);
  const { echoSocket, echo, daemon } = await startPlaneRig(ctx, 'l');

  const trips = await measureRoundTrips(daemon.socket, echoSocket, sizes, counts);
  const handovers = await measureHandovers(daemon.socket, counts);
  await echo.stop();
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the locks daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const us = (samples: bigint[], p: number) => toMicros(percentile(samples, p));
  return [
    {
      key: 'lock_acquire_release_p50_us',
      label: 'lock acquire+release, uncontended p50',
      unit: 'µs',
      value: us(trips.lock, 50),
      limitKey: 'lock_raw_echo_x2_p50_us',
      limitLabel: 'raw echo p50 ×2',
      limit: 2 * us(trips.echo, 50),
      target: null,
    },
    {
      key: 'lock_acquire_release_p99_us',
      label: 'lock acquire+release, uncontended p99',
      unit: 'µs',
      value: us(trips.lock, 99),
      limitKey: 'lock_raw_echo_x2_p99_us',
      limitLabel: 'raw echo p99 ×2',
      limit: 2 * us(trips.echo, 99),
      target: null,
    },
    {
      key: 'lock_handover_p50_us',
      label: `lock hand-over to a parked waiter p50 (${counts.handovers})`,
      unit: 'µs',
      value: us(handovers, 50),
      limitKey: 'lock_raw_echo_p50_us',
      limitLabel: 'raw echo p50',
      limit: us(trips.echo, 50),
      target: null,
    },
    {
      key: 'lock_handover_p99_us',
      label: `lock hand-over to a parked waiter p99 (${counts.handovers})`,
      unit: 'µs',
      value: us(handovers, 99),
      limitKey: 'lock_raw_echo_p99_us',
      limitLabel: 'raw echo p99',
      limit: us(trips.echo, 99),
      target: null,
    },
  ];
}
