// The socket under stress: split and merged frames, CRLF, bad bytes, oversized frames, garbage, concurrency and slow readers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RpcCallError } from '../../rpc/errors.js';
import { RawPeer, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';

const ping = (id: unknown) => JSON.stringify({ jsonrpc: '2.0', method: 'system.ping', id });

describe('framing on the real daemon', () => {
  const { daemon } = withDaemon({ args: ['--max-frame-bytes', '65536'] });

  test('a frame split across many writes, one byte at a time', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    const bytes = Buffer.from(`${ping('split')}\n`);
    for (const byte of bytes) {
      peer.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await peer.next()).id, 'split');
    peer.close();
  });

  test('several frames in one chunk, with CRLF and blank lines between them', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    peer.write(`${ping(1)}\r\n\n   \r\n${ping(2)}\n${ping(3)}\r\n`);
    const ids = [(await peer.next()).id, (await peer.next()).id, (await peer.next()).id].sort();
    assert.deepEqual(ids, [1, 2, 3]);
    await peer.expectSilenceThenPing();
    peer.close();
  });

  test('a multi-byte UTF-8 character split between writes survives', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    const bytes = Buffer.from(`${ping('日本語')}\n`);
    const cut = bytes.indexOf(Buffer.from('本')) + 1;
    peer.write(bytes.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 20));
    peer.write(bytes.subarray(cut));
    assert.equal((await peer.next()).id, '日本語');
    peer.close();
  });

  test('invalid UTF-8 is a parse error and the connection keeps serving', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    peer.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"system.ping","id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n')]));
    assert.deepEqual(await peer.next(), { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    await peer.expectSilenceThenPing();
    peer.close();
  });

  test('an oversized frame gets one clean error, is skipped, and the connection survives', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    const huge = JSON.stringify({ jsonrpc: '2.0', method: 'system.ping', params: { pad: 'x'.repeat(200_000) }, id: 'huge' });
    peer.write(`${huge}\n${ping('after')}\n`);
    const error = await peer.next();
    assert.equal(error.id, null);
    assert.equal(error.error.code, -32600);
    assert.equal(error.error.data.code, 'LIMIT_EXCEEDED');
    assert.equal(error.error.data.limit, 65536);
    assert.match(error.error.message, /65536-byte limit/);
    assert.equal((await peer.next()).id, 'after');
    await peer.expectSilenceThenPing();
    peer.close();
  });

  test('a client closing mid-frame leaves the daemon serving others', async () => {
    const peer = await RawPeer.open(daemon.paths.socket);
    peer.write('{"jsonrpc":"2.0","method":"system.pi');
    peer.socket.end();
    const other = await daemon.client();
    assert.equal((await other.call('system.ping')).pong, true);
  });

  test('1,000 random garbage frames leave the daemon serving and its state unchanged', async () => {
    const client = await daemon.client();
    const before = await client.call('system.info');
    const peer = await RawPeer.open(daemon.paths.socket);
    const shapes = [
      () => randomBytes(1 + Math.floor(Math.random() * 300)),
      () => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: randomBytes(6).toString('hex'), id: Math.random() })),
      () => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'events.publish', params: { events: [{ type: 'system.fake' }] }, id: 1 })),
      () => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'events.subscribe', params: { since: -1 }, id: 2 })),
      () => Buffer.from('['.repeat(5000) + ']'.repeat(4999)),
      () => Buffer.from(`{"jsonrpc":"2.0","method":"system.ping","id":${'9'.repeat(400)}`),
      () => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'daemon.maintain', params: { x: { __proto__: { polluted: 1 } } }, id: 3 })),
    ];
    for (let i = 0; i < 1000; i += 1) {
      const frame = shapes[i % shapes.length]!().toString('latin1').replace(/\n/g, ' ');
      peer.write(Buffer.concat([Buffer.from(frame, 'latin1'), Buffer.from('\n')]));
    }
    await peer.expectSilenceThenPing('after-garbage').catch(async () => {
      // Garbage may have produced replies; drain until our probe's answer arrives.
      for (;;) if ((await peer.next(5000)).id === 'after-garbage') break;
    });
    const after = await client.call('system.info');
    assert.equal(after.event_seq, before.event_seq, 'no event was appended');
    assert.equal(after.counts.events, before.counts.events);
    assert.equal(after.schema_version, before.schema_version);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    peer.close();
  });
});

describe('concurrency on one daemon', () => {
  const { daemon } = withDaemon();

  test('two clients at once each get their own answers', async () => {
    const [a, b] = [await daemon.client(), await daemon.client()];
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).call('system.ping')));
    assert.equal(results.length, 200);
    assert.ok(results.every((r) => r.pong === true));
  });

  test('a long wait does not block a ping on the same connection', async () => {
    const client = await daemon.client();
    let waitSettled = false;
    const wait = client.call('events.wait', { types: ['user.never'], timeout_seconds: 30 }).finally(() => (waitSettled = true));
    const pong = await client.call('system.ping');
    assert.equal(pong.pong, true);
    assert.equal(waitSettled, false, 'the wait is still parked while the ping was answered');
    await client.call('events.publish', { events: [{ type: 'user.never', data: { ok: 1 } }] });
    const woken = await wait;
    assert.equal(woken.timed_out, false);
    assert.equal(woken.event?.type, 'user.never');
  });

  test('a wait whose client disconnects is released', async () => {
    const client = await daemon.client();
    void client.call('events.wait', { timeout_seconds: 600 }).catch(() => {});
    const watcher = await daemon.client();
    await waitForCount(watcher, 'waiting', (n) => n >= 1);
    await client.close();
    await waitForCount(watcher, 'waiting', (n) => n === 0);
  });

  test('a client that never reads its replies does not hold up other clients', async () => {
    const flood = await RawPeer.open(daemon.paths.socket);
    flood.socket.pause(); // never read
    const line = `${JSON.stringify({ jsonrpc: '2.0', method: 'system.methods', id: 1 })}\n`;
    const chunk = line.repeat(200);
    for (let i = 0; i < 100; i += 1) flood.write(chunk); // 20,000 large replies requested
    const other = await daemon.client();
    for (let i = 0; i < 20; i += 1) assert.equal((await other.call('system.ping')).pong, true);
    const info = await other.call('system.info');
    assert.ok(info.counts.calls_in_flight! < 5000, `calls in flight stay bounded: ${info.counts.calls_in_flight}`);
    flood.close();
    assert.equal((await other.call('system.ping')).pong, true);
  });

  test('application errors carry a stable code and no stack or internal path', async () => {
    const client = await daemon.client();
    const error = await client.call('events.list', { after: 10_000_000 }).catch((e: unknown) => e);
    assert.ok(error instanceof RpcCallError);
    assert.equal(error.code, 4000);
    assert.equal(error.appCode, 'INVALID');
    assert.match(error.message, /ahead of the newest event/);
    const text = JSON.stringify(error.toJSON());
    assert.doesNotMatch(text, /at .*\.js:\d+/);
    assert.ok(!text.includes(daemon.home), 'no state path in the error');
  });

  test('invalid params give -32602 with the zod issues in data', async () => {
    const client = await daemon.client();
    const error = (await client.callRaw('events.list', { after: -1, limit: 'ten', extra: true }).catch((e: unknown) => e)) as RpcCallError;
    assert.equal(error.code, -32602);
    const data = error.data as { code: string; issues: Array<{ path: string[]; message: string }> };
    assert.equal(data.code, 'INVALID');
    const paths = data.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('after'), JSON.stringify(data.issues));
    assert.ok(paths.includes('limit'));
    assert.ok(data.issues.some((i) => /extra/.test(i.message)));
  });

  test('params given as an array to a named-params method are -32602', async () => {
    const client = await daemon.client();
    const error = (await client.callRaw('events.list', [0, 10]).catch((e: unknown) => e)) as RpcCallError;
    assert.equal(error.code, -32602);
  });
});

async function waitForCount(client: Awaited<ReturnType<TestDaemon['client']>>, key: string, ok: (n: number) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const n = (await client.call('system.info')).counts[key] ?? 0;
    if (ok(n)) return;
    if (Date.now() > deadline) throw new Error(`${key} stayed at ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
