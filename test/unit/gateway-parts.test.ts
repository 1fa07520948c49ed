// The gateway's small parts on their own: reading SSE, shortening tool names, checking gateway.json, what status says,
// the --gateway-port flag, and the stream readers of both upstream formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSse } from '../../daemon/gateway/sse.js';
import { OPENAI_TOOL_NAME_MAX, shortToolName } from '../../daemon/gateway/translate/tool-names.js';
import { OpenAIChunkReader } from '../../daemon/gateway/translate/openai-upstream.js';
import { AnthropicEventReader } from '../../daemon/gateway/translate/anthropic-upstream.js';
import { anthropicStopReason, finishFromAnthropic, finishFromOpenAI } from '../../daemon/gateway/translate/reasons.js';
import { checkGatewayConfig, parseGatewayConfig } from '../../rpc/gateway-config.js';
import { gatewayStatus } from '../../daemon/gateway/status.js';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { Router } from '../../daemon/gateway/routing.js';
import { post } from '../../daemon/gateway/upstream.js';
import { GatewayError } from '../../daemon/gateway/errors.js';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

async function events(chunks: string[]) {
  const out = [];
  for await (const event of readSse((async function* () {
    for (const c of chunks) yield Buffer.from(c);
  })())) out.push(event);
  return out;
}

test('SSE: LF and CRLF lines, events split across chunks, multi-line data, comments and a last event with no blank line', async () => {
  assert.deepEqual(await events(['event: a\r\ndata: 1\r\n\r\n: a comment\n', 'data: x\ndata: y\n', '\nda', 'ta: tail']), [
    { event: 'a', data: '1' },
    { event: null, data: 'x\ny' },
    { event: null, data: 'tail' },
  ]);
});

test('tool names over 64 characters are shortened the same way every time; shorter ones are left alone', () => {
  const long = 'mcp__server__' + 'x'.repeat(100);
  const short = shortToolName(long);
  assert.ok(short.length <= OPENAI_TOOL_NAME_MAX);
  assert.equal(short, shortToolName(long));
  assert.notEqual(short, shortToolName(long + 'y'));
  assert.equal(shortToolName('read_file'), 'read_file');
});

test('finish reasons map both ways', () => {
  assert.deepEqual(['end_turn', 'max_tokens', 'tool_use', 'stop_sequence'].map(finishFromAnthropic), ['stop', 'length', 'tool_calls', 'stop']);
  assert.deepEqual((['stop', 'length', 'tool_calls'] as const).map(anthropicStopReason), ['end_turn', 'max_tokens', 'tool_use']);
  assert.deepEqual(['stop', 'length', 'tool_calls', 'function_call', null].map(finishFromOpenAI), ['stop', 'length', 'tool_calls', 'tool_calls', 'stop']);
});

test('OpenAI chunks: a tool call opens on its first index (id and name), later fragments carry only arguments; content and finish in one chunk; usage alone', () => {
  const reader = new OpenAIChunkReader(new Map(), 'up');
  assert.deepEqual(reader.events(JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{"a"' } }, { index: 1, id: 'c2', function: { name: 'g', arguments: '' } }] } }] })), [
    { type: 'tool_call_start', index: 0, id: 'c1', name: 'f' },
    { type: 'tool_call_delta', index: 0, arguments: '{"a"' },
    { type: 'tool_call_start', index: 1, id: 'c2', name: 'g' },
  ]);
  assert.deepEqual(reader.events(JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }] })), [{ type: 'tool_call_delta', index: 0, arguments: ':1}' }]);
  assert.deepEqual(reader.events(JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'length' }] })), [{ type: 'text', text: 'hi' }, { type: 'finish', reason: 'length' }]);
  assert.deepEqual(reader.events(JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })), [{ type: 'usage', usage: { input_tokens: 3, output_tokens: 4 } }]);
  assert.throws(() => reader.events('{nope'), /not JSON/);
  assert.throws(() => reader.events(JSON.stringify({ error: { message: 'overloaded' } })), /failed mid-stream: overloaded/);
});

test('Anthropic events: tool_use blocks become numbered tool calls, input_json_delta their fragments, message_delta the finish and usage', () => {
  const reader = new AnthropicEventReader('up');
  assert.deepEqual(reader.events(JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 9 } } })), [{ type: 'usage', usage: { input_tokens: 9 } }]);
  assert.deepEqual(reader.events(JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })), []);
  assert.deepEqual(reader.events(JSON.stringify({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'n', input: {} } })), [{ type: 'tool_call_start', index: 0, id: 't', name: 'n' }]);
  assert.deepEqual(reader.events(JSON.stringify({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } })), [{ type: 'tool_call_delta', index: 0, arguments: '{}' }]);
  assert.deepEqual(reader.events(JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 2 } })), [
    { type: 'finish', reason: 'tool_calls' },
    { type: 'usage', usage: { input_tokens: 9, output_tokens: 2 } },
  ]);
  assert.throws(() => reader.events(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } })), /failed mid-stream: busy/);
});

test('gateway.json problems name their field; keys only as ${ENV:NAME}; names that point nowhere are refused', () => {
  const problems = (value: unknown) => {
    const checked = checkGatewayConfig(value);
    return checked.ok ? [] : checked.problems;
  };
  assert.deepEqual(problems({}), []);
  assert.match(problems({ providers: { p: { type: 'openai' } } })[0]!, /^providers\.p\.type: /);
  assert.match(problems({ providers: { p: { type: 'anthropic', api_key: 'sk-ant-123' } } })[0]!, /^providers\.p\.api_key: a reference to an environment variable/);
  assert.deepEqual(problems({ providers: { p: { type: 'anthropic', api_key: '${ENV:ANTHROPIC_API_KEY}' } } }), []);
  assert.match(problems({ providers: { p: { type: 'anthropic', base_url: 'ftp://x' } } })[0]!, /^providers\.p\.base_url: an http:\/\/ or https:\/\/ URL/);
  assert.deepEqual(problems({ tiers: { fast: 'nothing' } }), ['tiers.fast: no model named "nothing"; declare it under models']);
  assert.deepEqual(problems({ default_provider: 'ghost' }), ['default_provider: no provider named "ghost"']);
  assert.match(problems({ modles: {} })[0]!, /unknown field "modles"; did you mean models\?$/);
  // Through records and nested objects, a typo is matched against the fields of the object it sits in.
  assert.equal(problems({ routing: { auto: { trival: 'x' } } })[0], 'routing.auto: unknown field "trival"; did you mean trivial?');
  assert.equal(problems({ budgets: { agents: { bob: { dayly: 1 } } } })[0], 'budgets.agents.bob: unknown field "dayly"; did you mean daily?');
  assert.equal(problems({ providers: { p: { type: 'echo', retires: 2 } } })[0], 'providers.p: unknown field "retires"; did you mean retries?');
  assert.equal(problems({ zzzzzz: 1 })[0], '(top level): unknown field "zzzzzz"', 'nothing near: no guess');
  assert.match(problems({ providers: { p: { type: 'ollama', pass_through: true } } })[0]!, /pass_through: only anthropic and openai_compatible/);
  const bad = parseGatewayConfig('{');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problems[0]! : '', /^gateway\.json is not valid JSON/);
});

test('routing: tiers name models, models name providers, provider/model names one directly, the rest goes to the default', () => {
  const router = new Router({
    providers: { up: { type: 'openai_compatible', base_url: 'http://127.0.0.1:1/v1' }, local: { type: 'ollama' } },
    models: { big: { provider: 'up', model: 'up-big' } },
    tiers: { smart: 'big' },
  });
  const at = (model: string) => {
    const route = router.route(model);
    return [route.provider.name, route.upstreamModel];
  };
  assert.deepEqual(at('smart'), ['up', 'up-big']);
  assert.deepEqual(at('big'), ['up', 'up-big']);
  assert.deepEqual(at('local/qwen2.5'), ['local', 'qwen2.5']);
  assert.deepEqual(at('gpt-4o'), ['echo', 'gpt-4o']);
  assert.deepEqual(at('unknown/x'), ['echo', 'unknown/x']);
  assert.deepEqual(router.models().map((m) => m.id), ['big', 'smart', 'brains/auto', 'echo']);
});

test('system.info says where the gateway listens, or why not', () => {
  assert.deepEqual(gatewayStatus({ configuredPort: 8787, server: { url: 'http://127.0.0.1:8787', port: 8787 }, portTaken: false, configProblem: null }), {
    state: 'on',
    url: 'http://127.0.0.1:8787',
    port: 8787,
    reason: null,
    config_problem: null,
  });
  assert.match(gatewayStatus({ configuredPort: null, server: null, portTaken: false, configProblem: null }).reason!, /--gateway-port off or BRAINS_GATEWAY_PORT=off/);
  const taken = gatewayStatus({ configuredPort: 8787, server: null, portTaken: true, configProblem: 'x' });
  assert.deepEqual([taken.state, taken.port, taken.config_problem], ['port_taken', 8787, 'x']);
  assert.match(taken.reason!, /port 8787 was in use when the daemon started; set --gateway-port or BRAINS_GATEWAY_PORT/);
});

test('--gateway-port and BRAINS_GATEWAY_PORT: a port, 0, off; the default is 8787', () => {
  assert.equal(loadConfig([], {}).gatewayPort, 8787);
  assert.equal(loadConfig([], {}).gatewayPortIsDefault, true);
  assert.equal(loadConfig(['--gateway-port', '0'], {}).gatewayPort, 0);
  assert.equal(loadConfig(['--gateway-port=off'], {}).gatewayPort, null);
  assert.equal(loadConfig([], { BRAINS_GATEWAY_PORT: '9000' }).gatewayPort, 9000);
  assert.throws(() => loadConfig(['--gateway-port', '70000'], {}), (e: unknown) => e instanceof ConfigError && /--gateway-port \(or BRAINS_GATEWAY_PORT\) must be a whole number from 0 to 65535/.test(e.message));
  assert.throws(() => loadConfig(['--gateway-prot', '1'], {}), /did you mean --gateway-port\?/);
});

test('upstream calls: an https provider is spoken to over TLS (loaded with the first such call), an http one in plain HTTP', async () => {
  // A bare TCP listener that keeps the first bytes each connection sends, then hangs up.
  const firstBytes: Buffer[] = [];
  const server = createTcpServer((socket) => socket.once('data', (chunk: Buffer) => (firstBytes.push(chunk), socket.destroy())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const call = (scheme: string) => post({ url: `${scheme}://127.0.0.1:${port}/v1/chat/completions`, headers: {}, body: '{}', signal: new AbortController().signal, timeoutMs: 5_000, provider: 'test' });
  try {
    for (const scheme of ['https', 'http']) await assert.rejects(call(scheme), (error: unknown) => error instanceof GatewayError && /provider test could not be reached/.test(error.message));
    assert.equal(firstBytes.length, 2);
    assert.equal(firstBytes[0]![0], 0x16, 'https: a TLS handshake record first');
    assert.equal(firstBytes[1]!.subarray(0, 5).toString(), 'POST ', 'http: the request line first');
  } finally {
    server.close();
  }
});
