// Why this exists: brains mcp answers quick tool calls beside the SDK's server; a client must not be able to tell. Each
// case runs through the SDK alone and through the quick path, and the lines on stdout and the daemon calls must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BrainsError } from '../../rpc/errors.js';
import type { CallOptions, DaemonCall } from '../../daemon/mcp/caller.js';
import { QuickCallTransport } from '../../daemon/mcp/quick-calls.js';
import { createMcpServer, createMcpServerWithQuickTools } from '../../daemon/mcp/server.js';
import { StdioLineTransport } from '../../daemon/mcp/stdio-transport.js';

type Answer = (method: string, params: Record<string, unknown>, opts: CallOptions) => unknown;

interface DaemonSeen {
  method: string;
  params: Record<string, unknown>;
  waits: boolean;
  quick: boolean;
}

interface Session {
  /** Write a message and wait for the line answering its id. */
  request(message: Record<string, unknown>): Promise<string>;
  write(message: Record<string, unknown>): void;
  lines: string[];
  calls: DaemonSeen[];
  server: McpServer;
}

async function open(quick: boolean, answer: Answer): Promise<Session> {
  const calls: DaemonSeen[] = [];
  const call: DaemonCall = async (method, params, opts: CallOptions) => {
    // The SDK's path hands every call its request's notifier; a quick call has none.
    calls.push({ method, params, waits: opts.waits, quick: opts.notify === undefined });
    return answer(method, params, opts);
  };
  const stdin = new PassThrough();
  const lines: string[] = [];
  const waiting = new Map<unknown, (line: string) => void>();
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        lines.push(line);
        waiting.get((JSON.parse(line) as { id?: unknown }).id)?.(line);
      }
      done();
    },
  });
  let server: McpServer;
  if (quick) {
    const made = createMcpServerWithQuickTools({ call, version: '0.0.0' });
    server = made.server;
    await server.connect(new QuickCallTransport(new StdioLineTransport(stdin, stdout), made.quickTools));
  } else {
    server = createMcpServer({ call, version: '0.0.0' });
    await server.connect(new StdioServerTransport(stdin, stdout));
  }
  const write = (message: Record<string, unknown>) => void stdin.write(`${JSON.stringify(message)}\n`);
  const session: Session = {
    request: (message) => new Promise((resolve) => (waiting.set(message.id, resolve), write(message))),
    write,
    lines,
    calls,
    server,
  };
  await session.request({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } });
  write({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return session;
}

const sent = { message_id: 'msg-1', recipients: ['sink'], deduplicated: false };

function daemon(method: string, params: Record<string, unknown>): unknown {
  if (method === 'system.info') return { version: '9.9.9', schema_version: 3 };
  if (method === 'project.list') return { projects: [], total: 0, offset: 0, limit: 50 };
  if (method === 'message.receive') return { messages: [], count: 0, timed_out: true, message: 'nothing arrived' };
  if (params.to_agent === 'nobody') throw new BrainsError('NOT_FOUND', 'no agent nobody in project p; get_project_info lists the members');
  if (params.to_agent === 'garbled') return { message_id: 5 };
  return sent;
}

const send = (args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ method: 'tools/call', params: { name: 'send_message', arguments: { project_id: 'p', from_agent: 'a', to_agent: 'sink', payload: { n: 1 }, ...args }, ...extra } });

const cases: Array<{ what: string; message: Record<string, unknown>; quick: boolean }> = [
  { what: 'a send', message: send({}), quick: true },
  { what: 'a daemon error', message: send({ to_agent: 'nobody' }), quick: true },
  { what: 'an answer the output schema refuses', message: send({ to_agent: 'garbled' }), quick: true },
  { what: 'a _meta with a progress token', message: send({}, { _meta: { progressToken: 'tok' } }), quick: true },
  { what: 'a Brainstorm argument name', message: { method: 'tools/call', params: { name: 'list_projects', arguments: { includeArchived: true } } }, quick: true },
  { what: 'no arguments at all', message: { method: 'tools/call', params: { name: 'list_projects' } }, quick: true },
  { what: 'an argument of the wrong type', message: send({ to_agent: 5 }), quick: false },
  { what: 'an unknown argument', message: send({ bogus: 1 }), quick: false },
  { what: 'a mistyped tool name', message: { method: 'tools/call', params: { name: 'send_mesage', arguments: {} } }, quick: false },
  { what: 'arguments that are not an object', message: { method: 'tools/call', params: { name: 'send_message', arguments: [1] } }, quick: false },
  { what: 'a key tools/call does not have', message: send({}, { extra: 1 }), quick: false },
  { what: 'a task', message: send({}, { task: { ttl: 1000 } }), quick: false },
  { what: 'a wait', message: { method: 'tools/call', params: { name: 'receive_messages', arguments: { project_id: 'p', agent_name: 'a', wait: true, timeout_seconds: 1 } } }, quick: true },
  {
    what: 'a wait that asks for progress',
    message: { method: 'tools/call', params: { name: 'receive_messages', arguments: { project_id: 'p', agent_name: 'a', wait: true, timeout_seconds: 1 }, _meta: { progressToken: 7 } } },
    quick: false,
  },
  { what: 'the version tool', message: { method: 'tools/call', params: { name: 'version', arguments: {} } }, quick: false },
];

test('every tool call answers the same, byte for byte, with the same daemon calls; only the quick ones skip the SDK', async () => {
  const sdk = await open(false, daemon);
  const ours = await open(true, daemon);
  let id = 1;
  for (const { what, message, quick } of cases) {
    const request = { jsonrpc: '2.0', id: id++, ...message };
    const before = ours.calls.length;
    assert.equal(await ours.request(request), await sdk.request(request), what);
    assert.deepEqual(ours.calls.slice(before).map((c) => ({ ...c, quick: false })), sdk.calls.slice(before), what);
    assert.equal(ours.calls.slice(before).some((c) => c.quick), quick, `${what}: quick path`);
  }
  assert.equal(sdk.calls.some((c) => c.quick), false);
  await Promise.all([sdk.server.close(), ours.server.close()]);
});

test('a cancelled quick call answers nothing, as in the SDK, and the session carries on; so does one in flight at close', async () => {
  for (const quick of [false, true]) {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const session = await open(quick, async (method, params) => (params.to_agent === 'slow' ? held.then(() => sent) : daemon(method, params)));
    session.write({ jsonrpc: '2.0', id: 1, ...send({ to_agent: 'slow' }) });
    session.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'changed my mind' } });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const after = JSON.parse(await session.request({ jsonrpc: '2.0', id: 2, ...send({}) })) as { result: { structuredContent: unknown } };
    assert.deepEqual(after.result.structuredContent, { success: true, ...sent });
    assert.equal(session.lines.some((line) => (JSON.parse(line) as { id?: unknown }).id === 1), false, `quick: ${quick}`);

    let releaseLast: () => void = () => {};
    const last = new Promise<void>((resolve) => (releaseLast = resolve));
    const closing = await open(quick, async () => last.then(() => sent));
    closing.write({ jsonrpc: '2.0', id: 3, ...send({}) });
    await new Promise((resolve) => setImmediate(resolve));
    await closing.server.close();
    releaseLast();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closing.lines.some((line) => (JSON.parse(line) as { id?: unknown }).id === 3), false, `quick: ${quick}`);
    await session.server.close();
  }
});

test('a quick wait runs with a signal that a cancel or the session closing aborts, as the SDK aborts its handler; no answer follows', async () => {
  const receive = { method: 'tools/call', params: { name: 'receive_messages', arguments: { project_id: 'p', agent_name: 'a', wait: true, timeout_seconds: 60 } } };
  for (const ending of ['cancel', 'close'] as const) {
    const signals: AbortSignal[] = [];
    let parked: () => void = () => {};
    const isParked = new Promise<void>((resolve) => (parked = resolve));
    // As the socket carrier does: a wait's connection hangs up when its signal aborts, and the call fails.
    const session = await open(true, (method, params, opts) => {
      if (method !== 'message.receive') return daemon(method, params);
      if (!opts.signal) throw new Error('a wait without a signal could never be released');
      const signal = opts.signal;
      signals.push(signal);
      parked();
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('connection closed')), { once: true }));
    });
    session.write({ jsonrpc: '2.0', id: 1, ...receive });
    await isParked;
    assert.equal(session.calls.at(-1)?.quick, true, `${ending}: the wait went the quick way`);
    assert.equal(signals[0]!.aborted, false);
    if (ending === 'cancel') session.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'stop listening' } });
    else await session.server.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(signals[0]!.aborted, true, `${ending}: the wait was released`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(session.lines.some((line) => (JSON.parse(line) as { id?: unknown }).id === 1), false, `${ending}: nothing answers a wait that ended`);
    if (ending === 'cancel') {
      const after = JSON.parse(await session.request({ jsonrpc: '2.0', id: 2, ...send({}) })) as { result: { structuredContent: unknown } };
      assert.deepEqual(after.result.structuredContent, { success: true, ...sent });
      await session.server.close();
    }
  }
});
