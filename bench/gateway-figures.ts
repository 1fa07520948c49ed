// Figures of the model gateway: the latency it adds in front of a provider (a fake upstream in a process of its own,
// called directly and through the gateway, alternately, in the same run), streamed and not, what routing, limits and recording add
// beside the plain pass-through in the same run, and its throughput with echo at 64 in flight.
import { fork } from 'node:child_process';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { BrainsClient } from '../rpc/client.js';
import { statePaths } from '../rpc/paths.js';
import type { BenchSizes } from './config.js';
import { brainsEnv } from './daemon-process.js';
import type { Figure, PlaneBenchContext, Target } from './figures.js';
import { startPlaneRig } from './plane-rig.js';
import { pipelinedRun } from './round-trips.js';
import { elapsedSince, now, percentile, perSecond, sortDurations, toMicros } from './stats.js';

const ADDED_P50_TARGET_US = 1000;
const ROUTED_P50_TARGET_US = 200;
const ADDED_P99_TARGET_US = 5000;
const ECHO_RPS_TARGET = 2000;
const CONCURRENCY = 64;

function countsFor(sizes: BenchSizes) {
  return sizes.mode === 'quick' ? { calls: 500, warmup: 100, throughput: 4_000 } : { calls: 5_000, warmup: 500, throughput: 40_000 };
}

function phase(name: string): void {
  process.stderr.write(`bench: gateway: ${name}\n`);
}

const CHAT_ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'up-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'a short answer from the fake upstream' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
});

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** A provider that answers at once: JSON, or a stream of a role chunk, four text chunks, a finish and a usage chunk. */
function serveFakeUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const stream = Buffer.concat(parts).includes('"stream":true');
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(CHAT_ANSWER)) });
        res.end(CHAT_ANSWER);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const word of ['a ', 'streamed ', 'answer ', 'here']) res.write(chunk({ content: word }));
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

/**
 * The fake upstream runs in a process of its own, as a real provider would: called directly, a request crosses to
 * another process and back once; through the gateway, it crosses to the daemon and on to the upstream.
 */
async function startFakeUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--fake-upstream'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve(String(message)));
    child.once('exit', (code) => reject(new Error(`the fake upstream exited with ${code}`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Timing {
  firstByte: bigint;
  total: bigint;
}

/** One POST over a keep-alive connection: time to the first body byte and to the end. */
function timedPost(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = now();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res: IncomingMessage) => {
      let firstByte: bigint | null = null;
      res.on('data', () => (firstByte ??= elapsedSince(start)));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
        else resolve({ firstByte: firstByte ?? elapsedSince(start), total: elapsedSince(start) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Direct and through the gateway, one after the other per sample, so a slow spell lands on both alike. */
async function alternate(count: number, direct: () => Promise<Timing>, gateway: () => Promise<Timing>) {
  const out = { direct: [] as Timing[], gateway: [] as Timing[] };
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) {
      out.direct.push(await direct());
      out.gateway.push(await gateway());
    } else {
      out.gateway.push(await gateway());
      out.direct.push(await direct());
    }
  }
  return out;
}

function addedTarget(limitUs: number, value: number | null, limit: number | null): Target {
  return { text: `≤ ${limitUs / 1000} ms added`, met: value === null || limit === null ? null : value - limit <= limitUs };
}

export async function measureGatewayFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const counts = countsFor(sizes);
  const upstream = await startFakeUpstream();
  ctx.cleanup.add(() => upstream.close());
  const { home, echo, daemon } = await startPlaneRig(ctx, 'gw');
  await echo.stop();
  const admin = await BrainsClient.connect(daemon.socket);
  const gateway = (await admin.call('system.info')).gateway_url;
  if (!gateway) throw new Error('the bench daemon serves no gateway');
  // Routing and limits are on for the key named bench only; the key named plain has none, so its requests for a named model are the
  // pass-through beside them (a named key each, so both pay the same key lookup).
  await admin.call('gateway.config_set', {
    config: {
      providers: { up: { type: 'openai_compatible', base_url: `${upstream.url}/v1` } },
      models: { 'up-model': { provider: 'up' } },
      tiers: { default: 'up-model' },
      routing: { auto: { trivial: 'default', code_fix: 'default', architecture: 'default', research: 'default', docs_lookup: 'default' } },
      limits: { keys: { bench: { requests_per_minute: 1_000_000, tokens_per_minute: 10_000_000_000 } } },
    },
  });
  const key = readFileSync(statePaths(brainsEnv(home)).adminKey, 'utf8').trim();
  const benchKey = (await admin.call('gateway.key_create', { name: 'bench' })).key;
  const plainKey = (await admin.call('gateway.key_create', { name: 'plain' })).key;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const auth = { authorization: `Bearer ${key}` };
  const body = (model: string, stream: boolean) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Say something short.' }] });
  const direct = (stream: boolean) => () => timedPost(agent, `${upstream.url}/v1/chat/completions`, {}, body('up-model', stream));
  const through = (stream: boolean) => () => timedPost(agent, `${gateway}/v1/chat/completions`, auth, body('up/up-model', stream));
  const routed = () => timedPost(agent, `${gateway}/v1/chat/completions`, { authorization: `Bearer ${benchKey}` }, body('brains/auto', false));
  const passThrough = () => timedPost(agent, `${gateway}/v1/chat/completions`, { authorization: `Bearer ${plainKey}` }, body('up/up-model', false));

  phase(`warm-up: ${counts.warmup} of each`);
  await alternate(counts.warmup, direct(false), through(false));
  await alternate(counts.warmup, direct(true), through(true));
  phase(`non-streaming: ${counts.calls} direct and ${counts.calls} through the gateway, alternately`);
  const plain = await alternate(counts.calls, direct(false), through(false));
  phase(`streaming: ${counts.calls} direct and ${counts.calls} through the gateway, alternately`);
  const streamed = await alternate(counts.calls, direct(true), through(true));
  phase(`routing: ${counts.calls} plain (a named model, no limits) and ${counts.calls} brains/auto with limits, alternately`);
  await alternate(counts.warmup, passThrough, routed);
  const routing = await alternate(counts.calls, passThrough, routed);

  phase(`throughput: ${counts.throughput} requests, ${CONCURRENCY} in flight (echo provider, and the fake upstream alone)`);
  const echoBody = body('echo', false);
  await pipelinedRun(() => timedPost(agent, `${gateway}/v1/chat/completions`, auth, echoBody), Math.min(2000, counts.throughput), CONCURRENCY);
  const echoNs = await pipelinedRun(() => timedPost(agent, `${gateway}/v1/chat/completions`, auth, echoBody), counts.throughput, CONCURRENCY);
  const rawNs = await pipelinedRun(() => timedPost(agent, `${upstream.url}/v1/chat/completions`, {}, body('up-model', false)), counts.throughput, CONCURRENCY);
  agent.destroy();
  await admin.close();
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the gateway daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const us = (timings: Timing[], field: keyof Timing, p: number) => toMicros(percentile(sortDurations(timings.map((t) => t[field])), p));
  const pair = (key: string, label: string, set: { direct: Timing[]; gateway: Timing[] }, field: keyof Timing, p: number, targetUs: number | null): Figure => {
    const value = us(set.gateway, field, p);
    const limit = us(set.direct, field, p);
    return { key, label, unit: 'µs', value, limitKey: `${key}_direct`, limitLabel: 'the fake upstream, called directly', limit, target: targetUs === null ? null : addedTarget(targetUs, value, limit) };
  };
  const echoRps = perSecond(counts.throughput, echoNs);
  const routedP50 = us(routing.gateway, 'total', 50);
  const plainP50 = us(routing.direct, 'total', 50);
  return [
    pair('gateway_plain_p50_us', 'gateway, non-streaming p50', plain, 'total', 50, ADDED_P50_TARGET_US),
    pair('gateway_plain_p99_us', 'gateway, non-streaming p99', plain, 'total', 99, ADDED_P99_TARGET_US),
    pair('gateway_stream_ttfb_p50_us', 'gateway, streaming first byte p50', streamed, 'firstByte', 50, ADDED_P50_TARGET_US),
    pair('gateway_stream_ttfb_p99_us', 'gateway, streaming first byte p99', streamed, 'firstByte', 99, ADDED_P99_TARGET_US),
    pair('gateway_stream_total_p50_us', 'gateway, streaming total p50', streamed, 'total', 50, ADDED_P50_TARGET_US),
    pair('gateway_stream_total_p99_us', 'gateway, streaming total p99', streamed, 'total', 99, ADDED_P99_TARGET_US),
    {
      key: 'gateway_routed_p50_us',
      label: 'gateway, brains/auto with routing, limits and recording, p50',
      unit: 'µs',
      value: routedP50,
      limitKey: 'gateway_passthrough_p50_us',
      limitLabel: 'the gateway, a named model, no limits (pass-through)',
      limit: plainP50,
      target: { text: `≤ pass-through + ${ROUTED_P50_TARGET_US / 1000} ms`, met: routedP50 === null || plainP50 === null ? null : routedP50 - plainP50 <= ROUTED_P50_TARGET_US },
    },
    {
      key: 'gateway_echo_rps',
      label: `gateway, echo provider, ${CONCURRENCY} in flight`,
      unit: 'req/s',
      value: echoRps,
      limitKey: 'gateway_upstream_rps',
      limitLabel: `the fake upstream alone, ${CONCURRENCY} in flight`,
      limit: perSecond(counts.throughput, rawNs),
      target: { text: `≥ ${ECHO_RPS_TARGET} req/s`, met: echoRps >= ECHO_RPS_TARGET },
    },
  ];
}

if (process.argv.includes('--fake-upstream') && process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  void serveFakeUpstream().then((upstream) => {
    process.send!(upstream.url);
    process.once('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
  });
}
