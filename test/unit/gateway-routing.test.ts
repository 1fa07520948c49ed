// The gateway's routing and resilience parts on their own: the classifier on a table of prompts, routing plans (named models, tiers with fallbacks,
// brains/auto), gateway.json's new fields refused with their field named, the sliding-window limiter, the circuit breaker, and retries with fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, FEATURES, latestUserText } from '../../daemon/gateway/classify.js';
import { Router } from '../../daemon/gateway/routing.js';
import { checkGatewayConfig, type GatewayConfig } from '../../rpc/gateway-config.js';
import { RateLimiter, limitFor } from '../../daemon/gateway/limits.js';
import { Breaker, Breakers } from '../../daemon/gateway/breaker.js';
import { attempt, type Trace } from '../../daemon/gateway/resilience.js';
import { GatewayError } from '../../daemon/gateway/errors.js';
import { rawWithPreamble } from '../../daemon/gateway/preamble.js';
import type { ChatRequest } from '../../daemon/gateway/ir.js';

const TABLE: Array<[string, string]> = [
  ['hi', 'trivial'],
  ['thanks, that works', 'trivial'],
  ['ok', 'trivial'],
  ['Please write a short poem about autumn leaves falling on a quiet lake in the evening light.', 'trivial'],
  ['Fix this bug: TypeError: cannot read properties of undefined\n    at render (src/app.ts:3:5)', 'code_fix'],
  ['```ts\nfunction f(): number { return "x" }\n```\nwhy does this fail to compile?', 'code_fix'],
  ['Refactor src/server.ts to split the request handler into small functions and add unit tests', 'code_fix'],
  ['Traceback (most recent call last):\n  File "main.py", line 3, in <module>\nKeyError: \'x\'', 'code_fix'],
  ['Design the architecture for a multi-tenant job queue: the trade-offs between a monolith and microservices, the data model and the module boundaries', 'architecture'],
  [`We need to plan the migration of our billing system to the new database. ${'Think about every step and what could go wrong. '.repeat(50)}`, 'architecture'],
  ['Research and compare the state of the art in vector databases; evaluate the pros and cons of the alternatives', 'research'],
  ['Investigate why our p99 latency went up last week and analyze the benchmark results', 'research'],
  ['What does the --depth flag of git clone do? Point me at the documentation', 'docs_lookup'],
  ['How do I use the fetch API with a timeout? Show an example of the syntax.', 'docs_lookup'],
];

test('the classifier puts each prompt of the table in its class, the same way every time, and says why', () => {
  for (const [prompt, expected] of TABLE) {
    const first = classify(prompt);
    assert.equal(first.class, expected, `${JSON.stringify(prompt.slice(0, 60))}: ${first.reasons.join('; ')}`);
    assert.deepEqual(classify(prompt), first, 'deterministic');
    assert.ok(first.scores[first.class] >= Math.max(...Object.values(first.scores)));
    assert.match(first.reasons[first.reasons.length - 1]!, /^(class \w+ \(|no class scored)/);
  }
  const traced = classify('Fix this bug: TypeError: x is undefined in src/a.ts');
  assert.ok(traced.reasons.some((r) => /^stack trace or error output \("TypeError:"\): \+3 code_fix$/.test(r)), traced.reasons.join('\n'));
  assert.ok(traced.reasons.some((r) => /^fix words ×2 \("fix", "bug"\): \+4 code_fix$/.test(r)), traced.reasons.join('\n'));
  assert.equal(classify('').class, 'trivial');
  assert.equal(classify('x'.repeat(2_000_000)).class, 'architecture', 'a huge text is read only so far, its length counted whole');
  assert.ok(FEATURES.every((f) => Object.keys(f.weights).length > 0));
});

test('the text classified is the newest user turn with text (a turn of tool results only is skipped)', () => {
  const req = {
    messages: [
      { role: 'user', parts: [{ type: 'text', text: 'first' }] },
      { role: 'user', parts: [{ type: 'text', text: 'Design the architecture' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 't', name: 'n', arguments: '{}' }] },
      { role: 'user', parts: [{ type: 'tool_result', tool_call_id: 't', content: 'output' }] },
    ],
  } as unknown as ChatRequest;
  assert.equal(latestUserText(req), 'Design the architecture');
});

const CONFIG: GatewayConfig = {
  providers: { a: { type: 'openai_compatible', base_url: 'http://127.0.0.1:1/v1' }, b: { type: 'anthropic', base_url: 'http://127.0.0.1:2' } },
  models: { small: { provider: 'a', model: 'a-small' }, big: { provider: 'b', model: 'b-big' }, spare: { provider: 'a', model: 'a-spare' } },
  tiers: { cheap: 'small', strong: ['big', 'spare'], default: ['small', 'big'] },
  routing: { auto: { architecture: 'strong', research: 'strong', trivial: 'cheap' } },
  preamble: 'Be brief.',
};

test('routing plans: a named model goes as is; a tier lists its fallbacks; brains/auto is classified and routed by routing.auto, then the default tier', () => {
  const router = new Router(CONFIG);
  const targets = (model: string, text = '') => router.plan(model, () => text).targets.map((t) => `${t.provider.name}:${t.upstreamModel}`);
  assert.deepEqual(targets('small'), ['a:a-small']);
  assert.deepEqual(targets('strong'), ['b:b-big', 'a:a-spare']);
  assert.deepEqual(targets('a/anything'), ['a:anything']);
  assert.deepEqual(targets('nowhere'), ['echo:nowhere']);
  const named = router.plan('small', () => assert.fail('a named model is not classified'));
  assert.equal(named.preamble, null, 'the preamble is for brains/auto only');
  assert.equal(named.class, null);

  const design = router.plan('brains/auto', () => 'Design the architecture and its trade-offs');
  assert.equal(design.class, 'architecture');
  assert.equal(design.tier, 'strong');
  assert.equal(design.preamble, 'Be brief.');
  assert.ok(design.reasons.includes('routing.auto.architecture -> tier strong'), design.reasons.join('\n'));
  assert.ok(design.reasons.includes('tier strong: big (b), falling back to spare (a)'));
  const fix = router.plan('brains/auto', () => 'fix the bug in src/a.ts');
  assert.equal(fix.class, 'code_fix');
  assert.equal(fix.tier, 'default', 'no routing.auto entry: the tier named default');
  assert.match(fix.reasons.join('\n'), /the tier named default \(routing names no tier for code_fix\) -> tier default/);

  const withDefaultTier = new Router({ ...CONFIG, routing: { auto: {}, default_tier: 'cheap' } });
  assert.equal(withDefaultTier.plan('brains/auto', () => 'fix the bug').tier, 'cheap');
  const none = new Router({}).plan('brains/auto', () => 'hello');
  assert.deepEqual([none.targets[0]!.provider.name, none.tier, none.class], ['echo', null, 'trivial']);
  assert.match(none.reasons[none.reasons.length - 1]!, /^no tiers are configured: the default provider echo serves it$/);
  assert.deepEqual(router.resilience(router.route('small').provider), { retries: 2, breaker: { failures: 5, cooldownMs: 30_000 } });
});

test('gateway.json: tiers, routing, preamble, limits, retries and breaker are checked, each problem naming its field and what to write', () => {
  const problems = (value: unknown) => {
    const checked = checkGatewayConfig(value);
    return checked.ok ? [] : checked.problems;
  };
  assert.deepEqual(problems(CONFIG), []);
  const tiers = (strong: unknown) => ({ ...CONFIG, tiers: { ...CONFIG.tiers, strong } });
  assert.deepEqual(problems(tiers(['big', 'nothing'])), ['tiers.strong.1: no model named "nothing"; declare it under models']);
  assert.deepEqual(problems(tiers(['big', 'big'])), ['tiers.strong.1: "big" is listed twice; list each model once']);
  assert.match(problems(tiers([]))[0]!, /^tiers\.strong: /);
  assert.match(problems(tiers(5))[0]!, /^tiers\.strong: a model name, or a list of up to 8 model names/);
  assert.deepEqual(problems({ ...CONFIG, routing: { auto: { code_fix: 'gold' } } }), ['routing.auto.code_fix: no tier named "gold"; tiers are "cheap", "strong", "default"']);
  assert.deepEqual(problems({ ...CONFIG, routing: { default_tier: 'gold' } }), ['routing.default_tier: no tier named "gold"; tiers are "cheap", "strong", "default"']);
  assert.deepEqual(problems({ routing: { default_tier: 'gold' } }), ['routing.default_tier: no tier named "gold"; declare tiers first']);
  assert.match(problems({ routing: { auto: { coding: 'x' } } })[0]!, /^routing\.auto: unknown field "coding"/);
  assert.match(problems({ preamble: '' })[0]!, /^preamble: /);
  assert.match(problems({ limits: { per_key: { requests_per_minute: 0 } } })[0]!, /^limits\.per_key\.requests_per_minute: /);
  assert.match(problems({ limits: { per_key: { requests_per_hour: 5 } } })[0]!, /^limits\.per_key: unknown field "requests_per_hour"/);
  assert.match(problems({ limits: { keys: { 'bad name': {} } } })[0]!, /^limits\.keys\.bad name: not a gateway key name; use the name given to gateway\.key_create/);
  assert.match(problems({ limits: { agents: { 'a.b': {} } } })[0]!, /^limits\.agents\.a\.b: not an agent name/);
  assert.match(problems({ providers: { p: { type: 'ollama', retries: 11 } } })[0]!, /^providers\.p\.retries: /);
  assert.match(problems({ providers: { p: { type: 'ollama', breaker: { failures: 0 } } } })[0]!, /^providers\.p\.breaker\.failures: /);
  assert.match(problems({ providers: { p: { type: 'ollama', breaker: { cooldown: 5 } } } })[0]!, /^providers\.p\.breaker: unknown field "cooldown"/);
  assert.deepEqual(problems({ providers: { brains: { type: 'ollama' } } }), ['providers.brains: the name brains is kept for brains/auto; call the provider something else']);
  assert.deepEqual(problems({ models: { 'brains/auto': { provider: 'echo' } } }), ["models.brains/auto: brains/auto is the gateway's own routed model; use another name"]);
});

test('limits: the key name’s, else the agent’s, else per_key; requests and tokens in a sliding minute, with Retry-After', () => {
  const limits = { per_key: { requests_per_minute: 2 }, keys: { ci: { tokens_per_minute: 100 }, admin: {} }, agents: { bob: { requests_per_minute: 5 } } };
  const caller = (label: string, agent: string | null = null) => ({ label, key_id: null, agent_name: agent, project_id: agent ? 'p' : null });
  assert.deepEqual(limitFor(limits, caller('key:ci')), { bucket: 'key:ci', rule: 'limits.keys.ci', limit: { tokens_per_minute: 100 } });
  assert.deepEqual(limitFor(limits, caller('token', 'bob'))?.rule, 'limits.agents.bob');
  assert.deepEqual(limitFor(limits, caller('token', 'bob'))?.bucket, 'agent:p/bob');
  assert.deepEqual(limitFor(limits, caller('key:other'))?.rule, 'limits.per_key');
  assert.deepEqual(limitFor(limits, caller('admin'))?.limit, {}, 'an empty entry means no limit');
  assert.equal(limitFor(undefined, caller('admin')), null);

  const limiter = new RateLimiter();
  const two = { bucket: 'k', rule: 'limits.per_key', limit: { requests_per_minute: 2 } };
  assert.equal(limiter.admit(two, 10, 1_000).ok, true);
  assert.equal(limiter.admit(two, 10, 20_500).ok, true);
  const refused = limiter.admit(two, 10, 30_000);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.retryAfterSeconds, 31, 'the oldest leaves at 61 s');
  assert.match(!refused.ok ? refused.message : '', /^rate limit: k made 2 requests in the last minute \(limits\.per_key\.requests_per_minute: 2\); retry after 31 s$/);
  assert.equal(limiter.admit(two, 10, 61_001).ok, true, 'the oldest has left the window');

  const tokens = { bucket: 't', rule: 'limits.keys.ci', limit: { tokens_per_minute: 100 } };
  const first = limiter.admit(tokens, 30, 0);
  assert.ok(first.ok);
  first.ticket.settle(80);
  const over = limiter.admit(tokens, 30, 10_000);
  assert.equal(over.ok, false, 'the settled usage counts, not the estimate');
  assert.equal(!over.ok && over.retryAfterSeconds, 50);
  assert.equal(limiter.admit(tokens, 20, 10_000).ok, true);
  assert.deepEqual(limiter.views(10_000).find((v) => v.bucket === 't'), { bucket: 't', requests_last_minute: 2, tokens_last_minute: 100 });
  const huge = limiter.admit(tokens, 500, 20_000);
  assert.match(!huge.ok ? huge.message : '', /this request alone is about 500 tokens, so it waits for an empty window/);
  assert.equal(!huge.ok && huge.retryAfterSeconds, 50, 'until the last entry leaves');
  assert.equal(limiter.admit(tokens, 500, 80_000).ok, true, 'into an empty window it goes');
  assert.equal(limiter.admit(null, 1e9).ok, true);
});

test('the breaker opens after N consecutive failures, half-opens after its cool-down with one trial call, and closes on its success', () => {
  let now = 1_000;
  const opened: string[] = [];
  const breaker = new Breaker('p', (provider) => opened.push(provider), () => now);
  const settings = { failures: 2, cooldownMs: 500 };
  breaker.enter(settings)!.failed();
  breaker.enter(settings)!.succeeded();
  assert.equal(breaker.view().consecutive_failures, 0, 'a success resets the count');
  breaker.enter(settings)!.failed();
  assert.equal(breaker.view().state, 'closed');
  breaker.enter(settings)!.failed();
  assert.deepEqual(breaker.view(), { provider: 'p', state: 'open', consecutive_failures: 2, opens_until: new Date(1_500).toISOString() });
  assert.deepEqual(opened, ['p']);
  assert.equal(breaker.enter(settings), null);
  now = 1_500;
  assert.equal(breaker.view().state, 'half_open');
  const trial = breaker.enter(settings)!;
  assert.ok(trial);
  assert.equal(breaker.enter(settings), null, 'one trial at a time');
  trial.released();
  const again = breaker.enter(settings)!;
  again.failed();
  assert.equal(breaker.view().state, 'open', 'a failed trial opens it again');
  now = 2_000;
  breaker.enter(settings)!.succeeded();
  assert.deepEqual(breaker.view(), { provider: 'p', state: 'closed', consecutive_failures: 0, opens_until: null });
});

test('attempts: retried on a transient failure, then the next target; a bad request is neither retried nor fallen back from; open breakers are skipped', async () => {
  const router = new Router(CONFIG);
  const targets = router.plan('strong', () => '').targets;
  const breakers = new Breakers();
  const run = (script: Array<'ok' | 'transient' | 'bad'>) => {
    const calls: string[] = [];
    return {
      calls,
      go: async (target: (typeof targets)[number]) => {
        calls.push(target.model!);
        const next = script.shift();
        if (next === 'transient') throw new GatewayError('upstream', 'scripted 500', { transient: true, upstreamStatus: 500 });
        if (next === 'bad') throw new GatewayError('invalid_request', 'scripted 400', { upstreamStatus: 400 });
        return target.model!;
      },
    };
  };
  const options = (go: (t: (typeof targets)[number]) => Promise<string>, trace: Trace) => ({
    targets,
    breakers,
    resilience: () => ({ retries: 1, breaker: { failures: 2, cooldownMs: 60_000 } }),
    signal: new AbortController().signal,
    trace,
    run: go,
  });
  const trace = (): Trace => ({ attempts: 0, fallbackFrom: null, notes: [] });

  const retried = run(['transient', 'ok']);
  const t1 = trace();
  assert.equal((await attempt(options(retried.go, t1))).value, 'big');
  assert.deepEqual([retried.calls, t1.attempts, t1.fallbackFrom], [['big', 'big'], 2, null]);

  const fellBack = run(['transient', 'transient', 'ok']);
  const t2 = trace();
  assert.equal((await attempt(options(fellBack.go, t2))).value, 'spare');
  assert.deepEqual([fellBack.calls, t2.attempts, t2.fallbackFrom], [['big', 'big', 'spare'], 3, 'big']);
  assert.equal(breakers.of('b').view().state, 'open', 'two failures in a row');

  const skipped = run(['ok']);
  const t3 = trace();
  assert.equal((await attempt(options(skipped.go, t3))).value, 'spare');
  assert.ok(t3.notes.includes('provider b: circuit breaker open, skipped'));

  const bad = run(['bad']);
  await assert.rejects(attempt({ ...options(bad.go, trace()), targets: [targets[1]!] }), /scripted 400/);
  assert.deepEqual(bad.calls, ['spare']);

  const allOpen = new Breakers();
  for (let i = 0; i < 3; i += 1) allOpen.of('b').enter({ failures: 3, cooldownMs: 60_000 })!.failed();
  await assert.rejects(
    attempt({ ...options(run([]).go, trace()), targets: [targets[0]!], breakers: allOpen }),
    (e: GatewayError) => e.status === 503 && /provider b is unavailable: its circuit breaker is open/.test(e.message) && Number(e.headers()['Retry-After']) >= 59,
  );
});

test('the preamble goes first: Anthropic system (string or blocks), OpenAI messages', () => {
  assert.deepEqual(rawWithPreamble('messages', { system: 'own' }, 'P').system, 'P\n\nown');
  assert.deepEqual(rawWithPreamble('messages', {}, 'P').system, 'P');
  assert.deepEqual(rawWithPreamble('messages', { system: [{ type: 'text', text: 'own', cache_control: { type: 'ephemeral' } }] }, 'P').system, [
    { type: 'text', text: 'P' },
    { type: 'text', text: 'own', cache_control: { type: 'ephemeral' } },
  ]);
  assert.deepEqual(rawWithPreamble('chat.completions', { messages: [{ role: 'user', content: 'x' }] }, 'P').messages, [
    { role: 'system', content: 'P' },
    { role: 'user', content: 'x' },
  ]);
});
