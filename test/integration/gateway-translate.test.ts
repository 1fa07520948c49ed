// The gateway in front of real wire formats: a fake upstream speaking OpenAI's and Anthropic's APIs, the official clients
// in front; translation both ways (text, tool calls and their fragments, parallel calls, finish reasons, usage, tool
// results, schemas, long tool names), upstream failures as the caller's errors, a client going away, pass-through keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { withDaemon } from '../helpers/with-daemon.js';
import { waitFor } from '../helpers/daemon.js';
import { anthropicJson, anthropicStream, delta, fakeUpstream, json, openAIJson, openAIStream, sseLine, type FakeUpstream } from '../helpers/fake-upstream.js';

const LONG_TOOL = `mcp__brains__${'very_long_tool_name_'.repeat(4)}end`;
const ANTHROPIC_TOOLS = [
  { name: 'read_file', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: LONG_TOOL, description: 'A tool whose name is over 64 characters', input_schema: { type: 'object' as const, properties: {} } },
];

describe('gateway translation against a fake upstream', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0', FAKE_UPSTREAM_KEY: 'sk-upstream-secret' } });
  let upstream: FakeUpstream;
  let url = '';
  let adminKey = '';
  const openai = () => new OpenAI({ baseURL: `${url}/v1`, apiKey: adminKey, maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: url, apiKey: adminKey, maxRetries: 0 });
  const lastSent = () => upstream.received[upstream.received.length - 1]!;

  before(async () => {
    upstream = await fakeUpstream();
    url = (await client.call('system.info')).gateway_url!;
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
    await client.call('gateway.config_set', {
      config: {
        providers: {
          // No retries here: these tests see each scripted upstream answer as it is (gateway-resilience.test.ts retries).
          oai: { type: 'openai_compatible', base_url: `${upstream.url}/v1`, api_key: '${ENV:FAKE_UPSTREAM_KEY}', retries: 0 },
          ant: { type: 'anthropic', base_url: upstream.url, api_key: '${ENV:FAKE_UPSTREAM_KEY}', retries: 0 },
          own: { type: 'anthropic', base_url: upstream.url, pass_through: true },
          nokey: { type: 'openai_compatible', base_url: `${upstream.url}/v1`, api_key: '${ENV:NOT_SET_ANYWHERE}' },
          local: { type: 'ollama', base_url: `${upstream.url}/v1` },
        },
        models: { 'gpt-up': { provider: 'oai', model: 'up-model' }, 'claude-up': { provider: 'ant', model: 'claude-upstream' }, 'claude-own': { provider: 'own' } },
        tiers: { smart: 'claude-up' },
      },
    });
  });
  after(async () => upstream?.close());

  describe('an Anthropic request served by an OpenAI-compatible provider', () => {
    test('the request: system, tool_result -> role tool, input_schema -> parameters, long tool names shortened; the key from the environment', async () => {
      upstream.next(openAIJson({ content: 'done' }));
      await anthropic().messages.create({
        model: 'gpt-up',
        max_tokens: 50,
        system: 'sys prompt',
        tools: ANTHROPIC_TOOLS,
        tool_choice: { type: 'any' },
        messages: [
          { role: 'user', content: 'read it' },
          { role: 'assistant', content: [{ type: 'text', text: 'reading' }, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a' } }, { type: 'tool_use', id: 'toolu_2', name: LONG_TOOL, input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'AAA' }, { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'BBB' }] }, { type: 'text', text: 'go on' }] },
        ],
      });
      const sent = lastSent();
      assert.equal(sent.path, '/v1/chat/completions');
      assert.equal(sent.headers.authorization, 'Bearer sk-upstream-secret');
      assert.equal(sent.body.model, 'up-model');
      assert.equal(sent.body.max_tokens, 50);
      assert.equal(sent.body.tool_choice, 'required');
      assert.deepEqual(sent.body.messages[0], { role: 'system', content: 'sys prompt' });
      assert.deepEqual(sent.body.messages[1], { role: 'user', content: 'read it' });
      const assistant = sent.body.messages[2];
      assert.equal(assistant.content, 'reading');
      assert.equal(assistant.tool_calls[0].function.name, 'read_file');
      assert.equal(assistant.tool_calls[0].function.arguments, '{"path":"a"}');
      const short = assistant.tool_calls[1].function.name;
      assert.ok(short.length <= 64 && short !== LONG_TOOL);
      assert.deepEqual(sent.body.messages[3], { role: 'tool', tool_call_id: 'toolu_1', content: 'AAA' });
      assert.deepEqual(sent.body.messages[4], { role: 'tool', tool_call_id: 'toolu_2', content: 'BBB' });
      assert.deepEqual(sent.body.messages[5], { role: 'user', content: 'go on' });
      assert.deepEqual(sent.body.tools[0].function.parameters, ANTHROPIC_TOOLS[0]!.input_schema);
      assert.equal(sent.body.tools[1].function.name, short);
    });

    test('a whole answer: text and tool calls back as blocks, the long name mapped back, finish_reason -> stop_reason, usage', async () => {
      upstream.next((res, received) => {
        const short = received.body.tools[1].function.name;
        openAIJson({ content: 'calling', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"x"}' } }, { id: 'call_b', type: 'function', function: { name: short, arguments: '{}' } }] }, 'tool_calls')(res, received);
      });
      const message = await anthropic().messages.create({ model: 'gpt-up', max_tokens: 50, tools: ANTHROPIC_TOOLS, messages: [{ role: 'user', content: 'go' }] });
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(message.content[0], { type: 'text', text: 'calling' });
      assert.deepEqual(message.content[1], { type: 'tool_use', id: 'call_a', name: 'read_file', input: { path: 'x' } });
      assert.deepEqual(message.content[2], { type: 'tool_use', id: 'call_b', name: LONG_TOOL, input: {} });
      assert.deepEqual(message.usage, { input_tokens: 11, output_tokens: 7 });

      upstream.next(openAIJson({ content: 'cut' }, 'length'));
      assert.equal((await anthropic().messages.create({ model: 'gpt-up', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).stop_reason, 'max_tokens');
      upstream.next(openAIJson({ content: 'fine' }, 'stop'));
      assert.equal((await anthropic().messages.create({ model: 'gpt-up', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).stop_reason, 'end_turn');
    });

    test('a stream: text deltas; each new tool-call index opens a block; fragments without id or name feed input_json_delta; parallel calls; content and finish in one chunk; a usage-only last chunk', async () => {
      upstream.next((res, received) => {
        const short = received.body.tools[1].function.name;
        openAIStream([
          delta({ role: 'assistant', content: '' }),
          delta({ content: 'Let me ' }),
          delta({ content: 'look.' }),
          delta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: 'th":"a.txt"}' } }] }),
          delta({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: short, arguments: '{}' } }] }, 'tool_calls'),
          { choices: [], usage: { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 } },
        ])(res, received);
      });
      const stream = anthropic().messages.stream({ model: 'gpt-up', max_tokens: 100, tools: ANTHROPIC_TOOLS, messages: [{ role: 'user', content: 'go' }] });
      const events: any[] = [];
      stream.on('streamEvent', (event) => events.push(event));
      const final = await stream.finalMessage();
      assert.deepEqual(
        events.map((e) => (e.type === 'content_block_start' ? `start:${e.index}:${e.content_block.type}` : e.type === 'content_block_stop' ? `stop:${e.index}` : e.type === 'content_block_delta' ? `delta:${e.index}:${e.delta.type}` : e.type)),
        ['message_start', 'start:0:text', 'delta:0:text_delta', 'delta:0:text_delta', 'stop:0', 'start:1:tool_use', 'delta:1:input_json_delta', 'delta:1:input_json_delta', 'stop:1', 'start:2:tool_use', 'delta:2:input_json_delta', 'stop:2', 'message_delta', 'message_stop'],
      );
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(final.content[0], { type: 'text', text: 'Let me look.' });
      assert.deepEqual(final.content[1], { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'a.txt' } });
      assert.deepEqual(final.content[2], { type: 'tool_use', id: 'call_2', name: LONG_TOOL, input: {} });
      assert.equal(final.usage.output_tokens, 9);
      assert.equal(final.usage.input_tokens, 21);
      assert.equal(lastSent().body.stream, true);
      assert.deepEqual(lastSent().body.stream_options, { include_usage: true });
    });

    test('a stream whose text and finish_reason come in one chunk', async () => {
      upstream.next(openAIStream([delta({ role: 'assistant', content: 'all at once' }, 'length')]));
      const final = await anthropic().messages.stream({ model: 'gpt-up', max_tokens: 3, messages: [{ role: 'user', content: 'go' }] }).finalMessage();
      assert.deepEqual(final.content, [{ type: 'text', text: 'all at once' }]);
      assert.equal(final.stop_reason, 'max_tokens');
    });
  });

  describe('an OpenAI request served by an Anthropic provider', () => {
    test('the request: role tool -> tool_result, parameters -> input_schema, tool_choice, the key as x-api-key; a whole answer back', async () => {
      upstream.next(anthropicJson([{ type: 'text', text: 'hi ' }, { type: 'tool_use', id: 'toolu_9', name: 'read_file', input: { path: 'z' } }], 'tool_use'));
      const done = await openai().chat.completions.create({
        model: 'smart',
        max_tokens: 64,
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"y"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'YYY' },
        ],
        tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
        tool_choice: { type: 'function', function: { name: 'read_file' } },
      });
      const sent = lastSent();
      assert.equal(sent.path, '/v1/messages');
      assert.equal(sent.headers['x-api-key'], 'sk-upstream-secret');
      assert.equal(sent.headers['anthropic-version'], '2023-06-01');
      assert.equal(sent.body.model, 'claude-upstream');
      assert.equal(sent.body.system, 'sys');
      assert.deepEqual(sent.body.messages[1], { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'y' } }] });
      assert.deepEqual(sent.body.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'YYY' }] });
      assert.deepEqual(sent.body.tools[0].input_schema, { type: 'object', properties: { path: { type: 'string' } } });
      assert.deepEqual(sent.body.tool_choice, { type: 'tool', name: 'read_file' });

      assert.equal(done.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(done.choices[0]!.message.content, 'hi ');
      const call = done.choices[0]!.message.tool_calls![0] as any;
      assert.deepEqual([call.id, call.function.name, JSON.parse(call.function.arguments)], ['toolu_9', 'read_file', { path: 'z' }]);
      assert.deepEqual([done.usage!.prompt_tokens, done.usage!.completion_tokens], [13, 5]);
      assert.equal(done.model, 'smart');
    });

    test('a stream: text deltas, tool_use blocks as tool_calls deltas (id and name first, then fragments), stop_reason -> finish_reason, usage', async () => {
      upstream.next(
        anthropicStream([
          { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-upstream', content: [], stop_reason: null, usage: { input_tokens: 30, output_tokens: 1 } } },
          { type: 'ping' },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Reading ' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'now.' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'read_file', input: {} } },
          { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"path":' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"q.txt"}' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'list', input: {} } },
          { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
          { type: 'content_block_stop', index: 2 },
          { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 17 } },
          { type: 'message_stop' },
        ]),
      );
      const stream = await openai().chat.completions.create({ model: 'claude-up', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'go' }] });
      const chunks: any[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      assert.equal(text, 'Reading now.');
      const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      assert.deepEqual(toolDeltas[0], { index: 0, id: 'toolu_a', type: 'function', function: { name: 'read_file', arguments: '' } });
      assert.deepEqual(toolDeltas[1], { index: 0, function: { arguments: '{"path":' } });
      assert.deepEqual(toolDeltas[2], { index: 0, function: { arguments: '"q.txt"}' } });
      assert.equal(toolDeltas[3].index, 1);
      assert.equal(toolDeltas[3].id, 'toolu_b');
      assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0].finish_reason, 'tool_calls');
      const usage = chunks[chunks.length - 1].usage;
      assert.deepEqual([usage.prompt_tokens, usage.completion_tokens], [30, 17]);

      upstream.next(
        anthropicStream([
          { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 3, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'cut' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 1 } },
          { type: 'message_stop' },
        ]),
      );
      const cut = await openai().chat.completions.stream({ model: 'claude-up', messages: [{ role: 'user', content: 'go' }] }).finalChatCompletion();
      assert.equal(cut.choices[0]!.finish_reason, 'length');
    });

    test('responses through an Anthropic provider: a function call and its output', async () => {
      upstream.next(anthropicJson([{ type: 'tool_use', id: 'toolu_r', name: 'shell', input: { cmd: 'ls' } }], 'tool_use'));
      const tools = [{ type: 'function' as const, name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false }];
      const called = await openai().responses.create({ model: 'claude-up', tools, input: 'list files' });
      const fc = called.output.find((i) => i.type === 'function_call') as any;
      assert.deepEqual([fc.call_id, fc.name, JSON.parse(fc.arguments)], ['toolu_r', 'shell', { cmd: 'ls' }]);
      upstream.next(anthropicJson([{ type: 'text', text: 'two files' }]));
      const answered = await openai().responses.create({ model: 'claude-up', tools, input: [{ role: 'user', content: 'list files' }, { type: 'function_call', call_id: 'toolu_r', name: 'shell', arguments: '{"cmd":"ls"}' }, { type: 'function_call_output', call_id: 'toolu_r', output: 'a b' }] });
      assert.equal(answered.output_text, 'two files');
      assert.deepEqual(lastSent().body.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_r', content: 'a b' }] });
    });

    test('count_tokens is answered by the provider', async () => {
      upstream.next((res) => json(res, 200, { input_tokens: 42 }));
      const counted = await anthropic().messages.countTokens({ model: 'claude-up', messages: [{ role: 'user', content: 'count' }] });
      assert.equal(counted.input_tokens, 42);
      assert.equal(lastSent().path, '/v1/messages/count_tokens');
    });
  });

  describe('failures', () => {
    test('an upstream status passes through in the caller’s format (429 stays 429); its 5xx and garbage become 502', async () => {
      upstream.next((res) => json(res, 429, { error: { message: 'slow down' } }));
      await assert.rejects(openai().chat.completions.create({ model: 'gpt-up', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 429 && /slow down/.test(e.message));
      upstream.next((res) => json(res, 500, { error: { message: 'boom' } }));
      await assert.rejects(anthropic().messages.create({ model: 'gpt-up', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 502 && e.error?.error?.type === 'api_error');
      upstream.next((res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>not json</html>');
      });
      await assert.rejects(openai().chat.completions.create({ model: 'gpt-up', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 502 && /not a JSON object/.test(e.message));
      upstream.next((res) => json(res, 200, { choices: 'nope' }));
      await assert.rejects(anthropic().messages.create({ model: 'gpt-up', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 502);
      upstream.next((res) => json(res, 200, { unexpected: true }));
      await assert.rejects(openai().chat.completions.create({ model: 'claude-up', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 502);
    });

    test('garbage after the stream began is an in-stream error event in the caller’s format', async () => {
      upstream.next((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseLine(null, { choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] }));
        res.end(sseLine(null, '{broken'));
      });
      const raw = await (await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': adminKey }, body: JSON.stringify({ model: 'gpt-up', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }) })).text();
      assert.match(raw, /event: content_block_delta\ndata: .*partial/);
      assert.match(raw, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"provider oai answered with a stream chunk that is not JSON"\}\}/);
      assert.doesNotMatch(raw, /message_stop/);

      upstream.next((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseLine(null, { choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] }));
        res.end();
      });
      const stream = await openai().chat.completions.create({ model: 'gpt-up', stream: true, messages: [{ role: 'user', content: 'x' }] });
      await assert.rejects(
        (async () => {
          for await (const _chunk of stream) {
            /* read to the error */
          }
        })(),
        /without \[DONE\]/,
      );
    });

    test('a provider whose key variable is not set answers 502 naming the variable, never a key', async () => {
      const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'nokey/some-model', messages: [{ role: 'user', content: 'x' }] }) });
      assert.equal(refused.status, 502);
      assert.match(((await refused.json()) as any).error.message, /does not set NOT_SET_ANYWHERE/);
    });

    test('a client that goes away mid-stream aborts the upstream request', async () => {
      const before = upstream.closedEarly;
      upstream.next((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sseLine(null, { choices: [{ index: 0, delta: { content: 'first' }, finish_reason: null }] }));
        // ... and never more: only the caller going away ends this.
      });
      const abort = new AbortController();
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', signal: abort.signal, headers: { authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ model: 'gpt-up', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.match(first, /first/);
      abort.abort();
      await waitFor(() => upstream.closedEarly > before, 10_000, 'the upstream request to be aborted');
      await waitFor(async () => (await client.call('gateway.requests', { limit: 1 })).requests[0]?.status === 499, 5000, 'the request to be recorded as closed by the client');
    });
  });

  test('ollama: its OpenAI-compatible endpoint, with no key', async () => {
    upstream.next(openAIJson({ content: 'from ollama' }));
    const done = await anthropic().messages.create({ model: 'local/qwen2.5-coder:7b', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(done.content, [{ type: 'text', text: 'from ollama' }]);
    assert.equal(lastSent().path, '/v1/chat/completions');
    assert.equal(lastSent().body.model, 'qwen2.5-coder:7b');
    assert.equal(lastSent().headers.authorization, undefined);
  });

  test('pass-through: the caller’s own credentials go upstream unchanged (the brains key rides in x-brains-key) and are never recorded', async () => {
    upstream.next(anthropicJson([{ type: 'text', text: 'from your subscription' }]));
    const own = new Anthropic({ baseURL: url, authToken: 'user-oauth-token', apiKey: null, maxRetries: 0, defaultHeaders: { 'x-brains-key': adminKey } });
    const message = await own.messages.create({ model: 'claude-own', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(message.content, [{ type: 'text', text: 'from your subscription' }]);
    const sent = lastSent();
    assert.equal(sent.headers.authorization, 'Bearer user-oauth-token');
    assert.equal(sent.headers['x-brains-key'], undefined);
    const recorded = JSON.stringify(await client.call('gateway.requests', { limit: 5 }));
    assert.doesNotMatch(recorded, /user-oauth-token/);

    // In the provider's own format the body goes up as the caller wrote it (fields the gateway does not model included),
    // with only the model renamed, and the answer comes back byte for byte; the usage is still recorded.
    const events = [
      { type: 'message_start', message: { id: 'msg_p', type: 'message', role: 'assistant', model: 'claude-own', content: [], stop_reason: null, usage: { input_tokens: 25, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'thought it through' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } },
      { type: 'message_stop' },
    ];
    upstream.next(anthropicStream(events));
    const raw = { model: 'claude-own', max_tokens: 50, stream: true, thinking: { type: 'enabled', budget_tokens: 1024 }, metadata: { user_id: 'u1' }, system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'think' }] };
    const relayed = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-brains-key': adminKey, authorization: 'Bearer user-oauth-token', 'anthropic-beta': 'oauth-2025-04-20' }, body: JSON.stringify(raw) });
    const text = await relayed.text();
    assert.equal(text, events.map((e) => sseLine(e.type, e)).join(''));
    assert.deepEqual(lastSent().body, raw);
    assert.equal(lastSent().headers['anthropic-beta'], 'oauth-2025-04-20');
    const [row] = (await client.call('gateway.requests', { limit: 1 })).requests;
    assert.deepEqual([row!.provider, row!.input_tokens, row!.output_tokens, row!.tokens_estimated, row!.status], ['own', 25, 12, false, 200]);

    upstream.next(openAIJson({ content: 'x' }));
    await openai().chat.completions.create({ model: 'gpt-up', messages: [{ role: 'user', content: 'x' }] });
    assert.notEqual(lastSent().headers.authorization, `Bearer ${adminKey}`, 'the brains key never goes upstream');
  });
});
