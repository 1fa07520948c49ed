// Figures of MCP over Streamable HTTP (served by the daemon) with the official MCP client: the overhead of one tool call
// against the same operation over the socket and the raw echo, all in the same run. No fixed target.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BrainsClient } from '../rpc/client.js';
import { statePaths } from '../rpc/paths.js';
import { ensureClientKey } from '../daemon/http/client-keys.js';
import type { BenchSizes } from './config.js';
import { brainsEnv } from './daemon-process.js';
import type { Figure, PlaneBenchContext } from './figures.js';
import { fetchWithOwnSignal } from '../test/helpers/fetch-own-signal.js';
import { projectWith } from './messages-setup.js';
import { startPlaneRig } from './plane-rig.js';
import { RawEchoClient } from './raw-client.js';
import { sequentialRoundTrips } from './round-trips.js';
import { percentile, sortDurations, toMicros } from './stats.js';

function countsFor(sizes: BenchSizes): { calls: number; warmup: number } {
  return sizes.mode === 'quick' ? { calls: 500, warmup: 50 } : { calls: 5_000, warmup: 200 };
}

function phase(name: string): void {
  process.stderr.write(`bench: mcp http: ${name}\n`);
}

async function openHttp(url: string, key: string): Promise<Client> {
  const client = new Client({ name: 'brains-bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: fetchWithOwnSignal, requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
  await client.listTools();
  return client;
}

async function timed(call: () => Promise<unknown>, counts: { calls: number; warmup: number }): Promise<bigint[]> {
  await sequentialRoundTrips(call, counts.warmup);
  return sortDurations(await sequentialRoundTrips(call, counts.calls));
}

export async function measureMcpHttpFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const counts = countsFor(sizes);
  const { home, echoSocket, echo, daemon } = await startPlaneRig(ctx, 'mh');
  const admin = await BrainsClient.connect(daemon.socket);
  const url = (await admin.call('system.info')).mcp_url;
  if (!url) throw new Error('the bench daemon serves no MCP HTTP endpoint');
  // The key brains wire --transport http gives a tool: what real agent tools present, with its scope checks on every call.
  const key = ensureClientKey(statePaths(brainsEnv(home)).keysDir, 'claude-code').key;

  phase(`raw echo round trips: ${counts.calls}`);
  const rawEcho = await RawEchoClient.connect(echoSocket);
  const echoRtt = sortDurations(await sequentialRoundTrips(() => rawEcho.ping(), counts.calls));
  rawEcho.close();
  await echo.stop();

  await projectWith(admin, 'httpsend', ['tx', 'sink']);
  const params = { project_id: 'httpsend', from_agent: 'tx', to_agent: 'sink', payload: { n: 1 } };
  phase(`socket: sequential message.send and system.ping (${counts.calls} each)`);
  const socketSend = await timed(() => admin.call('message.send', params), counts);
  const socketPing = await timed(() => admin.call('system.ping'), counts);

  phase(`MCP HTTP: sequential send_message and version (${counts.calls} each)`);
  const http = await openHttp(url, key);
  let httpSend: bigint[];
  let httpVersion: bigint[];
  try {
    const tool = async (name: string, args: Record<string, unknown>) => {
      const result = await http.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    };
    httpSend = await timed(() => tool('send_message', params), counts);
    httpVersion = await timed(() => tool('version', {}), counts);
  } finally {
    await http.close();
    await admin.close();
  }
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the mcp http daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const us = (samples: bigint[], p: number) => toMicros(percentile(samples, p));
  return [
    {
      key: 'mcp_http_send_p50_us',
      label: 'MCP HTTP (a wired tool\'s key): sequential send_message, p50',
      unit: 'µs',
      value: us(httpSend, 50),
      limitKey: 'mcp_http_socket_send_p50_us',
      limitLabel: `message.send over the socket p50 (raw echo ${us(echoRtt, 50).toFixed(0)} µs)`,
      limit: us(socketSend, 50),
      target: null,
    },
    {
      key: 'mcp_http_send_p99_us',
      label: 'MCP HTTP: sequential send_message, p99',
      unit: 'µs',
      value: us(httpSend, 99),
      limitKey: 'mcp_http_socket_send_p99_us',
      limitLabel: 'message.send over the socket p99',
      limit: us(socketSend, 99),
      target: null,
    },
    {
      key: 'mcp_http_version_p50_us',
      label: 'MCP HTTP: version tool (one system.info), p50',
      unit: 'µs',
      value: us(httpVersion, 50),
      limitKey: 'mcp_http_socket_ping_p50_us',
      limitLabel: 'system.ping over the socket p50',
      limit: us(socketPing, 50),
      target: null,
    },
  ];
}
