// Figures of the messages plane, each beside its target and a physical limit measured in the same run: wake-up latency,
// sustained acknowledged throughput, broadcast and fan-out to 100, and receive with a million messages stored.
import { join } from 'node:path';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { startPlaneRig } from './plane-rig.js';
import { atMost, type Figure, type Target } from './figures.js';
import { broadcastLatencies, fanOutLatencies, wakeLatencies } from './messages-latency.js';
import { echoFanOut, echoRoundTrips, sqliteMessageFlowRate, sqliteSendCommits } from './messages-limits.js';
import { messagePlan, phase, type MessagePlan } from './messages-setup.js';
import { receiveWithStoredMessages, type StoredReceive } from './messages-stored.js';
import { sustainedThroughput, type ThroughputOutcome } from './messages-throughput.js';
import { median, percentile, perSecond, toMicros } from './stats.js';
import type { PlaneBenchContext } from './figures.js';

const WAKE_P50_TARGET_US = 1_000;
const BROADCAST_P50_TARGET_US = 2_000;
const RECEIVE_P50_TARGET_US = 1_000;
const THROUGHPUT_TARGET = 10_000;
/**
 * A backup snapshots the database (SQLite writes and syncs a copy: ~3× a plain copy) and compresses it (gzip -1 runs at
 * ~120-190 MiB/s per core, ~8× slower than a copy from the page cache), leaving one core to the daemon.
 */
const BACKUP_FACTOR_OF_COPY = 20;
const BACKUP_FIXED_MS = 300;
/** The daemon keeps answering while it backs up: each step of the copy holds the event loop for a few ms. */
const BACKUP_PING_P99_TARGET_MS = 50;
/** The raw limit groups messages like a busy daemon's group commit and a receive of 100 do. */
const RAW_FLOW_BATCH = 100;

interface MessageMeasurements {
  echoRtt: bigint[];
  echo100: bigint[];
  rawFlow: number;
  commit101: bigint[];
  wake: bigint[];
  flow: ThroughputOutcome;
  broadcast: bigint[];
  fanOut: bigint[];
  stored: StoredReceive;
}

export async function measureMessageFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const plan = messagePlan(sizes);
  return messageFigures(await measure(plan, ctx), plan);
}

/** Every measurement in turn: the raw limits, then the daemon's figures, then the big-store daemon of its own. */
async function measure(plan: MessagePlan, ctx: PlaneBenchContext): Promise<MessageMeasurements> {
  const { home, echoSocket, echo, daemon } = await startPlaneRig(ctx, 'm');
  const admin = await BrainsClient.connect(daemon.socket);

  phase('raw limits: echo round trips, echo to 100 peers, SQLite commits');
  const echoRtt = await echoRoundTrips(echoSocket, plan.wakeSamples);
  const echo100 = await echoFanOut(echoSocket, plan.broadcastMembers, plan.fanOutRounds);
  const rawFlow = sqliteMessageFlowRate(join(home, 'limit-flow.db'), plan.throughputMessages, RAW_FLOW_BATCH);
  const commit101 = sqliteSendCommits(join(home, 'limit-101.db'), plan.broadcastMembers + 1, plan.broadcastSamples);
  await echo.stop();

  phase(`send -> parked receiver wakes, one to one: ${plan.wakeSamples} samples`);
  const wake = await wakeLatencies(daemon.socket, admin, plan.wakeSamples);
  phase(`sustained send + receive + ack: ${plan.throughputMessages} messages, ${plan.senders} sender/receiver pairs, ${plan.sendDepth} sends in flight each`);
  const flow = await sustainedThroughput(daemon.socket, admin, plan.throughputMessages, plan.senders, plan.sendDepth);
  phase(`broadcast to ${plan.broadcastMembers} members: ${plan.broadcastSamples} sends`);
  const broadcast = await broadcastLatencies(daemon.socket, admin, plan.broadcastMembers, plan.broadcastSamples);
  phase(`broadcast waking ${plan.broadcastMembers} parked receivers: ${plan.fanOutRounds} rounds`);
  const fanOut = await fanOutLatencies(daemon.socket, admin, plan.broadcastMembers, plan.fanOutRounds);
  await admin.close();
  const exit = await daemon.stop();
  if (exit !== 0) throw new Error(`the messages daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}`);

  const stored = await receiveWithStoredMessages(join(ctx.home, 'ms'), plan, ctx.cleanup);
  return { echoRtt, echo100, rawFlow, commit101, wake, flow, broadcast, fanOut, stored };
}

function messageFigures(m: MessageMeasurements, plan: MessagePlan): Figure[] {
  const { echoRtt, echo100, rawFlow, commit101, wake, flow, broadcast, fanOut, stored } = m;
  const us = (sorted: bigint[], p = 50) => toMicros(percentile(sorted, p));
  const echoP50 = us(echoRtt);
  const throughput = perSecond(flow.messages, flow.elapsedNs);
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    {
      key: 'msg_wake_p50_us',
      label: 'message.send -> parked receive wakes, p50',
      unit: 'µs',
      value: us(wake),
      limitKey: 'msg_raw_echo_p50_us',
      limitLabel: 'raw echo round trip p50',
      limit: echoP50,
      target: atMost(WAKE_P50_TARGET_US, 'µs', us(wake)),
    },
    {
      key: 'msg_wake_p99_us',
      label: 'message.send -> parked receive wakes, p99',
      unit: 'µs',
      value: us(wake, 99),
      limitKey: 'msg_raw_echo_p99_us',
      limitLabel: 'raw echo round trip p99',
      limit: us(echoRtt, 99),
      target: null,
    },
    {
      key: 'msg_acked_per_s',
      label: `send+receive+ack, ${plan.senders} pairs (lost ${flow.lost}, dup ${flow.duplicates}, unread ${flow.unreadAfter})`,
      unit: 'msgs/s',
      value: throughput,
      limitKey: 'msg_sqlite_flow_per_s',
      limitLabel: `raw SQLite, same writes, ${RAW_FLOW_BATCH} msgs/commit`,
      limit: rawFlow,
      target: atLeastNoneLost(throughput, flow.lost + flow.unreadAfter),
    },
    {
      key: 'msg_broadcast100_p50_us',
      label: `broadcast to ${plan.broadcastMembers} members, p50`,
      unit: 'µs',
      value: us(broadcast),
      limitKey: 'msg_echo_plus_sqlite101_p50_us',
      limitLabel: `echo p50 + raw ${plan.broadcastMembers + 2}-row tx p50`,
      limit: echoP50 + toMicros(median(commit101)),
      target: atMost(BROADCAST_P50_TARGET_US, 'µs', us(broadcast)),
    },
    {
      key: 'msg_fanout100_last_wake_p50_us',
      label: `broadcast -> last of ${plan.broadcastMembers} parked receives wakes, p50`,
      unit: 'µs',
      value: us(fanOut),
      limitKey: 'msg_echo_fanout100_p50_us',
      limitLabel: `raw echo to ${plan.broadcastMembers} peers at once p50`,
      limit: us(echo100),
      target: null,
    },
    {
      key: 'msg_receive_stored_p50_us',
      label: `message.receive, ${n(stored.stored)} stored, ${n(stored.agents)} agents (${stored.meanReturned.toFixed(1)} returned), p50`,
      unit: 'µs',
      value: us(stored.samples),
      limitKey: 'msg_raw_echo_p50_us',
      limitLabel: 'raw echo round trip p50',
      limit: echoP50,
      target: atMost(RECEIVE_P50_TARGET_US, 'µs', us(stored.samples)),
    },
    {
      key: 'backup_ms',
      label: `brains backup, ${n(stored.stored)} messages (${mib(stored.backup.databaseBytes)} database -> ${mib(stored.backup.archiveBytes)} archive), median of 3`,
      unit: 'ms',
      value: stored.backup.backupMs,
      limitKey: 'backup_plain_copy_ms',
      limitLabel: 'plain file copy of the same database',
      limit: stored.backup.copyMs,
      target: backupTarget(stored.backup.backupMs, stored.backup.copyMs),
    },
    {
      key: 'backup_ping_p99_ms',
      label: `system.ping while brains backup runs, p99 (worst ${stored.backup.pingWorstMs.toFixed(1)} ms)`,
      unit: 'ms',
      value: stored.backup.pingP99Ms,
      limitKey: 'backup_ping_worst_ms',
      limitLabel: 'worst ping while it runs',
      limit: stored.backup.pingWorstMs,
      target: atMost(BACKUP_PING_P99_TARGET_MS, 'ms', stored.backup.pingP99Ms),
    },
  ];
}

/** Proportional to the copy, plus what any backup costs however small: starting `brains`, a thread, the archive's files. */
function backupTarget(value: number, copyMs: number): Target {
  return { text: `≤ ${BACKUP_FACTOR_OF_COPY}× limit + ${BACKUP_FIXED_MS} ms`, met: value <= BACKUP_FACTOR_OF_COPY * copyMs + BACKUP_FIXED_MS };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function atLeastNoneLost(value: number, lost: number): Target {
  return { text: `≥ ${THROUGHPUT_TARGET.toLocaleString('en-US')} msgs/s, none lost`, met: value >= THROUGHPUT_TARGET && lost === 0 };
}
