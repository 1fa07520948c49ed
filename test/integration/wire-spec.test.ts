// Every example of JSON-RPC 2.0 §7, sent over a real Unix socket through our frame layer and dispatcher, answered exactly as the spec shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineMethods } from '../../rpc/contract/define.js';
import { Dispatcher } from '../../daemon/server/dispatcher.js';
import { Access } from '../../daemon/principals/access.js';
import type { Store } from '../../daemon/store/index.js';
import { SocketServer } from '../../daemon/server/socket-server.js';
import { createLogger } from '../../daemon/log.js';
import { RawPeer, tempHome } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';

// The methods the spec's examples call, declared the way our contract declares methods.
const pair = z.union([z.tuple([z.number(), z.number()]), z.object({ minuend: z.number(), subtrahend: z.number() }).strict()]);
const specTable = defineMethods({
  subtract: { summary: 'spec', params: pair, result: z.number(), emits: [] },
  sum: { summary: 'spec', params: z.array(z.number()), result: z.number(), emits: [] },
  update: { summary: 'spec', params: z.array(z.number()), result: z.null(), emits: [] },
  get_data: { summary: 'spec', params: z.unknown(), result: z.tuple([z.string(), z.number()]), emits: [] },
  notify_hello: { summary: 'spec', params: z.array(z.number()), result: z.null(), emits: [] },
  notify_sum: { summary: 'spec', params: z.array(z.number()), result: z.null(), emits: [] },
});
const specHandlers = {
  subtract: (p: z.output<typeof pair>) => (Array.isArray(p) ? p[0] - p[1] : p.minuend - p.subtrahend),
  sum: (p: number[]) => p.reduce((a, b) => a + b, 0),
  update: () => null,
  get_data: () => ['hello', 5],
  notify_hello: () => null,
  notify_sum: () => null,
};

// The spec leaves an error's data to the server: ours says where to look (and the nearest name, when one is close).
const NOT_FOUND_HINT = { code: 'NOT_FOUND', hint: 'call system.methods for the list' };
/** The spec's -32601, its message naming the method (the spec leaves the wording to the server). */
const notFound = (method: string) => ({ code: -32601, message: `no method ${method}; brains rpc --list shows them all`, data: NOT_FOUND_HINT });

// [request text as sent on the wire, exact expected response (undefined = nothing at all)]
const EXAMPLES: Array<[string, string, unknown]> = [
  ['positional params 1', '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}', { jsonrpc: '2.0', result: 19, id: 1 }],
  ['positional params 2', '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}', { jsonrpc: '2.0', result: -19, id: 2 }],
  ['named params 1', '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}', { jsonrpc: '2.0', result: 19, id: 3 }],
  ['named params 2', '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}', { jsonrpc: '2.0', result: 19, id: 4 }],
  ['notification', '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}', undefined],
  ['notification of a missing method', '{"jsonrpc": "2.0", "method": "foobar"}', undefined],
  ['non-existent method', '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}', { jsonrpc: '2.0', error: notFound('foobar'), id: '1' }],
  ['invalid JSON', '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }],
  ['invalid Request object', '{"jsonrpc": "2.0", "method": 1, "params": "bar"}', { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }],
  [
    'batch, invalid JSON',
    '[  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},  {"jsonrpc": "2.0", "method" ]',
    { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
  ],
  ['empty array', '[]', { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }],
  ['invalid batch, not empty', '[1]', [{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }]],
  [
    'invalid batch',
    '[1,2,3]',
    [1, 2, 3].map(() => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null })),
  ],
  [
    'mixed batch',
    '[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}, {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"}, {"foo": "boo"}, {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"}, {"jsonrpc": "2.0", "method": "get_data", "id": "9"}]',
    [
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: notFound('foo.get'), id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
    ],
  ],
  ['batch of notifications only', '[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]', undefined],
];

describe('JSON-RPC 2.0 §7 examples through the frame layer and dispatcher', () => {
  let home: string;
  let server: SocketServer;
  let peer: RawPeer;
  const socket = () => join(home, 's.sock');

  before(async () => {
    home = tempHome();
    const log = createLogger({ format: 'human', level: 'error', color: false, write: () => {} });
    // The spec's methods name no agents or projects: the operator's calls need no store to be authorized, and write no audit rows.
    const access = new Access(null as unknown as Store);
    const dispatcher = new Dispatcher(specTable, specHandlers, { log, checkResults: true, access, audit: { writeAlone() {} }, lockWaitMs: () => 0 });
    server = new SocketServer(dispatcher, { maxFrameBytes: 1 << 20, pauseAtBufferedBytes: 1 << 22, dropAtBufferedBytes: 1 << 26, maxInFlight: 64 }, log);
    await server.listen(socket());
    peer = await RawPeer.open(socket());
  });
  after(async () => {
    peer.close();
    for (const c of server.connections) c.destroy();
    await server.stopAccepting();
    rmSync(home, { recursive: true, force: true });
  });

  for (const [name, request, expected] of EXAMPLES) {
    test(name, async () => {
      peer.write(`${request}\n`);
      if (expected === undefined) {
        // Nothing at all comes back: the next frame is the answer to a later request.
        const probe = await peer.roundTrip('{"jsonrpc": "2.0", "method": "get_data", "id": "probe"}');
        assert.deepEqual(probe, { jsonrpc: '2.0', result: ['hello', 5], id: 'probe' });
      } else {
        assert.deepEqual(await peer.next(), expected);
      }
    });
  }
});

describe('the spec examples that need no particular method, against the real daemon', () => {
  const { daemon } = withDaemon();
  let peer: RawPeer;
  before(async () => {
    peer = await RawPeer.open(daemon.paths.socket);
  });
  after(async () => {
    peer.close();
  });

  const methodFree = EXAMPLES.filter(([name]) =>
    ['non-existent method', 'invalid JSON', 'invalid Request object', 'batch, invalid JSON', 'empty array', 'invalid batch, not empty', 'invalid batch', 'notification of a missing method'].includes(name),
  );
  for (const [name, request, expected] of methodFree) {
    test(name, async () => {
      peer.write(`${request}\n`);
      if (expected === undefined) await peer.expectSilenceThenPing();
      else assert.deepEqual(await peer.next(), expected);
    });
  }

  test('mixed batch with daemon methods keeps the spec shape and order', async () => {
    const reply = await peer.roundTrip(
      '[{"jsonrpc":"2.0","method":"system.ping","id":"1"},{"jsonrpc":"2.0","method":"system.ping"},{"foo":"boo"},{"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},{"jsonrpc":"2.0","method":"system.ping","params":[1],"id":"6"}]',
    );
    assert.equal(reply.length, 4);
    assert.equal(reply[0].id, '1');
    assert.equal(reply[0].result.pong, true);
    assert.deepEqual(reply[1], { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
    assert.deepEqual(reply[2], { jsonrpc: '2.0', error: notFound('foo.get'), id: '5' });
    assert.equal(reply[3].id, '6');
    assert.equal(reply[3].error.code, -32602);
  });

  test('an all-notification batch of real methods gets no reply', async () => {
    peer.write('[{"jsonrpc":"2.0","method":"system.ping"},{"jsonrpc":"2.0","method":"system.info"}]\n');
    await peer.expectSilenceThenPing();
  });

  test('id null is answered with id null; ids of every JSON type echo back exactly', async () => {
    for (const id of [null, 0, -7, 1.5, '', 'x y', 'ünï']) {
      const reply = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'system.ping', id }));
      assert.deepEqual(reply.id, id);
      assert.equal(reply.result.pong, true);
    }
  });

  test('a mistyped method or param is answered with the nearest valid name; hostile names get no guess and a short answer', async () => {
    const typo = await peer.roundTrip('{"jsonrpc":"2.0","method":"sesion.start","id":1}');
    assert.deepEqual(typo.error, {
      code: -32601,
      message: 'no method sesion.start; did you mean session.start? brains rpc --list',
      data: { code: 'NOT_FOUND', hint: 'did you mean session.start? call system.methods for the list' },
    });
    const huge = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'x'.repeat(100_000), id: 2 }));
    assert.deepEqual(huge.error, { code: -32601, message: `no method ${'x'.repeat(60)}…; brains rpc --list shows them all`, data: NOT_FOUND_HINT });
    const hostile = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'a\u001b[2Jb', id: 2 }));
    assert.equal(hostile.error.message, 'no method "a\\u001b[2Jb"; brains rpc --list shows them all', 'control characters are quoted, never passed through');

    const param = await peer.roundTrip('{"jsonrpc":"2.0","method":"session.status","params":{"agnet_name":"ann"},"id":3}');
    assert.equal(param.error.code, -32602);
    assert.equal(param.error.message, 'Invalid params for session.status: unknown param "agnet_name"; did you mean agent_name?');
    const vague = await peer.roundTrip('{"jsonrpc":"2.0","method":"session.status","params":{"agent":"ann"},"id":4}');
    assert.equal(vague.error.message, 'Invalid params for session.status: unknown param "agent"; it takes working_directory, client_id, agent_name');
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}${'y'.repeat(200)}`, i]));
    const flood = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'system.ping', params: many, id: 5 }));
    assert.equal(flood.error.code, -32602);
    assert.match(flood.error.message, /unknown params "k0y+…", "k1y+…", "k2y+…" and 4997 more; it takes no params$/);
    assert.ok(flood.error.message.length < 300, flood.error.message);
  });

  test('bad params get one short message: what is missing with a Required: line, union shapes, at most 20 issues', async () => {
    const missing = await peer.roundTrip('{"jsonrpc":"2.0","method":"message.send","params":{"to_agent":"b"},"id":1}');
    assert.equal(missing.error.code, -32602);
    // The operator's from_agent is filled in once the project is named: neither missing nor required of it.
    assert.equal(missing.error.message, 'Invalid params for message.send: missing project_id, payload\nRequired: project_id, payload');
    assert.deepEqual(missing.error.data.issues.map((i: { path: string[] }) => i.path.join('.')), ['project_id', 'payload']);

    const holder = await peer.roundTrip('{"jsonrpc":"2.0","method":"lock.acquire","params":{"key":"a","holder":{"agent":"x"}},"id":2}');
    assert.equal(holder.error.message, 'Invalid params for lock.acquire: holder: expected {session_id} or {project_id, agent_name}');

    // 100,000 unknown keys one level down, and 100 wrong items (all events.publish takes): the answer stays short.
    const keys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const nested = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'lock.acquire', params: { key: 'a', holder: { session_id: 's', ...keys } }, id: 3 }));
    const items = await peer.roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'events.publish', params: { events: Array.from({ length: 100 }, () => 7) }, id: 4 }));
    for (const reply of [nested, items]) {
      assert.equal(reply.error.code, -32602);
      assert.ok(reply.error.message.length <= 400, reply.error.message);
      assert.ok(reply.error.data.issues.length <= 20, `${reply.error.data.issues.length} issues`);
      assert.ok(JSON.stringify(reply).length < 8000, `${JSON.stringify(reply).length} bytes`);
    }
    assert.match(items.error.message, /^Invalid params for events\.publish: events\.0: .*; and 97 more issues$/);
    assert.equal(items.error.data.issues_total, 100);
  });

  test('malformed request members are Invalid Request with id null', async () => {
    for (const bad of [
      { jsonrpc: '1.0', method: 'system.ping', id: 1 },
      { method: 'system.ping', id: 1 },
      { jsonrpc: '2.0', id: 1 },
      { jsonrpc: '2.0', method: 'system.ping', params: 'x', id: 1 },
      { jsonrpc: '2.0', method: 'system.ping', params: null, id: 1 },
      { jsonrpc: '2.0', method: 'system.ping', id: { a: 1 } },
      { jsonrpc: '2.0', method: 'system.ping', id: [1] },
      { jsonrpc: '2.0', method: 'system.ping', id: 1, result: 1 },
      'a string',
      42,
      null,
      [[]],
    ]) {
      const reply = await peer.roundTrip(JSON.stringify(bad));
      const expected = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
      assert.deepEqual(Array.isArray(reply) ? reply[0] : reply, expected, JSON.stringify(bad));
    }
  });
});
