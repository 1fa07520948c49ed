// The measuring phases in the order they run, one at a time so no measurement disturbs another.
import { join } from 'node:path';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import type { BenchDaemon } from './daemon-process.js';
import { BRAINS_CLI, brainsEnv } from './daemon-process.js';
import type { EchoProcess } from './echo-process.js';
import { RawEchoClient } from './raw-client.js';
import { interleavedRounds, pipelinedRun, sequentialRoundTrips, splitEvenly, type Call } from './round-trips.js';
import { sortDurations } from './stats.js';
import { measureEventDelivery } from './event-delivery.js';
import { measureSqliteInserts } from './sqlite-inserts.js';
import { medianWallTimes } from './cli-wall.js';
import { idleNodeRssMiB, rssMiB } from './rss.js';

export interface Measurements {
  idleNodeRss: number | null;
  rssAtStart: number | null;
  latency: { daemon: bigint[]; echo: bigint[] };
  /** Total time of each target's rounds, and how many requests each target answered in them. */
  pipelined: { daemon: bigint; echo: bigint; requests: number };
  pingsBeforeRss: number;
  rssAfterPings: number | null;
  deliveryNs: bigint;
  sqliteNs: bigint;
  rssAfterEvents: number | null;
  cliWall: { brains: bigint; bareNode: bigint };
}

export interface Targets {
  daemon: BenchDaemon;
  echo: EchoProcess;
  home: string;
}

function phase(name: string): void {
  process.stderr.write(`bench: ${name}\n`);
}

/** Both ping targets on one open connection each: the raw echo first, then the daemon (the order of results). */
async function withBothPingers<T>(t: Targets, use: (calls: [Call, Call]) => Promise<T>): Promise<T> {
  const echo = await RawEchoClient.connect(t.echo.socket);
  try {
    const daemon = await BrainsClient.connect(t.daemon.socket);
    try {
      return await use([() => echo.ping(), () => daemon.call('system.ping')]);
    } finally {
      await daemon.close();
    }
  } finally {
    echo.close();
  }
}

async function measureLatency(sizes: BenchSizes, t: Targets): Promise<Measurements['latency']> {
  phase(`ping latency, 1 in flight: ${sizes.latencyPings} each after ${sizes.warmupPings} warm-up, raw echo and daemon in ${sizes.rounds} alternating rounds`);
  const blocks = splitEvenly(sizes.latencyPings, sizes.rounds);
  const [echo, daemon] = await withBothPingers(t, async (calls) => {
    for (const call of calls) await sequentialRoundTrips(call, sizes.warmupPings);
    return interleavedRounds(calls.length, sizes.rounds, (target, round) => sequentialRoundTrips(calls[target]!, blocks[round]!));
  });
  return { echo: sortDurations(echo!.flat()), daemon: sortDurations(daemon!.flat()) };
}

async function measurePipelined(sizes: BenchSizes, t: Targets): Promise<Measurements['pipelined']> {
  phase(`ping throughput, ${sizes.pipelineDepth} in flight: ${sizes.pipelinedPings} requests each, raw echo and daemon in ${sizes.rounds} alternating rounds`);
  const blocks = splitEvenly(sizes.pipelinedPings, sizes.rounds);
  const [echo, daemon] = await withBothPingers(t, async (calls) => {
    for (const call of calls) await pipelinedRun(call, sizes.warmupPings, sizes.pipelineDepth);
    return interleavedRounds(calls.length, sizes.rounds, (target, round) => pipelinedRun(calls[target]!, blocks[round]!, sizes.pipelineDepth));
  });
  const total = (parts: bigint[]) => parts.reduce((a, b) => a + b, 0n);
  return { echo: total(echo!), daemon: total(daemon!), requests: sizes.pipelinedPings };
}

function measureSqliteLimit(sizes: BenchSizes, t: Targets): bigint {
  phase(`raw SQLite inserts: ${sizes.events} rows, ${sizes.eventsPerPublish} per transaction`);
  return measureSqliteInserts(join(t.home, 'limit.db'), sizes.events, sizes.eventsPerPublish);
}

function measureDelivery(sizes: BenchSizes, t: Targets): Promise<bigint> {
  phase(`event delivery: ${sizes.events} events, ${sizes.eventsPerPublish} per publish, ${sizes.publishesInFlight} publishes in flight`);
  return measureEventDelivery(t.daemon.socket, {
    events: sizes.events,
    eventsPerPublish: sizes.eventsPerPublish,
    publishesInFlight: sizes.publishesInFlight,
    maxLead: sizes.maxEventLead,
  });
}

async function measureCliWall(sizes: BenchSizes, t: Targets): Promise<Measurements['cliWall']> {
  phase(`CLI wall time: ${sizes.cliRuns} runs each of brains rpc system.ping and node -e ''`);
  const [brains, bareNode] = await medianWallTimes(
    [{ args: [BRAINS_CLI, 'rpc', 'system.ping', '--no-start'], env: brainsEnv(t.home) }, { args: ['-e', ''] }],
    sizes.cliRuns,
  );
  return { brains: brains!, bareNode: bareNode! };
}

export async function measureAll(sizes: BenchSizes, t: Targets): Promise<Measurements> {
  const rssAtStart = rssMiB(t.daemon.pid);
  phase('RSS of an idle bare node process');
  const idleNodeRss = await idleNodeRssMiB();
  const latency = await measureLatency(sizes, t);
  const pipelined = await measurePipelined(sizes, t);
  const pingsBeforeRss = sizes.warmupPings * 2 + latency.daemon.length + pipelined.requests;
  const rssAfterPings = rssMiB(t.daemon.pid);
  const sqliteNs = measureSqliteLimit(sizes, t);
  const deliveryNs = await measureDelivery(sizes, t);
  const rssAfterEvents = rssMiB(t.daemon.pid);
  const cliWall = await measureCliWall(sizes, t);
  return { idleNodeRss, rssAtStart, latency, pipelined, pingsBeforeRss, rssAfterPings, deliveryNs, sqliteNs, rssAfterEvents, cliWall };
}
