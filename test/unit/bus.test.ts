// The bus: type-indexed delivery and waits that wake on publish, time out, or abort, without polling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../daemon/events/bus.js';
import type { EventRecord } from '../../rpc/contract/index.js';

const ev = (seq: number, type: string): EventRecord => ({ seq, type, time: '', subject: null, data: null });

test('listeners get exactly the types they asked for, once each', () => {
  const bus = new EventBus();
  const got: Record<string, string[]> = { all: [], exact: [], prefix: [], both: [] };
  bus.listen(undefined, (e) => got.all!.push(e.type));
  bus.listen(['a.b'], (e) => got.exact!.push(e.type));
  bus.listen(['a.*'], (e) => got.prefix!.push(e.type));
  bus.listen(['a.b', 'a.*'], (e) => got.both!.push(e.type));
  bus.publish([ev(1, 'a.b'), ev(2, 'a.c'), ev(3, 'ab.c'), ev(4, 'b')]);
  assert.deepEqual(got, { all: ['a.b', 'a.c', 'ab.c', 'b'], exact: ['a.b'], prefix: ['a.b', 'a.c'], both: ['a.b', 'a.c'] });
});

test('stopping a listener removes it everywhere', () => {
  const bus = new EventBus();
  const got: string[] = [];
  const stop = bus.listen(['x', 'y.*'], (e) => got.push(e.type));
  assert.equal(bus.listenerCount, 1);
  stop();
  stop();
  assert.equal(bus.listenerCount, 0);
  bus.publish([ev(1, 'x'), ev(2, 'y.z')]);
  assert.deepEqual(got, []);
});

test('waitFor resolves on the first accepted event, null on timeout, and rejects on abort; it leaves no listener behind', async () => {
  const bus = new EventBus();
  const never = new AbortController();
  const waiting = bus.waitFor(['t.*'], (e) => e.seq > 5, 10_000, never.signal);
  bus.publish([ev(5, 't.a'), ev(6, 'u.a'), ev(7, 't.b')]);
  assert.equal((await waiting)?.seq, 7);
  assert.equal(await bus.waitFor(undefined, () => true, 10, never.signal), null);
  const abort = new AbortController();
  const aborted = bus.waitFor(undefined, () => true, 10_000, abort.signal);
  abort.abort(new Error('gone'));
  await assert.rejects(aborted, /gone/);
  assert.equal(bus.listenerCount, 0);
});
