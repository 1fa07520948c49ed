// Gateway routing against a fake upstream: gateway.classify on a table of prompts, gateway.route for a named model and brains/auto, brains/auto
// requests routed to their tier and the decision recorded, the operator preamble as a system message, per-key rate limits answered 429 with
// Retry-After in the caller's format, and the new methods refusing wrong, missing, oversized and hostile params.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { withDaemon } from '../helpers/with-daemon.js';
import { invalidParams, refusedWith } from '../helpers/rpc-assert.js';
import { anthropicJson, fakeUpstream, openAIJson, type FakeUpstream } from '../helpers/fake-upstream.js';

const TABLE: Array<[string, string, string | null]> = [
  ['hi', 'trivial', 'cheap'],
  ['thanks!', 'trivial', 'cheap'],
  ['Fix this bug: TypeError: x is undefined\n    at run (src/a.ts:1:2)', 'code_fix', 'default'],
  ['```js\nconst a = b.c;\n```\nthis crashes, fix it', 'code_fix', 'default'],
  ['Refactor src/store.ts: rename the method and add unit tests', 'code_fix', 'default'],
  ['Design the architecture of the sync service: trade-offs, data model, boundaries', 'architecture', 'strong'],
  ['Research and compare the alternatives for full-text search, with their pros and cons', 'research', 'strong'],
  ['Investigate and analyze the benchmark results of last week', 'research', 'strong'],
  ['What does the --frozen-lockfile flag do? Link the documentation', 'docs_lookup', 'cheap'],
  ['How do I use AbortSignal.timeout? Show an example of the syntax.', 'docs_lookup', 'cheap'],
  ['ok', 'trivial', 'cheap'],
];

describe('gateway routing against a fake upstream', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0' } });
  let upstream: FakeUpstream;
  let url = '';
  let adminKey = '';
  const openai = (apiKey = adminKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  const anthropic = (apiKey = adminKey) => new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
  const lastSent = () => upstream.received[upstream.received.length - 1]!;
  const config = () => ({
    providers: {
      oai: { type: 'openai_compatible', base_url: `${upstream.url}/v1`, retries: 0 },
      own: { type: 'anthropic', base_url: upstream.url, pass_through: true, retries: 0 },
    },
    models: { 'small-up': { provider: 'oai', model: 'up-small' }, 'mid-up': { provider: 'oai', model: 'up-mid' }, 'big-up': { provider: 'oai', model: 'up-big' }, 'claude-own': { provider: 'own', model: 'claude-up' } },
    tiers: { cheap: 'small-up', default: 'mid-up', strong: ['big-up', 'mid-up'], mine: 'claude-own' },
    routing: { auto: { trivial: 'cheap', docs_lookup: 'cheap', architecture: 'strong', research: 'strong' } },
    preamble: 'Brains preamble: keep answers short.',
  });

  before(async () => {
    upstream = await fakeUpstream();
    url = (await client.call('system.info')).gateway_url!;
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
    await client.call('gateway.config_set', { config: config() });
  });
  after(async () => upstream?.close());

  test('gateway.classify: each prompt of the table gets its class and its tier, with reasons', async () => {
    for (const [text, expected, tier] of TABLE) {
      const verdict = await client.call('gateway.classify', { text });
      assert.equal(verdict.class, expected, `${JSON.stringify(text)}: ${verdict.reasons.join('; ')}`);
      assert.equal(verdict.tier, tier);
      assert.equal(Object.keys(verdict.scores).length, 5);
      assert.ok(verdict.reasons.length >= 2);
    }
    const fix = await client.call('gateway.classify', { text: TABLE[2]![0] });
    assert.ok(fix.reasons.includes('the tier named default (routing names no tier for code_fix) -> tier default'), fix.reasons.join('\n'));
  });

  test('gateway.route: a named model goes as is; a tier lists its fallbacks; brains/auto says its class, tier and why', async () => {
    const named = await client.call('gateway.route', { model: 'small-up' });
    assert.deepEqual(named.targets, [{ model: 'small-up', provider: 'oai', upstream_model: 'up-small', breaker: 'closed' }]);
    assert.deepEqual([named.auto, named.class, named.tier, named.preamble, named.scores], [false, null, null, false, null]);
    const tier = await client.call('gateway.route', { model: 'strong' });
    assert.deepEqual(tier.targets.map((t) => t.upstream_model), ['up-big', 'up-mid']);
    assert.equal(tier.tier, 'strong');
    const auto = await client.call('gateway.route', { model: 'brains/auto', text: 'Design the architecture of the sync service: trade-offs' });
    assert.deepEqual([auto.auto, auto.class, auto.tier, auto.preamble], [true, 'architecture', 'strong', true]);
    assert.deepEqual(auto.targets.map((t) => t.model), ['big-up', 'mid-up']);
    assert.ok(auto.reasons.includes('routing.auto.architecture -> tier strong'));
    assert.ok(auto.reasons.includes('tier strong: big-up (oai), falling back to mid-up (oai)'));
    const elsewhere = await client.call('gateway.route', { model: 'some-model' });
    assert.deepEqual(elsewhere.reasons, ['no model, tier or provider is named some-model: the default provider echo']);
  });

  test('brains/auto requests go to their tier’s model, with the preamble first; the decision and its reasons are recorded', async () => {
    upstream.next(openAIJson({ content: 'routed' }));
    const done = await openai().chat.completions.create({
      model: 'brains/auto',
      messages: [
        { role: 'system', content: 'caller system' },
        { role: 'user', content: 'Research and compare the alternatives, with pros and cons' },
      ],
    });
    assert.equal(done.choices[0]!.message.content, 'routed');
    assert.equal(done.model, 'brains/auto', 'answered as the model the caller named');
    assert.equal(lastSent().body.model, 'up-big');
    assert.deepEqual(lastSent().body.messages[0], { role: 'system', content: 'Brains preamble: keep answers short.\n\ncaller system' });

    upstream.next(openAIJson({ content: 'named' }));
    await openai().chat.completions.create({ model: 'small-up', messages: [{ role: 'system', content: 'caller system' }, { role: 'user', content: 'Research and compare' }] });
    assert.deepEqual(lastSent().body.messages[0], { role: 'system', content: 'caller system' }, 'a named model goes as is: no preamble');

    const [named, routed] = (await client.call('gateway.requests', { limit: 2 })).requests;
    assert.deepEqual([routed!.model, routed!.provider, routed!.upstream_model, routed!.route_class, routed!.route_tier, routed!.attempts, routed!.fallback_from], ['brains/auto', 'oai', 'up-big', 'research', 'strong', 1, null]);
    assert.ok(routed!.route_reasons!.some((r) => /^research words ×\d/.test(r)), routed!.route_reasons!.join('\n'));
    assert.ok(routed!.route_reasons!.includes('routing.auto.research -> tier strong'));
    assert.ok(routed!.route_reasons!.includes('the operator preamble goes before the system prompt'));
    assert.deepEqual([named!.route_class, named!.route_tier, named!.route_reasons], [null, null, ['model small-up: provider oai as up-small']]);
  });

  test('brains/auto through a pass-through provider: the body goes up as sent but for the model and the preamble as the first system block', async () => {
    await client.call('gateway.config_set', { config: { ...config(), routing: { auto: {}, default_tier: 'mine' } } });
    try {
      upstream.next(anthropicJson([{ type: 'text', text: 'from your subscription' }]));
      const raw = { model: 'brains/auto', max_tokens: 20, metadata: { user_id: 'u1' }, system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'fix the bug' }] };
      const answered = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-brains-key': adminKey, authorization: 'Bearer user-token' }, body: JSON.stringify(raw) });
      assert.equal(answered.status, 200);
      assert.deepEqual(lastSent().body, { ...raw, model: 'claude-up', system: [{ type: 'text', text: 'Brains preamble: keep answers short.' }, ...raw.system] });
      assert.equal(lastSent().headers.authorization, 'Bearer user-token');
    } finally {
      await client.call('gateway.config_set', { config: config() });
    }
  });

  test('with no tiers, brains/auto goes to the default provider (echo) and says so', async () => {
    await client.call('gateway.config_set', { config: {} });
    try {
      const done = await anthropic().messages.create({ model: 'brains/auto', max_tokens: 20, messages: [{ role: 'user', content: 'hello there' }] });
      assert.deepEqual(done.content, [{ type: 'text', text: 'echo: hello there' }]);
      const [row] = (await client.call('gateway.requests', { limit: 1 })).requests;
      assert.deepEqual([row!.provider, row!.route_class, row!.route_tier], ['echo', 'trivial', null]);
      assert.equal(row!.route_reasons!.at(-1), 'no tiers are configured: the default provider echo serves it');
      const verdict = await client.call('gateway.classify', { text: 'hello there' });
      assert.equal(verdict.tier, null);
    } finally {
      await client.call('gateway.config_set', { config: config() });
    }
  });

  test('rate limits: past requests_per_minute a key gets 429 with Retry-After, in OpenAI’s shape and in Anthropic’s; other keys go on', async () => {
    const ci = await client.call('gateway.key_create', { name: 'ci' });
    await client.call('gateway.config_set', { config: { ...config(), limits: { keys: { ci: { requests_per_minute: 2 } } } } });
    try {
      await openai(ci.key).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'one' }] });
      await anthropic(ci.key).messages.create({ model: 'echo', max_tokens: 5, messages: [{ role: 'user', content: 'two' }] });
      const openaiRefusal = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${ci.key}` }, body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'three' }] }) });
      assert.equal(openaiRefusal.status, 429);
      const retryAfter = Number(openaiRefusal.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${openaiRefusal.headers.get('retry-after')}`);
      const body = (await openaiRefusal.json()) as any;
      assert.equal(body.error.type, 'rate_limit_error');
      assert.equal(body.error.code, 'rate_limit_exceeded');
      assert.match(body.error.message, /^rate limit: key:ci made 2 requests in the last minute \(limits\.keys\.ci\.requests_per_minute: 2\); retry after \d+ s$/);

      const anthropicRefusal = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': ci.key }, body: JSON.stringify({ model: 'echo', max_tokens: 5, messages: [{ role: 'user', content: 'four' }] }) });
      assert.equal(anthropicRefusal.status, 429);
      assert.match(anthropicRefusal.headers.get('retry-after')!, /^\d+$/);
      const anthropicBody = (await anthropicRefusal.json()) as any;
      assert.equal(anthropicBody.type, 'error');
      assert.equal(anthropicBody.error.type, 'rate_limit_error');
      await assert.rejects(anthropic(ci.key).messages.create({ model: 'echo', max_tokens: 5, messages: [{ role: 'user', content: 'five' }] }), (e: any) => e.status === 429);

      await openai().chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'the admin key has no limit here' }] });
      const [row] = (await client.call('gateway.requests', { limit: 2 })).requests.filter((r) => r.key === 'key:ci');
      assert.deepEqual([row!.status, row!.attempts], [429, 0]);
      const status = await client.call('gateway.status', {});
      assert.deepEqual(status.limits.find((l) => l.bucket === 'key:ci')?.requests_last_minute, 2);
    } finally {
      await client.call('gateway.config_set', { config: config() });
    }
  });

  test('rate limits: tokens_per_minute counts the estimate at admission and the real usage after the answer', async () => {
    await client.call('project.create', { project_id: 'rl', name: 'rl' });
    const token = await client.call('mcp.token', { project_id: 'rl', agent_name: 'spender' });
    await client.call('gateway.config_set', { config: { ...config(), limits: { per_key: { tokens_per_minute: 1000 } } } });
    try {
      upstream.next(openAIJson({ content: 'x' }, 'stop', { prompt_tokens: 400, completion_tokens: 550, total_tokens: 950 }));
      await openai(token.token).chat.completions.create({ model: 'small-up', messages: [{ role: 'user', content: 'a short prompt' }] });
      const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` }, body: JSON.stringify({ model: 'small-up', messages: [{ role: 'user', content: 'x'.repeat(400) }] }) });
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('retry-after')!, /^\d+$/);
      assert.match(((await refused.json()) as any).error.message, /^rate limit: agent:rl\/spender used 950 tokens in the last minute \(limits\.per_key\.tokens_per_minute: 1000\)/);
      const status = await client.call('gateway.status', {});
      assert.deepEqual(status.limits.find((l) => l.bucket === 'agent:rl/spender'), { bucket: 'agent:rl/spender', requests_last_minute: 1, tokens_last_minute: 950 });
    } finally {
      await client.call('gateway.config_set', { config: config() });
    }
  });

  test('gateway.config_set refuses a bad routing, limits or resilience config, naming the field and what to write', async () => {
    const bad = await refusedWith(client.call('gateway.config_set', { config: { ...config(), routing: { auto: { code_fix: 'gold' } } } }), 'INVALID');
    assert.match(bad.message, /routing\.auto\.code_fix: no tier named "gold"; tiers are "cheap", "default", "strong", "mine"/);
    const limits = await refusedWith(client.call('gateway.config_set', { config: { limits: { per_key: { requests_per_minute: -1 } } } }), 'INVALID');
    assert.match(limits.message, /limits\.per_key\.requests_per_minute/);
    const breaker = await refusedWith(client.call('gateway.config_set', { config: { providers: { p: { type: 'ollama', breaker: { failures: 'many' } } } } }), 'INVALID');
    assert.match(breaker.message, /providers\.p\.breaker\.failures/);
  });

  test('gateway.classify, gateway.route and gateway.status refuse wrong, missing, oversized and hostile params', async () => {
    await invalidParams(client.call('gateway.classify', {} as any));
    await invalidParams(client.call('gateway.classify', { text: 42 } as any));
    await invalidParams(client.call('gateway.classify', { text: 'x'.repeat(1_048_577) }));
    await invalidParams(client.call('gateway.classify', { text: 'x', extra: 1 } as any));
    await invalidParams(client.call('gateway.classify', JSON.parse('{"text":"x","__proto__":{"admin":true}}')));
    const hostile = await client.call('gateway.classify', { text: '\u0000\u202e```\u200b' });
    assert.equal(typeof hostile.class, 'string', 'any text is a prompt to classify');
    await invalidParams(client.call('gateway.route', {} as any));
    await invalidParams(client.call('gateway.route', { model: '' }));
    await invalidParams(client.call('gateway.route', { model: 'm'.repeat(257) }));
    await invalidParams(client.call('gateway.route', { model: 'bad\u202emodel' }));
    await invalidParams(client.call('gateway.route', { model: ['brains/auto'] } as any));
    await invalidParams(client.call('gateway.route', { model: 'brains/auto', text: 7 } as any));
    await invalidParams(client.call('gateway.route', { model: 'm', modle: 'x' } as any));
    await invalidParams(client.call('gateway.status', { verbose: true } as any));
    const wrongName = await client.call('gateway.route', { model: 'x', txt: 'y' } as any).catch((e: any) => e);
    assert.equal(wrongName.code, -32602);
    assert.match(wrongName.message, /text/, 'names the param it meant');
    const status = await client.call('gateway.status', {});
    assert.equal(status.gateway.state, 'on');
    assert.deepEqual(status.breakers.map((b) => b.provider).sort(), ['echo', 'oai', 'own']);
  });
});
