// Gateway accounting against a fake upstream that reports real usage: the cost of each request from gateway.json's prices
// (the model that ran, else the name asked for), gateway.usage by key, agent, model, day and task (a claimed task is
// charged), budgets refused with 429 in the OpenAI and the Anthropic shape and told to the operator once, the spend and
// the notice surviving a restart; and gateway.usage refusing wrong, missing, oversized and hostile params.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withDaemon } from '../helpers/with-daemon.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { anthropicJson, fakeUpstream, openAIJson, type FakeUpstream } from '../helpers/fake-upstream.js';
import { eventsSince, headSeq, invalidParams, projectWith, refusedWith } from '../helpers/rpc-assert.js';
import type { BrainsClient } from '../../rpc/client.js';

const GATEWAY_ENV = { BRAINS_GATEWAY_PORT: '0' };

/** gpt-up is priced by the model that runs (up-gpt); claude-x by the name asked for (its upstream claude-up has none); free has no price. */
function configFor(upstream: FakeUpstream, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: { oai: { type: 'openai_compatible', base_url: `${upstream.url}/v1` }, ant: { type: 'anthropic', base_url: upstream.url } },
    models: { 'gpt-up': { provider: 'oai', model: 'up-gpt' }, 'claude-x': { provider: 'ant', model: 'claude-up' } },
    prices: { 'up-gpt': { input_per_mtok: 1, output_per_mtok: 2 }, 'claude-x': { input_per_mtok: 3, output_per_mtok: 15 } },
    ...extra,
  };
}

/** openAIJson reports 11 in and 7 out; anthropicJson 13 in and 5 out. */
const GPT_COST = (11 * 1 + 7 * 2) / 1e6;
const CLAUDE_COST = (13 * 3 + 5 * 15) / 1e6;

function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} is not ${expected}`);
}

interface Gateway {
  url: string;
  adminKey: string;
}

async function gatewayOf(client: BrainsClient, daemon: TestDaemon): Promise<Gateway> {
  return { url: (await client.call('system.info')).gateway_url!, adminKey: readFileSync(daemon.paths.adminKey, 'utf8').trim() };
}

function chat(gw: Gateway, key: string, model: string, text = 'hello'): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }) });
}

function messages(gw: Gateway, key: string, model: string, text = 'hello'): Promise<Response> {
  return fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key }, body: JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'user', content: text }] }) });
}

describe('gateway accounting: cost per request and gateway.usage', () => {
  const { daemon, client } = withDaemon({ env: GATEWAY_ENV });
  let upstream: FakeUpstream;
  let gw: Gateway;

  before(async () => {
    upstream = await fakeUpstream();
    gw = await gatewayOf(client, daemon);
    await client.call('gateway.config_set', { config: configFor(upstream) });
    await projectWith(client, 'acc', ['alice']);
  });
  after(async () => upstream?.close());

  test('each request costs its tokens at its price (upstream name first, then the name asked for); usage sums them by key, agent, model, day and task', async () => {
    const since = new Date().toISOString();
    const alice = (await client.call('mcp.token', { project_id: 'acc', agent_name: 'alice' })).token;
    const ci = (await client.call('gateway.key_create', { name: 'ci' })).key;

    upstream.next(openAIJson({ content: 'a' }));
    assert.equal((await chat(gw, gw.adminKey, 'gpt-up')).status, 200);
    upstream.next(anthropicJson([{ type: 'text', text: 'b' }]));
    assert.equal((await messages(gw, alice, 'claude-x')).status, 200);
    assert.equal((await chat(gw, ci, 'free')).status, 200, 'echo, with no price');

    // alice claims a task: her next request is charged to it too; after she lets it go, no more.
    await client.call('task.create', { project_id: 'acc', created_by: 'alice', title: 'Fix the build' });
    const task = (await client.call('task.claim', { project_id: 'acc', agent_name: 'alice' })).task!;
    upstream.next(anthropicJson([{ type: 'text', text: 'c' }]));
    assert.equal((await chat(gw, alice, 'claude-x')).status, 200);
    await client.call('task.release', { project_id: 'acc', agent_name: 'alice', task_id: task.task_id });
    upstream.next(anthropicJson([{ type: 'text', text: 'd' }]));
    assert.equal((await chat(gw, alice, 'claude-x')).status, 200);

    const { requests } = await client.call('gateway.requests', { since });
    const byKey = (key: string) => requests.filter((r) => r.key === key);
    near(byKey('admin')[0]!.cost, GPT_COST, 'priced by the upstream model');
    assert.equal(byKey('admin')[0]!.tokens_estimated, false);
    assert.deepEqual(byKey('token').map((r) => r.task_id), [null, task.task_id, null], 'newest first: only the request made while the task was held is charged to it');
    for (const r of byKey('token')) near(r.cost, CLAUDE_COST, 'priced by the name asked for');
    assert.equal(byKey('key:ci')[0]!.cost, null, 'no price, no cost');

    const usage = async (by: 'key' | 'agent' | 'model' | 'day' | 'task') => client.call('gateway.usage', { by, since });
    const keys = await usage('key');
    assert.deepEqual(
      keys.rows.map((r) => [r.group, r.requests]),
      [
        ['token:acc/alice', 3],
        ['admin', 1],
        ['key:ci', 1],
      ],
      'most costly first; an unpriced group last',
    );
    near(keys.rows[0]!.cost, 3 * CLAUDE_COST, 'alice’s token');
    assert.equal(keys.rows[2]!.cost, null);
    assert.equal(keys.rows[2]!.unpriced_requests, 1);
    assert.equal(keys.totals.requests, 5);
    near(keys.totals.cost, GPT_COST + 3 * CLAUDE_COST, 'the total');
    assert.equal(keys.totals.input_tokens, 11 + 3 * 13 + byKey('key:ci')[0]!.input_tokens!);
    assert.equal(keys.totals.cost_estimated, false, 'the echo request has no cost, so none of the cost is estimated');

    const agents = await usage('agent');
    assert.deepEqual(agents.rows.map((r) => [r.group, r.project_id, r.requests]), [['alice', 'acc', 3], [null, null, 2]]);
    assert.equal(agents.rows[0]!.output_tokens, 15);

    const models = await usage('model');
    assert.deepEqual(models.rows.map((r) => r.group), ['claude-up', 'up-gpt', 'free'], 'the model that ran');

    const days = await usage('day');
    assert.deepEqual(days.rows.map((r) => [r.group, r.requests]), [[new Date().toISOString().slice(0, 10), 5]]);

    const tasks = await usage('task');
    assert.deepEqual(tasks.rows.map((r) => [r.group, r.project_id, r.requests]), [[null, null, 4], [task.task_id, 'acc', 1]]);
    near(tasks.rows[1]!.cost, CLAUDE_COST, 'the task’s cost');

    const onlyAlice = await client.call('gateway.usage', { by: 'model', since, agent_name: 'alice', limit: 1 });
    assert.equal(onlyAlice.rows.length, 1);
    assert.equal(onlyAlice.truncated, false);
    const limited = await client.call('gateway.usage', { by: 'key', since, limit: 1 });
    assert.equal(limited.truncated, true);
    assert.equal(limited.totals.requests, 5, 'totals count what the limit left out');
  });

  test('since takes today, week, month and spans (UTC); until ends the range; count_tokens is not usage', async () => {
    const today = await client.call('gateway.usage', { by: 'day', since: 'today' });
    assert.equal(today.since, `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
    const week = await client.call('gateway.usage', { by: 'day', since: 'week' });
    assert.equal(new Date(week.since!).getUTCDay(), 1, 'a week starts on Monday');
    assert.ok((await client.call('gateway.usage', { by: 'day', since: '7d' })).totals.requests >= today.totals.requests);
    assert.equal((await client.call('gateway.usage', { by: 'day', since: 'month' })).since!.slice(8), '01T00:00:00.000Z');
    const before = (await client.call('gateway.usage', { by: 'key', since: '1h' })).totals.requests;
    const counted = await fetch(`${gw.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': gw.adminKey }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'count' }] }) });
    assert.equal(counted.status, 200);
    assert.equal((await client.call('gateway.usage', { by: 'key', since: '1h' })).totals.requests, before);
    const nothing = await client.call('gateway.usage', { by: 'agent', until: '2000-01-01T00:00:00Z' });
    assert.deepEqual(nothing.rows, []);
    assert.equal(nothing.totals.cost, null);
  });

  test('gateway.usage refuses wrong, missing, oversized and hostile params with the field named', async () => {
    const noBy = await client.call('gateway.usage', {} as any).catch((e: Error) => e);
    assert.match((noBy as Error).message, /missing by \(one of key, agent, model, day, task\)\nRequired: by$/);
    await invalidParams(client.call('gateway.usage', { by: 'agnet' } as any));
    await invalidParams(client.call('gateway.usage', { by: 42 } as any));
    await invalidParams(client.call('gateway.usage', { by: 'day', since: 'yesterday' }));
    await invalidParams(client.call('gateway.usage', { by: 'day', since: '0d' }));
    await invalidParams(client.call('gateway.usage', { by: 'day', since: '99999d' }));
    await invalidParams(client.call('gateway.usage', { by: 'day', since: 'x'.repeat(100_000) }));
    await invalidParams(client.call('gateway.usage', { by: 'day', until: 'today' }));
    await invalidParams(client.call('gateway.usage', { by: 'day', limit: 0 }));
    await invalidParams(client.call('gateway.usage', { by: 'day', limit: 1e6 }));
    await invalidParams(client.call('gateway.usage', { by: 'day', agent_name: '../etc' }));
    await invalidParams(client.call('gateway.usage', { by: 'day', project_id: "x' OR 1=1 --" }));
    await invalidParams(client.call('gateway.usage', JSON.parse('{"by":"day","__proto__":{"admin":true}}')));
    const typo = await client.call('gateway.usage', { by: 'day', sinse: 'today' } as any).catch((e: Error) => e);
    assert.match((typo as Error).message, /did you mean since\?/);
    const backwards = await refusedWith(client.call('gateway.usage', { by: 'day', since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }), 'INVALID');
    assert.match(backwards.message, /until .* is not after since/);
    assert.ok(backwards.message.length < 200);
  });

  test('gateway.json budgets and mail_notes are checked, each problem naming its field', async () => {
    const refused = async (config: Record<string, unknown>, pattern: RegExp) => {
      const error = await refusedWith(client.call('gateway.config_set', { config }), 'INVALID');
      assert.match(error.message, pattern);
    };
    await refused({ budgets: { agents: { bob: { daily: 5 } } } }, /budgets: no model has a price/);
    await refused(configFor(upstream, { budgets: { agents: { bob: {} } } }), /budgets\.agents\.bob: give daily, monthly or both/);
    await refused(configFor(upstream, { budgets: { agents: { bob: { daily: -1 } } } }), /budgets\.agents\.bob\.daily/);
    await refused(configFor(upstream, { budgets: { agents: { bob: { weekly: 1 } } } }), /budgets\.agents\.bob: unknown field "weekly"/);
    await refused(configFor(upstream, { budgets: { keys: { 'bad key': { daily: 1 } } } }), /budgets\.keys\.bad key/);
    await refused({ mail_notes: { enabled: 'yes' } }, /mail_notes\.enabled/);
    await refused({ mail_notes: { agents: { '../x': true } } }, /mail_notes\.agents/);
    await refused({ mail_notes: { enable: true } }, /unknown field "enable"/);
    await client.call('gateway.config_set', { config: configFor(upstream) });
  });
});

describe('gateway budgets', () => {
  const { daemon, client } = withDaemon({ env: GATEWAY_ENV });
  let upstream: FakeUpstream;
  let gw: Gateway;

  before(async () => {
    upstream = await fakeUpstream();
    gw = await gatewayOf(client, daemon);
    await projectWith(client, 'bud', ['spender', 'big']);
  });
  after(async () => upstream?.close());

  test('a request over an agent’s budget gets 429 in the caller’s format, saying which budget and when it resets; the operator gets one message', async () => {
    const seq = await headSeq(client);
    await client.call('gateway.config_set', { config: configFor(upstream, { budgets: { agents: { spender: { daily: 0.0001, monthly: 10 } } } }) });
    const key = (await client.call('mcp.token', { project_id: 'bud', agent_name: 'spender' })).token;
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    assert.equal((await chat(gw, key, 'claude-x')).status, 200, 'under the budget (0.000114 goes over it, but only once it is spent)');

    const openai = await chat(gw, key, 'claude-x');
    assert.equal(openai.status, 429);
    assert.equal(openai.headers.get('x-should-retry'), 'false');
    const wait = Number(openai.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 86_400, `retry-after ${wait}`);
    const openaiError = ((await openai.json()) as any).error;
    assert.equal(openaiError.type, 'rate_limit_error');
    assert.match(openaiError.message, /^budget exceeded: agent spender's daily budget of 0\.0001 \(budgets\.agents\.spender\.daily in gateway\.json\) is spent \(0\.000114\)/);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.match(openaiError.message, new RegExp(`refused until it resets at ${tomorrow}T00:00:00\\.000Z`));

    const anthropic = await messages(gw, key, 'claude-x');
    assert.equal(anthropic.status, 429);
    const anthropicError = (await anthropic.json()) as any;
    assert.equal(anthropicError.type, 'error');
    assert.equal(anthropicError.error.type, 'rate_limit_error');
    assert.match(anthropicError.error.message, /budgets\.agents\.spender\.daily/);
    assert.equal(upstream.received.length, 1, 'nothing refused went upstream');

    const inbox = (await client.call('message.inbox', { project_id: 'bud' })).messages.filter((m) => /budget/.test(String(m.payload)));
    assert.equal(inbox.length, 1, 'one message however many requests are refused');
    assert.equal(inbox[0]!.from_agent, 'spender');
    assert.match(String(inbox[0]!.payload), /agent spender reached the daily budget budgets\.agents\.spender\.daily of 0\.0001 .* refused with 429 until/);
    const events = await eventsSince(client, seq, 'gateway.budget_exceeded');
    assert.equal(events.length, 1);
    assert.equal((events[0]!.data as any).project_id, 'bud');

    const refusals = (await client.call('gateway.requests', { agent_name: 'spender' })).requests.filter((r) => r.status === 429);
    assert.equal(refusals.length, 2, 'refusals are recorded');
    const spent = (await client.call('gateway.usage', { by: 'agent', agent_name: 'spender' })).totals;
    assert.equal(spent.requests, 3);
    assert.equal(spent.cost_estimated, false, 'refusals carry no tokens, so they do not make the measured cost an estimate');

    // A raised budget lets it go on; reached again, it is told again (a new limit is news).
    await client.call('gateway.config_set', { config: configFor(upstream, { budgets: { agents: { spender: { daily: 0.0002 } } } }) });
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    assert.equal((await chat(gw, key, 'claude-x')).status, 200);
    assert.equal((await chat(gw, key, 'claude-x')).status, 429);
    assert.equal((await eventsSince(client, seq, 'gateway.budget_exceeded')).length, 2);
  });

  test('a request whose own input would go over is refused before it is spent; a key’s budget of 0 refuses everything, told as an event when the key has no project', async () => {
    const seq = await headSeq(client);
    await client.call('gateway.config_set', { config: configFor(upstream, { budgets: { agents: { big: { daily: 0.001 } }, keys: { capped: { monthly: 0 } } } }) });
    const big = (await client.call('mcp.token', { project_id: 'bud', agent_name: 'big' })).token;
    const sent = upstream.received.length;
    const large = await chat(gw, big, 'claude-x', 'word '.repeat(2000));
    assert.equal(large.status, 429);
    assert.match(((await large.json()) as any).error.message, /this request \(about 0\.0075\) would go over agent big's daily budget of 0\.001 \(budgets\.agents\.big\.daily in gateway\.json\): 0 is spent/);
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    assert.equal((await chat(gw, big, 'claude-x', 'short')).status, 200, 'a small one still fits');

    const capped = (await client.call('gateway.key_create', { name: 'capped' })).key;
    const refused = await messages(gw, capped, 'free');
    assert.equal(refused.status, 429);
    assert.match(((await refused.json()) as any).error.message, /gateway key capped's monthly budget of 0 \(budgets\.keys\.capped\.monthly/);
    assert.equal(upstream.received.length, sent + 1);
    const events = await eventsSince(client, seq, 'gateway.budget_exceeded');
    assert.deepEqual(
      events.map((e) => [e.subject, (e.data as any).project_id]),
      [
        ['agents.big.daily', 'bud'],
        ['keys.capped.monthly', null],
      ],
    );
  });
});

describe('gateway accounting across a restart', () => {
  test('the spend, the notice sent and the mail noted survive a restart of the daemon', async () => {
    const upstream = await fakeUpstream();
    let daemon = await startDaemon({ env: GATEWAY_ENV });
    const home = daemon.home;
    try {
      let client = await daemon.client();
      await projectWith(client, 'rs', ['agent', 'peer']);
      await client.call('gateway.config_set', { config: configFor(upstream, { budgets: { agents: { agent: { daily: 0.0001 } } }, mail_notes: { enabled: true } }) });
      const key = (await client.call('mcp.token', { project_id: 'rs', agent_name: 'agent' })).token;
      await client.call('message.send', { project_id: 'rs', from_agent: 'peer', to_agent: 'agent', payload: 'hello' });
      let gw = await gatewayOf(client, daemon);
      upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
      assert.equal((await chat(gw, key, 'claude-x')).status, 200);
      assert.match(JSON.stringify(upstream.received.at(-1)!.body), /1 unread message from peer/);
      assert.equal((await chat(gw, key, 'claude-x')).status, 429);

      await daemon.stop();
      daemon = await startDaemon({ home, env: GATEWAY_ENV });
      client = await daemon.client();
      gw = await gatewayOf(client, daemon);
      assert.equal((await chat(gw, key, 'claude-x')).status, 429, 'the spend was read back');
      const notices = (await client.call('message.inbox', { project_id: 'rs' })).messages.filter((m) => /budget/.test(String(m.payload)));
      assert.equal(notices.length, 1, 'no second notice for the same budget and day');

      await client.call('gateway.config_set', { config: configFor(upstream, { mail_notes: { enabled: true } }) });
      upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
      assert.equal((await chat(gw, key, 'claude-x')).status, 200);
      assert.doesNotMatch(JSON.stringify(upstream.received.at(-1)!.body), /\[brains\]/, 'the message noted before the restart is not noted again');
    } finally {
      await daemon.cleanup();
      await upstream.close();
    }
  });
});
