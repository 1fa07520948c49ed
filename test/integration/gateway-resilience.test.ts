// Gateway resilience against fake upstreams: a provider's 500 or 429 (its Retry-After respected) retried to success, a connect error and a timeout,
// the circuit breaker opening and half-opening (in gateway.status and /health), fallback to the tier's next model, pass-through answers judged
// before a byte is relayed, and no retry once a stream has started sending to the client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { withDaemon } from '../helpers/with-daemon.js';
import { waitFor } from '../helpers/daemon.js';
import { anthropicJson, delta, dropMidStream, failWith, fakeUpstream, hang, openAIJson, openAIStream, sseLine, type FakeUpstream } from '../helpers/fake-upstream.js';

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('gateway resilience against fake upstreams', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0' } });
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let url = '';
  let adminKey = '';
  let deadPort = 0;
  const openai = () => new OpenAI({ baseURL: `${url}/v1`, apiKey: adminKey, maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: url, apiKey: adminKey, maxRetries: 0 });
  const ask = (model: string, content = 'x') => openai().chat.completions.create({ model, messages: [{ role: 'user', content }] });
  const lastRow = async () => (await client.call('gateway.requests', { limit: 1 })).requests[0]!;
  const config = () => ({
    providers: {
      main: { type: 'openai_compatible', base_url: `${primary.url}/v1`, retries: 2, breaker: { failures: 100 } },
      spare: { type: 'openai_compatible', base_url: `${backup.url}/v1`, retries: 0 },
      flaky: { type: 'openai_compatible', base_url: `${primary.url}/v1`, retries: 0, breaker: { failures: 2, cooldown_seconds: 0.5 } },
      gone: { type: 'openai_compatible', base_url: `http://127.0.0.1:${deadPort}/v1`, retries: 1 },
      slow: { type: 'openai_compatible', base_url: `${primary.url}/v1`, retries: 0, timeout_seconds: 1 },
      own: { type: 'anthropic', base_url: primary.url, pass_through: true, retries: 1 },
    },
    models: {
      'main-m': { provider: 'main', model: 'up-main' },
      'spare-m': { provider: 'spare', model: 'up-spare' },
      'flaky-m': { provider: 'flaky', model: 'up-flaky' },
      'gone-m': { provider: 'gone', model: 'up-gone' },
      'slow-m': { provider: 'slow', model: 'up-slow' },
      'own-m': { provider: 'own', model: 'claude-own' },
    },
    tiers: { resilient: ['flaky-m', 'spare-m'], unreachable: ['gone-m', 'spare-m'], patient: ['slow-m', 'spare-m'] },
  });

  before(async () => {
    primary = await fakeUpstream();
    backup = await fakeUpstream();
    deadPort = await closedPort();
    url = (await client.call('system.info')).gateway_url!;
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
    await client.call('gateway.config_set', { config: config() });
  });
  after(async () => {
    await primary?.close();
    await backup?.close();
  });

  test('a 500 is retried with backoff and the retry answers; the record says 2 attempts', async () => {
    const before = primary.received.length;
    primary.next(failWith(500));
    primary.next(openAIJson({ content: 'second time lucky' }));
    const done = await ask('main-m');
    assert.equal(done.choices[0]!.message.content, 'second time lucky');
    assert.equal(primary.received.length - before, 2);
    const row = await lastRow();
    assert.deepEqual([row.status, row.attempts, row.provider, row.fallback_from], [200, 2, 'main', null]);
    assert.match(row.route_reasons!.join('\n'), /attempt 1 \(main\): provider main answered 500: scripted 500/);
  });

  test('a 429 is retried after the Retry-After it names; one that asks too long is answered with its own 429 and Retry-After', async () => {
    const before = primary.received.length;
    primary.next(failWith(429, 1));
    primary.next(openAIJson({ content: 'after the pause' }));
    const done = await ask('main-m');
    assert.equal(done.choices[0]!.message.content, 'after the pause');
    const [first, second] = primary.received.slice(before);
    assert.ok(second!.at - first!.at >= 900, `the retry waited out Retry-After: 1 (${second!.at - first!.at} ms)`);

    primary.next(failWith(429, 120));
    const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'main-m', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '120');
    assert.equal(((await refused.json()) as any).error.type, 'rate_limit_error');
    assert.match((await lastRow()).route_reasons!.join('\n'), /provider main asks to wait 120 s: not retried/);
  });

  test('retries run out: the last failure is answered in the caller’s format', async () => {
    for (let i = 0; i < 3; i += 1) primary.next(failWith(503));
    await assert.rejects(anthropic().messages.create({ model: 'main-m', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 503 && e.error?.error?.type === 'overloaded_error');
    assert.equal((await lastRow()).attempts, 3);
  });

  test('a provider that cannot be reached is retried, then the tier falls back to its next model', async () => {
    backup.next(openAIJson({ content: 'from the spare' }));
    const done = await ask('unreachable');
    assert.equal(done.choices[0]!.message.content, 'from the spare');
    const row = await lastRow();
    assert.deepEqual([row.provider, row.upstream_model, row.attempts, row.fallback_from, row.route_tier], ['spare', 'up-spare', 3, 'gone-m', 'unreachable']);
    assert.match(row.route_reasons!.join('\n'), /could not be reached \(ECONNREFUSED\)[\s\S]*falling back to spare-m \(spare\)/);
  });

  test('a provider that does not answer within timeout_seconds is given up on, and the tier falls back', async () => {
    primary.next(hang());
    backup.next(openAIJson({ content: 'the spare was quicker' }));
    const done = await ask('patient');
    assert.equal(done.choices[0]!.message.content, 'the spare was quicker');
    const row = await lastRow();
    assert.deepEqual([row.provider, row.fallback_from], ['spare', 'slow-m']);
    assert.match(row.route_reasons!.join('\n'), /did not answer within 1 s/);
  });

  test('the breaker opens after its failures (the tier falls back), half-opens after its cool-down, and closes when the trial succeeds', async () => {
    const breakerOf = async () => (await client.call('gateway.status', {})).breakers.find((b) => b.provider === 'flaky')!;
    assert.equal((await breakerOf()).state, 'closed');
    primary.next(failWith(500));
    backup.next(openAIJson({ content: 'spare 1' }));
    assert.equal((await ask('resilient')).choices[0]!.message.content, 'spare 1');
    assert.deepEqual([(await breakerOf()).state, (await breakerOf()).consecutive_failures], ['closed', 1]);
    primary.next(failWith(502));
    backup.next(openAIJson({ content: 'spare 2' }));
    assert.equal((await ask('resilient')).choices[0]!.message.content, 'spare 2');
    const open = await breakerOf();
    assert.deepEqual([open.state, open.consecutive_failures], ['open', 2]);
    assert.ok(open.opens_until !== null && Date.parse(open.opens_until) > Date.now() - 1000);
    const health = (await (await fetch(`${url}/health`)).json()) as any;
    assert.equal(health.breakers.find((b: any) => b.provider === 'flaky').state, 'open');

    const before = primary.received.length;
    backup.next(openAIJson({ content: 'spare 3' }));
    assert.equal((await ask('resilient')).choices[0]!.message.content, 'spare 3');
    assert.equal(primary.received.length, before, 'an open breaker sends nothing to its provider');
    const skipped = await lastRow();
    assert.deepEqual([skipped.attempts, skipped.fallback_from], [1, 'flaky-m']);
    assert.ok(skipped.route_reasons!.includes('provider flaky: circuit breaker open, skipped'));

    const alone = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'flaky-m', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(alone.status, 503);
    assert.match(alone.headers.get('retry-after')!, /^\d+$/);
    assert.match(((await alone.json()) as any).error.message, /^provider flaky is unavailable: its circuit breaker is open after repeated failures/);

    await waitFor(async () => (await breakerOf()).state === 'half_open', 5000, 'the cool-down to end');
    primary.next(failWith(500));
    backup.next(openAIJson({ content: 'spare 4' }));
    await ask('resilient');
    assert.equal((await breakerOf()).state, 'open', 'a failed trial opens it again');
    await waitFor(async () => (await breakerOf()).state === 'half_open', 5000, 'the second cool-down to end');
    primary.next(openAIJson({ content: 'flaky is back' }));
    assert.equal((await ask('resilient')).choices[0]!.message.content, 'flaky is back');
    assert.deepEqual(await breakerOf(), { provider: 'flaky', state: 'closed', consecutive_failures: 0, opens_until: null });
  });

  test('streaming: a failure before the first event is retried; once the stream has begun nothing is retried', async () => {
    primary.next(failWith(500));
    primary.next(openAIStream([delta({ role: 'assistant', content: 'streamed ' }), delta({ content: 'fine' }), delta({}, 'stop')]));
    const stream = await openai().chat.completions.create({ model: 'main-m', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'streamed fine');
    assert.equal((await lastRow()).attempts, 2);

    const before = primary.received.length;
    primary.next(dropMidStream([sseLine(null, { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] })]));
    primary.otherwise(openAIStream([delta({ content: 'a retry that must not happen' }, 'stop')]));
    try {
      const raw = await (await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'main-m', stream: true, messages: [{ role: 'user', content: 'x' }] }) })).text();
      assert.match(raw, /partial/);
      assert.doesNotMatch(raw, /must not happen/);
      assert.match(raw, /"error"/);
      assert.equal(primary.received.length - before, 1, 'one request upstream: the begun stream was not retried');
      const row = await lastRow();
      assert.deepEqual([row.status, row.attempts], [200, 1]);
      assert.match(row.error!, /^in-stream: /);
      const main = (await client.call('gateway.status', {})).breakers.find((b) => b.provider === 'main')!;
      assert.equal(main.consecutive_failures, 1, 'a stream cut short counts against its provider');
    } finally {
      primary.otherwise(null);
    }
  });

  test('pass-through: a 5xx answer is retried before a byte is relayed; the last one is relayed as the provider sent it', async () => {
    const body = { model: 'own-m', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    const send = () => fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-brains-key': adminKey, authorization: 'Bearer user-token' }, body: JSON.stringify(body) });
    primary.next(failWith(529));
    primary.next(anthropicJson([{ type: 'text', text: 'relayed after a retry' }]));
    const ok = await send();
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as any).content[0].text, 'relayed after a retry');
    assert.equal((await lastRow()).attempts, 2);

    primary.next(failWith(500));
    primary.next((res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'x-request-id': 'req_up' });
      res.end('{"type":"error","error":{"type":"api_error","message":"the provider’s own words"}}');
    });
    const failed = await send();
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get('x-request-id'), 'req_up');
    assert.equal(await failed.text(), '{"type":"error","error":{"type":"api_error","message":"the provider’s own words"}}');
  });
});
