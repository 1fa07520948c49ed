// Turns the raw measurements into the reported figures, each paired with its same-run physical limit and target.
import type { BenchSizes } from './config.js';
import { atMost, withinFactorOfLimit, type Figure } from './figures.js';
import type { Measurements } from './measure.js';
import { percentile, perSecond, toMicros, toMillis } from './stats.js';

const RSS_TARGET_MIB = 80;
const PING_P50_FACTOR = 1.5;
const CLI_WALL_FACTOR = 2;

function latencyFigures(m: Measurements): Figure[] {
  const at = (p: number) => ({ value: toMicros(percentile(m.latency.daemon, p)), limit: toMicros(percentile(m.latency.echo, p)) });
  const p50 = at(50);
  const p99 = at(99);
  return [
    { key: 'ping_p50_us', label: 'system.ping p50, 1 in flight', unit: 'µs', ...p50, limitKey: 'raw_echo_p50_us', limitLabel: 'raw echo p50', target: withinFactorOfLimit(PING_P50_FACTOR, p50.value, p50.limit) },
    { key: 'ping_p99_us', label: 'system.ping p99, 1 in flight', unit: 'µs', ...p99, limitKey: 'raw_echo_p99_us', limitLabel: 'raw echo p99', target: null },
  ];
}

function throughputFigures(m: Measurements, sizes: BenchSizes): Figure[] {
  const rate = (ns: bigint) => perSecond(m.pipelined.requests, ns);
  return [
    {
      key: 'ping_pipelined_rps',
      label: `system.ping, ${sizes.pipelineDepth} in flight`,
      unit: 'req/s',
      value: rate(m.pipelined.daemon),
      limitKey: 'raw_echo_pipelined_rps',
      limitLabel: `raw echo, ${sizes.pipelineDepth} in flight`,
      limit: rate(m.pipelined.echo),
      target: null,
    },
    {
      key: 'events_delivered_per_s',
      label: `events to 1 subscriber (${sizes.eventsPerPublish}/publish)`,
      unit: 'events/s',
      value: perSecond(sizes.events, m.deliveryNs),
      limitKey: 'sqlite_rows_per_s',
      limitLabel: `SQLite insert, ${sizes.eventsPerPublish}/tx, WAL`,
      limit: perSecond(sizes.events, m.sqliteNs),
      target: null,
    },
  ];
}

function cliFigure(m: Measurements, sizes: BenchSizes): Figure {
  const value = toMillis(m.cliWall.brains);
  const limit = toMillis(m.cliWall.bareNode);
  return {
    key: 'cli_ping_wall_ms',
    label: `brains rpc system.ping (median of ${sizes.cliRuns})`,
    unit: 'ms',
    value,
    limitKey: 'bare_node_wall_ms',
    limitLabel: "node -e ''",
    limit,
    target: withinFactorOfLimit(CLI_WALL_FACTOR, value, limit),
  };
}

function rssFigures(m: Measurements): Figure[] {
  const rss = (key: string, label: string, value: number | null, targeted = true): Figure => ({
    key,
    label,
    unit: 'MiB',
    value,
    limitKey: 'idle_node_rss_mib',
    limitLabel: 'idle bare node',
    limit: m.idleNodeRss,
    target: targeted ? atMost(RSS_TARGET_MIB, 'MiB', value) : null,
  });
  return [
    rss('daemon_rss_start_mib', 'daemon RSS after start', m.rssAtStart),
    rss('daemon_rss_after_pings_mib', `daemon RSS after ${m.pingsBeforeRss.toLocaleString('en-US')} pings`, m.rssAfterPings),
    // Observed, not targeted: the issue sets the memory target after start and after the pings.
    rss('daemon_rss_after_events_mib', 'daemon RSS after the event run', m.rssAfterEvents, false),
  ];
}

export function buildFigures(m: Measurements, sizes: BenchSizes): Figure[] {
  return [...latencyFigures(m), ...throughputFigures(m, sizes), cliFigure(m, sizes), ...rssFigures(m)];
}
