// Why this exists: brains mcp reads stdio with a transport of its own (a hand check in place of a schema parse); fed the
// same bytes, it must hand the server the same messages, errors and closes as the SDK's StdioServerTransport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { ordinaryMessage } from '../../daemon/mcp/jsonrpc-shape.js';
import { StdioLineTransport } from '../../daemon/mcp/stdio-transport.js';

type Make = (stdin: PassThrough, stdout: Writable, maxBufferSize?: number) => Transport;

const sdk: Make = (stdin, stdout, maxBufferSize) => new StdioServerTransport(stdin, stdout, { maxBufferSize });
const ours: Make = (stdin, stdout, maxBufferSize) => new StdioLineTransport(stdin, stdout, { maxBufferSize });

/** What a transport reports for the chunks: each message (as JSON, so key order counts), error and close, in order. */
async function reports(make: Make, chunks: Array<string | Buffer>, maxBufferSize?: number): Promise<string[]> {
  const stdin = new PassThrough();
  const transport = make(stdin, new Writable({ write: (_c, _e, done) => done() }), maxBufferSize);
  const seen: string[] = [];
  transport.onmessage = (message) => seen.push(`message ${JSON.stringify(message)}`);
  transport.onerror = (error) => seen.push(`error ${error.constructor.name}: ${error.message}`);
  transport.onclose = () => seen.push('close');
  await transport.start();
  for (const chunk of chunks) {
    stdin.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return seen;
}

async function sameAsSdk(chunks: Array<string | Buffer>, maxBufferSize?: number): Promise<string[]> {
  const expected = await reports(sdk, chunks, maxBufferSize);
  assert.deepEqual(await reports(ours, chunks, maxBufferSize), expected, JSON.stringify(chunks));
  return expected;
}

const call = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"send_message","arguments":{"payload":{"text":"é✓"}}}}';

test('lines split anywhere, several to a chunk, CRLF and a character cut in two read as the SDK reads them', async () => {
  const bytes = Buffer.from(`${call}\r\n${call}\n`);
  for (const cut of [1, 40, 95, 96, 97, bytes.indexOf('\r'), bytes.length - 1]) {
    await sameAsSdk([bytes.subarray(0, cut), bytes.subarray(cut)]);
  }
  await sameAsSdk([...bytes].map((byte) => Buffer.from([byte])));
  const seen = await sameAsSdk([`${call}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\r\n`]);
  assert.equal(seen.length, 2);
});

test('bad JSON, JSON that is not JSON-RPC, and empty lines fail as in the SDK, and the lines after them still arrive', async () => {
  const lines = ['{"jsonrpc":', '', '\r', 'null', '[1]', '{"foo":1}', '{"jsonrpc":"2.0","id":null,"method":"x"}', '{"jsonrpc":"1.0","id":1,"method":"x"}', '{"jsonrpc":"2.0","id":1,"method":"x","params":null}'];
  const seen = await sameAsSdk([`${lines.join('\n')}\n${call}\n`]);
  assert.equal(seen.filter((line) => line.startsWith('error')).length, lines.length);
  assert.match(seen.at(-1)!, /^message /);
});

test('a line longer than the buffer allows is an error and closes the transport, as in the SDK', async () => {
  const seen = await sameAsSdk([call.slice(0, 60), call.slice(60), '\n', call], 100);
  assert.deepEqual(seen.slice(0, 2), ['error Error: ReadBuffer exceeded maximum size of 100 bytes', 'close']);
  await sameAsSdk([`${call}\n${call}\n`], 50);
});

test('the hand check returns what the SDK schema would, or leaves the message to it', () => {
  const messages = [
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: { a: 1 } } },
    { method: 'tools/list', id: 'a', jsonrpc: '2.0' },
    { params: {}, jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { b: 1, _meta: { z: 1, progressToken: 2 }, c: 2 } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { z: [1] } } },
    { jsonrpc: '2.0', method: 'x', params: { _meta: {}, a: 1 } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 'p' } } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 1.5 } } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: null } } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: null } },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 't', more: 1 } } } },
    JSON.parse('{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"__proto__":{"a":1}}}}'),
    { jsonrpc: '2.0', id: 1, result: {} },
    { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', extra: 1 } },
    { jsonrpc: '2.0', id: 2 ** 53, method: 'x' },
    { jsonrpc: '2.0', id: -0, method: 'x' },
    { jsonrpc: '2.0', id: 1.5, method: 'x' },
    { jsonrpc: '2.0', id: 1, method: 'x', extra: 1 },
    { jsonrpc: '2.0', id: 1, method: 'x', params: [] },
    JSON.parse('{"jsonrpc":"2.0","id":1,"method":"x","params":{"__proto__":{"a":1},"b":2}}'),
    JSON.parse('{"__proto__":{},"jsonrpc":"2.0","id":1,"method":"x"}'),
  ];
  let handled = 0;
  for (const message of messages) {
    const quick = ordinaryMessage(message);
    if (quick === undefined) continue;
    handled += 1;
    assert.equal(JSON.stringify(quick), JSON.stringify(JSONRPCMessageSchema.parse(message)), JSON.stringify(message));
  }
  assert.equal(handled, 7);
});

test('each message leaves in one write; a full pipe holds the send until it drains; close pauses stdin and says so', async () => {
  const stdin = new PassThrough();
  const writes: string[] = [];
  let full = true;
  const stdout = new Writable({ highWaterMark: 1, write: (chunk, _e, done) => (writes.push(String(chunk)), full ? setTimeout(done, 20) : done()) });
  const transport = new StdioLineTransport(stdin, stdout);
  let closed = 0;
  transport.onclose = () => (closed += 1);
  await transport.start();
  await assert.rejects(transport.start());
  let sent = false;
  const sending = transport.send({ jsonrpc: '2.0', id: 1, result: {} }).then(() => (sent = true));
  assert.deepEqual(writes, ['{"jsonrpc":"2.0","id":1,"result":{}}\n']);
  assert.equal(sent, false, 'waits for drain');
  await sending;
  full = false;
  await transport.send({ jsonrpc: '2.0', method: 'notifications/x' });
  assert.equal(writes.length, 2);

  await transport.close();
  assert.equal(closed, 1);
  assert.equal(stdin.listenerCount('data'), 0);
  assert.equal(stdin.isPaused(), true);
});
