// The model gateway with its built-in echo provider: the official openai and @anthropic-ai/sdk clients against it, streaming
// and not, tool calls, models, health; keys (missing, wrong, named, rotated, expired, revoked, an agent's token); errors in
// the caller's format; the record of requests; and the gateway.* methods refusing wrong, missing, oversized and hostile params.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { withDaemon } from '../helpers/with-daemon.js';
import { runCli, waitFor } from '../helpers/daemon.js';
import { invalidParams, refusedWith } from '../helpers/rpc-assert.js';

const GATEWAY_ENV = { BRAINS_GATEWAY_PORT: '0' };
const TOOLS_OPENAI = [{ type: 'function' as const, function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];

describe('the model gateway (echo provider)', () => {
  const { daemon, client } = withDaemon({ env: GATEWAY_ENV });
  let url = '';
  let adminKey = '';
  const openai = (apiKey = adminKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  const anthropic = (apiKey = adminKey) => new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });

  before(async () => {
    const info = await client.call('system.info');
    assert.equal(info.gateway.state, 'on');
    url = info.gateway_url!;
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
  });

  test('listens on 127.0.0.1 on the port system.info names; /health is open, everything else needs a key (401 in the caller’s format)', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as any;
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.providers, [{ name: 'echo', type: 'echo' }]);

    const chat = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(chat.status, 401);
    assert.equal(((await chat.json()) as any).error.type, 'authentication_error');
    const messages = await fetch(`${url}/v1/messages`, { method: 'POST', body: '{}' });
    assert.equal(messages.status, 401);
    const anthropicError = (await messages.json()) as any;
    assert.equal(anthropicError.type, 'error');
    assert.equal(anthropicError.error.type, 'authentication_error');
    assert.equal((await fetch(`${url}/v1/models`)).status, 401);
    assert.equal((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    await assert.rejects(openai('wrong-key').models.list(), (e: any) => e.status === 401);
    await assert.rejects(anthropic('wrong-key').messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 401);
  });

  test('a foreign Host or Origin is refused with 403', async () => {
    const origin = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${adminKey}`, origin: 'https://evil.example' } });
    assert.equal(origin.status, 403);
  });

  test('openai client: a chat completion, and the same streamed (chunks, a usage chunk, [DONE])', async () => {
    const done = await openai().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello gateway' }] });
    assert.equal(done.choices[0]!.message.content, 'echo: hello gateway');
    assert.equal(done.choices[0]!.finish_reason, 'stop');
    assert.equal(done.model, 'gpt-test');
    assert.ok(done.usage!.prompt_tokens > 0);

    const stream = await openai().chat.completions.create({ model: 'gpt-test', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three four five' }] });
    let text = '';
    let finish: string | null = null;
    let usage: unknown = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'echo: one two three four five');
    assert.equal(finish, 'stop');
    assert.ok(usage);
    assert.ok(chunks >= 4);

    const raw = await (await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }) })).text();
    assert.match(raw, /data: \[DONE\]\n\n$/);
  });

  test('openai client: tool calls, whole and as deltas (echo answers /tool NAME ARGS with that call)', async () => {
    const done = await openai().chat.completions.create({ model: 'm', tools: TOOLS_OPENAI, messages: [{ role: 'user', content: '/tool read_file {"path":"a.txt"}' }] });
    assert.equal(done.choices[0]!.finish_reason, 'tool_calls');
    const call = done.choices[0]!.message.tool_calls![0]! as any;
    assert.equal(call.function.name, 'read_file');
    assert.deepEqual(JSON.parse(call.function.arguments), { path: 'a.txt' });

    const runner = openai().chat.completions.stream({ model: 'm', tools: TOOLS_OPENAI, messages: [{ role: 'user', content: '/tool read_file {"path":"b.txt"}' }] });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]! as any;
    assert.equal(streamed.function.name, 'read_file');
    assert.deepEqual(JSON.parse(streamed.function.arguments), { path: 'b.txt' });

    const followUp = await openai().chat.completions.create({
      model: 'm',
      tools: TOOLS_OPENAI,
      messages: [
        { role: 'user', content: '/tool read_file {"path":"a.txt"}' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'read_file', arguments: call.function.arguments } }] },
        { role: 'tool', tool_call_id: call.id, content: 'file contents' },
      ],
    });
    assert.equal(followUp.choices[0]!.message.content, 'echo: file contents');
  });

  test('anthropic client: a message, the same streamed with the exact event order, and tool_use', async () => {
    const message = await anthropic().messages.create({ model: 'claude-test', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello claude' }] });
    assert.equal(message.type, 'message');
    assert.deepEqual(message.content, [{ type: 'text', text: 'echo: hello claude' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.input_tokens > 0);

    const stream = anthropic().messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(final.content.length, 1);
    assert.equal(final.content[0]!.type === 'text' && final.content[0]!.text, 'echo: a b c d e f g');
    assert.equal(types[0], 'message_start');
    assert.equal(types[1], 'content_block_start');
    assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);

    const raw = await (await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': adminKey }, body: JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }) })).text();
    const order = [...raw.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(order, ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);

    const tools = [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }];
    const toolStream = anthropic().messages.stream({ model: 'm', max_tokens: 100, tools, messages: [{ role: 'user', content: '/tool read_file {"path":"c.txt"}' }] });
    const toolMessage = await toolStream.finalMessage();
    assert.equal(toolMessage.stop_reason, 'tool_use');
    const use = toolMessage.content.find((b) => b.type === 'tool_use')!;
    assert.equal(use.type === 'tool_use' && use.name, 'read_file');
    assert.deepEqual(use.type === 'tool_use' && use.input, { path: 'c.txt' });

    const answered = await anthropic().messages.create({
      model: 'm',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: '/tool read_file {"path":"c.txt"}' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'c.txt' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'the contents' }] },
      ],
    });
    assert.deepEqual(answered.content, [{ type: 'text', text: 'echo: the contents' }]);
  });

  test('count_tokens answers an estimate for echo', async () => {
    const counted = await anthropic().messages.countTokens({ model: 'm', messages: [{ role: 'user', content: 'count these words please' }] });
    assert.ok(counted.input_tokens > 0);
  });

  test('openai client: responses, whole and streamed, with a function call', async () => {
    const response = await openai().responses.create({ model: 'm', instructions: 'be brief', input: 'hello responses' });
    assert.equal(response.output_text, 'echo: hello responses');
    assert.equal(response.status, 'completed');

    const stream = openai().responses.stream({ model: 'm', input: [{ role: 'user', content: 'streamed words here' }] });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'echo: streamed words here');
    assert.equal(deltas.join(''), 'echo: streamed words here');

    const tools = [{ type: 'function' as const, name: 'shell', description: 'run', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false }];
    const called = await openai().responses.stream({ model: 'm', tools, input: '/tool shell {"cmd":"ls"}' }).finalResponse();
    const fc = called.output.find((item) => item.type === 'function_call') as any;
    assert.equal(fc.name, 'shell');
    assert.deepEqual(JSON.parse(fc.arguments), { cmd: 'ls' });

    const after = await openai().responses.create({
      model: 'm',
      tools,
      input: [
        { role: 'user', content: '/tool shell {"cmd":"ls"}' },
        { type: 'function_call', call_id: fc.call_id, name: 'shell', arguments: fc.arguments },
        { type: 'function_call_output', call_id: fc.call_id, output: 'a.txt b.txt' },
      ],
    });
    assert.equal(after.output_text, 'echo: a.txt b.txt');
  });

  test('models: both clients list the configured models and tier aliases', async () => {
    const list = await openai().models.list();
    assert.ok(list.data.some((m) => m.id === 'echo'));
    const page = await anthropic().models.list();
    assert.ok(page.data.some((m) => m.id === 'echo'));
  });

  test('bad requests are refused before anything goes upstream, naming the field, in the caller’s format', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, ...headers }, body });
    const notJson = await post('/v1/chat/completions', '{oops');
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as any).error.type, 'invalid_request_error');
    const noMessages = await post('/v1/chat/completions', JSON.stringify({ model: 'm' }));
    assert.equal(noMessages.status, 400);
    const refusal = ((await noMessages.json()) as any).error;
    assert.match(refusal.message, /^messages: is required/);
    assert.equal(refusal.param, 'messages');
    const badRole = await post('/v1/messages', JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'robot', content: 'x' }] }));
    assert.equal(badRole.status, 400);
    const badBody = (await badRole.json()) as any;
    assert.equal(badBody.error.type, 'invalid_request_error');
    assert.match(badBody.error.message, /^messages\[0\]\.role: must be user or assistant/);
    await assert.rejects(anthropic().messages.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] } as any), (e: any) => e.status === 400 && /max_tokens/.test(e.message));
    const wrongPath = await post('/v1/nothing', '{}');
    assert.equal(wrongPath.status, 404);
    const wrongMethod = await fetch(`${url}/v1/chat/completions`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(wrongMethod.status, 405);
    const previous = await post('/v1/responses', JSON.stringify({ model: 'm', input: 'x', previous_response_id: 'resp_1' }));
    assert.equal(previous.status, 400);
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const nested = await post('/v1/messages', `{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":${deep}}]}]}`);
    assert.equal(nested.status, 400);
    assert.equal(((await nested.json()) as any).type, 'error');
    const nestedTools = await post('/v1/chat/completions', `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`);
    assert.equal(nestedTools.status, 400);
  });

  test('a body over the limit is refused with 413 in the caller’s format', async () => {
    await client.call('gateway.config_set', { config: { max_body_bytes: 2048 } });
    try {
      const big = JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
      const refused = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': adminKey }, body: big });
      assert.equal(refused.status, 413);
      assert.equal(((await refused.json()) as any).error.type, 'request_too_large');
    } finally {
      await client.call('gateway.config_set', { config: {} });
    }
  });

  test('named keys: made, used, several at once for rotation, revoked, expired; an agent’s key and token make its requests its own', async () => {
    await client.call('project.create', { project_id: 'gw', name: 'gw' });
    const first = await client.call('gateway.key_create', { name: 'ci' });
    const second = await client.call('gateway.key_create', { name: 'ci' });
    assert.match(first.key, /^brains_g_[0-9a-f]{64}$/);
    for (const key of [first.key, second.key]) {
      const done = await openai(key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'k' }] });
      assert.equal(done.choices[0]!.message.content, 'echo: k');
    }
    const listed = await client.call('gateway.key_list', { name: 'ci' });
    assert.equal(listed.keys.length, 2);
    assert.ok(listed.keys.every((k) => k.state === 'active' && !('key' in k) && !('key_hash' in k)));
    assert.deepEqual((await client.call('gateway.key_revoke', { key_id: first.key_id })).revoked, [first.key_id]);
    await assert.rejects(openai(first.key).models.list(), (e: any) => e.status === 401 && /revoked/.test(e.message));
    await openai(second.key).models.list();
    assert.deepEqual((await client.call('gateway.key_revoke', { name: 'ci' })).revoked, [second.key_id]);
    await assert.rejects(openai(second.key).models.list(), (e: any) => e.status === 401);

    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = await client.call('gateway.key_create', { name: 'short', expires_at: soon });
    await openai(expiring.key).models.list();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await assert.rejects(openai(expiring.key).models.list(), (e: any) => e.status === 401 && /expired/.test(e.message));
    assert.equal((await client.call('gateway.key_list', { name: 'short' })).keys[0]!.state, 'expired');

    const agentKey = await client.call('gateway.key_create', { name: 'bob-key', agent_name: 'bob', project_id: 'gw' });
    await anthropic(agentKey.key).messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'from bob' }] });
    const token = await client.call('mcp.token', { project_id: 'gw', agent_name: 'alice' });
    await openai(token.token).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'from alice' }] });

    const bob = await client.call('gateway.requests', { agent_name: 'bob' });
    assert.equal(bob.requests.length, 1);
    assert.equal(bob.requests[0]!.key, 'key:bob-key');
    assert.equal(bob.requests[0]!.endpoint, 'messages');
    const alice = await client.call('gateway.requests', { agent_name: 'alice' });
    assert.equal(alice.requests[0]!.key, 'token');
    assert.equal(alice.requests[0]!.project_id, 'gw');
    assert.equal(alice.requests[0]!.model, 'gpt-x');
    assert.equal(alice.requests[0]!.provider, 'echo');
  });

  test('every request is recorded: model, provider, status, latency, tokens (estimated and marked so for echo)', async () => {
    const since = new Date().toISOString();
    await openai().chat.completions.create({ model: 'rec-model', messages: [{ role: 'user', content: 'record me' }] });
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'rec-model' }) });
    const { requests } = await client.call('gateway.requests', { since, limit: 10 });
    assert.equal(requests.length, 2);
    const [failed, ok] = requests;
    assert.equal(failed!.status, 400);
    assert.match(failed!.error!, /messages/);
    assert.equal(ok!.status, 200);
    assert.equal(ok!.model, 'rec-model');
    assert.equal(ok!.stream, false);
    assert.ok(ok!.latency_ms >= 0);
    assert.ok(ok!.input_tokens! > 0 && ok!.output_tokens! > 0);
    assert.equal(ok!.tokens_estimated, true);
    assert.equal(ok!.key, 'admin');
    assert.equal((await client.call('gateway.requests', { limit: 1 })).requests.length, 1);
  });

  test('gateway.json: config_set checks and applies; a broken file is refused with its fields named while the last good one serves', async () => {
    const set = await client.call('gateway.config_set', { config: { tiers: { fast: 'echo-fast' }, models: { 'echo-fast': { provider: 'echo' } } } });
    assert.deepEqual(Object.keys(set.config), ['models', 'tiers']);
    const models = await openai().models.list();
    assert.ok(models.data.some((m) => m.id === 'fast'));
    assert.deepEqual((await client.call('gateway.config_get', {})).problems, []);

    const bad = await refusedWith(client.call('gateway.config_set', { config: { providers: { up: { type: 'openai_compatible', api_key: 'sk-literal' } } } }), 'INVALID');
    assert.match(bad.message, /providers\.up\.api_key: a reference to an environment variable/);
    const noUrl = await refusedWith(client.call('gateway.config_set', { config: { providers: { up: { type: 'openai_compatible' } } } }), 'INVALID');
    assert.match(noUrl.message, /providers\.up\.base_url: required/);
    const typo = await refusedWith(client.call('gateway.config_set', { config: { provders: {} } }), 'INVALID');
    assert.match(typo.message, /unknown field "provders"/);

    writeFileSync(daemon.paths.gatewayConfig, '{ "models": { "x": { "provider": "nowhere" } } }');
    await waitFor(async () => ((await client.call('gateway.config_get', {})).problems.length > 0), 5000, 'the broken file to be seen');
    const got = await client.call('gateway.config_get', {});
    assert.match(got.problems[0]!, /models\.x\.provider: no provider named "nowhere"/);
    await waitFor(async () => ((await (await fetch(`${url}/health`)).json()) as any).config.ok === false, 5000, 'health to report the broken file');
    assert.ok((await openai().models.list()).data.some((m) => m.id === 'fast'), 'the last good configuration still serves');
    const info = await client.call('system.info');
    assert.match(info.gateway.config_problem!, /nowhere/);
    const status = await runCli(['status'], { home: daemon.home });
    assert.match(status.stdout, /^ {2}gateway {3}http:.*\n {12}gateway\.json refused: models\.x\.provider: no provider named "nowhere".*; the last good configuration serves$/m);
    writeFileSync(daemon.paths.gatewayConfig, 'not json');
    await waitFor(async () => /not valid JSON/.test((await client.call('gateway.config_get', {})).problems[0] ?? ''), 5000, 'bad JSON to be named');
    await client.call('gateway.config_set', { config: {} });
  });

  test('gateway.* methods refuse wrong, missing, oversized and hostile params', async () => {
    await invalidParams(client.call('gateway.key_create', {} as any));
    await invalidParams(client.call('gateway.key_create', { name: 42 } as any));
    await invalidParams(client.call('gateway.key_create', { name: 'x'.repeat(65) }));
    await invalidParams(client.call('gateway.key_create', { name: 'bad name\u202e' }));
    await invalidParams(client.call('gateway.key_create', { name: 'ok', expires_at: 'tomorrow' }));
    await invalidParams(client.call('gateway.key_create', { name: 'ok', extra: 1 } as any));
    await invalidParams(client.call('gateway.key_create', JSON.parse('{"name":"ok","__proto__":{"admin":true}}')));
    await refusedWith(client.call('gateway.key_create', { name: 'ok', expires_at: '2000-01-01T00:00:00Z' }), 'INVALID');
    await refusedWith(client.call('gateway.key_create', { name: 'ok', agent_name: 'bob' }), 'INVALID');
    await refusedWith(client.call('gateway.key_create', { name: 'ok', agent_name: 'bob', project_id: 'no-such-project' }), 'NOT_FOUND');
    await refusedWith(client.call('gateway.key_revoke', {}), 'INVALID');
    await refusedWith(client.call('gateway.key_revoke', { key_id: 1, name: 'x' }), 'INVALID');
    await invalidParams(client.call('gateway.key_revoke', { key_id: -1 }));
    await refusedWith(client.call('gateway.key_revoke', { key_id: 999999 }), 'NOT_FOUND');
    await invalidParams(client.call('gateway.key_list', { name: 'x'.repeat(1000) }));
    await invalidParams(client.call('gateway.requests', { limit: 0 }));
    await invalidParams(client.call('gateway.requests', { limit: 100000 }));
    await invalidParams(client.call('gateway.requests', { since: 'yesterday' }));
    await invalidParams(client.call('gateway.requests', { agent_name: '../etc' }));
    await invalidParams(client.call('gateway.config_set', {} as any));
    await invalidParams(client.call('gateway.config_set', { config: 'x' } as any));
    await refusedWith(client.call('gateway.config_set', { config: { max_body_bytes: 1e12 } }), 'INVALID');
    await refusedWith(client.call('gateway.config_set', { config: { providers: { ['a'.repeat(300)]: { type: 'echo' } } } }), 'INVALID');
    await invalidParams(client.call('gateway.config_set', { config: JSON.parse('{"__proto__":{"x":1},"providers":{}}') }));
    await invalidParams(client.call('gateway.config_get', { extra: true } as any));
  });
});
