// Figures of the MCP face through `brains mcp` (stdio) with the official MCP client: a send waking a waiting receive_messages, and
// sequential send_message calls per second, each beside the same operation straight over the socket and the raw echo, same run.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { BRAINS_CLI, brainsEnv } from './daemon-process.js';
import { atMost, type Figure, type PlaneBenchContext } from './figures.js';
import { wakeLatencies } from './messages-latency.js';
import { projectWith, untilWaiting } from './messages-setup.js';
import { startPlaneRig } from './plane-rig.js';
import { RawEchoClient } from './raw-client.js';
import { sequentialRoundTrips } from './round-trips.js';
import { elapsedSince, now, percentile, perSecond, sortDurations, toMicros } from './stats.js';

const WAKE_P50_TARGET_US = 5_000;
const SENDS_TARGET = 2_000;

interface McpCounts {
  wakes: number;
  sends: number;
  warmup: number;
}

function countsFor(sizes: BenchSizes): McpCounts {
  return sizes.mode === 'quick' ? { wakes: 200, sends: 1_000, warmup: 50 } : { wakes: 2_000, sends: 10_000, warmup: 200 };
}

function phase(name: string): void {
  process.stderr.write(`bench: mcp: ${name}\n`);
}

type Structured = Record<string, any>;

async function openMcp(home: string): Promise<Client> {
  const env = Object.fromEntries(Object.entries(brainsEnv(home)).filter((e): e is [string, string] => e[1] !== undefined));
  const client = new Client({ name: 'brains-bench', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BRAINS_CLI, 'mcp', '--no-start'], env, stderr: 'inherit' }));
  await client.listTools();
  return client;
}

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Structured;
}

/** Times from issuing send_message on one `brains mcp` until the receive_messages parked on another answers (having acknowledged it, MCP's default). */
async function mcpWakes(sender: Client, receiver: Client, admin: BrainsClient, counts: McpCounts): Promise<bigint[]> {
  const times: bigint[] = [];
  for (let i = 0; i < counts.wakes + counts.warmup; i += 1) {
    const before = (await admin.call('system.info')).counts.waiting ?? 0;
    const parked = tool(receiver, 'receive_messages', { project_id: 'mcpwake', agent_name: 'rx', wait: true, timeout_seconds: 60 });
    await untilWaiting(admin, before + 1);
    const start = now();
    const sent = tool(sender, 'send_message', { project_id: 'mcpwake', from_agent: 'tx', to_agent: 'rx', payload: { i } });
    const got = await parked;
    const took = elapsedSince(start);
    await sent;
    if (got.count !== 1) throw new Error(`the woken receive_messages returned ${got.count} messages`);
    if (i >= counts.warmup) times.push(took);
  }
  return sortDurations(times);
}

async function sendRate(send: () => Promise<unknown>, counts: McpCounts): Promise<number> {
  await sequentialRoundTrips(send, counts.warmup);
  const start = now();
  for (let i = 0; i < counts.sends; i += 1) await send();
  return perSecond(counts.sends, elapsedSince(start));
}

export async function measureMcpFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const counts = countsFor(sizes);
  const { home, echoSocket, echo, daemon } = await startPlaneRig(ctx, 'mc');
  const admin = await BrainsClient.connect(daemon.socket);

  phase(`raw echo round trips: ${counts.wakes}`);
  const rawEcho = await RawEchoClient.connect(echoSocket);
  const echoRtt = sortDurations(await sequentialRoundTrips(() => rawEcho.ping(), counts.wakes));
  rawEcho.close();
  await echo.stop();

  phase(`socket: send -> parked receive wakes (${counts.wakes}), sequential message.send (${counts.sends})`);
  const socketWake = await wakeLatencies(daemon.socket, admin, counts.wakes);
  await projectWith(admin, 'mcpsend', ['tx', 'sink']);
  const socketSends = await sendRate(() => admin.call('message.send', { project_id: 'mcpsend', from_agent: 'tx', to_agent: 'sink', payload: { n: 1 } }), counts);

  phase(`brains mcp (stdio): send_message -> waiting receive_messages wakes (${counts.wakes}), sequential send_message (${counts.sends})`);
  await projectWith(admin, 'mcpwake', []);
  const [sender, receiver] = await Promise.all([openMcp(home), openMcp(home)]);
  // Each brains mcp is an agent instance: it acts only as the names it joined as.
  await tool(sender, 'join_project', { project_id: 'mcpwake', agent_name: 'tx' });
  await tool(sender, 'join_project', { project_id: 'mcpsend', agent_name: 'mcp-tx' });
  await tool(receiver, 'join_project', { project_id: 'mcpwake', agent_name: 'rx' });
  let mcpWake: bigint[];
  let mcpSends: number;
  try {
    mcpWake = await mcpWakes(sender, receiver, admin, counts);
    mcpSends = await sendRate(() => tool(sender, 'send_message', { project_id: 'mcpsend', from_agent: 'mcp-tx', to_agent: 'sink', payload: { n: 1 } }), counts);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
    await admin.close();
  }
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the mcp daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const us = (samples: bigint[], p: number) => toMicros(percentile(samples, p));
  return [
    {
      key: 'mcp_wake_p50_us',
      label: 'brains mcp: send_message -> waiting receive_messages wakes, p50',
      unit: 'µs',
      value: us(mcpWake, 50),
      limitKey: 'mcp_socket_wake_p50_us',
      limitLabel: `same over the socket p50 (raw echo ${us(echoRtt, 50).toFixed(0)} µs)`,
      limit: us(socketWake, 50),
      target: atMost(WAKE_P50_TARGET_US, 'µs', us(mcpWake, 50)),
    },
    {
      key: 'mcp_wake_p99_us',
      label: 'brains mcp: send_message -> waiting receive_messages wakes, p99',
      unit: 'µs',
      value: us(mcpWake, 99),
      limitKey: 'mcp_socket_wake_p99_us',
      limitLabel: 'same over the socket p99',
      limit: us(socketWake, 99),
      target: atMost(WAKE_P50_TARGET_US, 'µs', us(mcpWake, 99)),
    },
    {
      key: 'mcp_send_per_s',
      label: 'brains mcp: sequential send_message calls',
      unit: 'msgs/s',
      value: mcpSends,
      limitKey: 'mcp_socket_send_per_s',
      limitLabel: 'sequential message.send over the socket',
      limit: socketSends,
      target: { text: `≥ ${SENDS_TARGET.toLocaleString('en-US')} msgs/s`, met: mcpSends >= SENDS_TARGET },
    },
    {
      key: 'mcp_raw_echo_p50_us',
      label: 'raw echo round trip p50 (the physical floor of one hop)',
      unit: 'µs',
      value: us(echoRtt, 50),
      limitKey: 'mcp_raw_echo_p99_us',
      limitLabel: 'raw echo round trip p99',
      limit: us(echoRtt, 99),
      target: null,
    },
  ];
}
