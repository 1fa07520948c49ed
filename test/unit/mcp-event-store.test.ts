// Why this exists: the event store behind resumable MCP HTTP streams must stay within its bounds, replay exactly one
// stream's events after an id, and say why an id cannot be resumed; the resume window must cancel what nobody resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MAX_KEPT_BYTES, MAX_KEPT_EVENTS, SessionEventStore } from '../../daemon/mcp/event-store.js';
import { ResumeWindow } from '../../daemon/mcp/resume-window.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });
const answer = (id: RequestId): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: {} });

async function replay(store: SessionEventStore, after: string): Promise<{ stream: string; ids: string[]; messages: unknown[] }> {
  const ids: string[] = [];
  const messages: unknown[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: async (id, message) => {
      ids.push(id);
      messages.push(message);
    },
  });
  return { stream, ids, messages };
}

test('ids carry the session tag and a sequence; a replay sends that stream’s later events, in order, and no other stream’s', async () => {
  const store = new SessionEventStore();
  const primeA = await store.storeEvent('a', {} as JSONRPCMessage);
  const primeB = await store.storeEvent('b', {} as JSONRPCMessage);
  await store.storeEvent('a', note(1));
  await store.storeEvent('b', note(2));
  const last = await store.storeEvent('a', answer(7));
  assert.match(primeA, /^[0-9a-f]{12}-1$/);
  assert.equal(primeB.split('-')[0], primeA.split('-')[0]);
  const a = await replay(store, primeA);
  assert.equal(a.stream, 'a');
  assert.deepEqual(a.messages, [note(1), answer(7)]);
  assert.equal(a.ids.at(-1), last);
  assert.deepEqual((await replay(store, primeB)).messages, [note(2)]);
  assert.deepEqual((await replay(store, last)).messages, []);
  assert.equal(store.problemWith(primeA), null);
  assert.equal(await store.getStreamIdForEventId(primeB), 'b');
});

test(`at most ${MAX_KEPT_EVENTS} events are kept, oldest dropped first; a dropped id is refused with why`, async () => {
  const store = new SessionEventStore();
  const first = await store.storeEvent('s', {} as JSONRPCMessage);
  for (let n = 0; n < MAX_KEPT_EVENTS; n += 1) await store.storeEvent('s', note(n));
  assert.equal(store.size.events, MAX_KEPT_EVENTS);
  assert.equal(store.streamOf(first), undefined);
  assert.match(store.problemWith(first) ?? '', /no longer kept: .*older than the last 1000 events \(8 MiB\)/);
  await assert.rejects(replay(store, first), /no longer kept/);
});

test(`at most ${MAX_KEPT_BYTES / 1024 / 1024} MiB are kept; one event over that alone is kept until the next`, async () => {
  const store = new SessionEventStore();
  const big = (mib: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'x', params: { pad: 'x'.repeat(mib * 1024 * 1024) } });
  for (let n = 0; n < 3; n += 1) await store.storeEvent('s', big(3));
  assert.ok(store.size.bytes <= MAX_KEPT_BYTES, `${store.size.bytes} bytes kept`);
  assert.equal(store.size.events, 2);
  await store.storeEvent('s', big(9));
  assert.equal(store.size.events, 1);
  await store.storeEvent('s', note(1));
  assert.equal(store.size.events, 1, 'the oversized one went with the next event');
});

test('a stream delivered in full is forgotten; ids that are not ours are refused with why', async () => {
  const store = new SessionEventStore();
  const other = new SessionEventStore();
  const prime = await store.storeEvent('s', {} as JSONRPCMessage);
  const kept = await store.storeEvent('t', note(1));
  store.forget('s');
  assert.match(store.problemWith(prime) ?? '', /no longer kept: its stream was delivered in full/);
  assert.equal(store.problemWith(kept), null);
  assert.match(store.problemWith('x'.repeat(65)) ?? '', /65 characters long/);
  assert.match(store.problemWith('1-1') ?? '', /not an event id this endpoint sent/);
  assert.match(store.problemWith(await other.storeEvent('s', note(1))) ?? '', /was not sent in this session/);
  assert.match(store.problemWith(prime.replace(/-\d+$/, '-99')) ?? '', /was not sent in this session/);
});

test('the store tells its watch which stream was primed and which request was answered', async () => {
  const seen: string[] = [];
  const store = new SessionEventStore({ primed: (s) => void seen.push(`primed ${s}`), answered: (s, id) => void seen.push(`answered ${s} ${id}`) });
  await store.storeEvent('s', {} as JSONRPCMessage);
  await store.storeEvent('s', note(1));
  await store.storeEvent('s', answer(3));
  await store.storeEvent('s', { jsonrpc: '2.0', id: 4, error: { code: -1, message: 'no' } });
  assert.deepEqual(seen, ['primed s', 'answered s 3', 'answered s 4']);
});

test('the resume window: an unprimed POST is cancelled at once; a primed one after the window unless resumed or answered', async () => {
  const cancelled: Array<[RequestId[], boolean]> = [];
  let wake: () => void = () => {};
  const window = new ResumeWindow((ids, waited) => {
    cancelled.push([ids, waited]);
    wake();
  }, 1);
  const plain = window.begin([1]);
  window.end();
  window.attach(plain);
  assert.equal(window.detach(plain), 'cancelled');
  assert.deepEqual(cancelled, [[[1], false]]);

  const primed = window.begin([2, 3]);
  window.primed('s');
  window.end();
  window.attach(primed);
  window.primed('not-a-post'); // a priming event outside begin/end belongs to no POST
  window.answered('s', 2);
  const fired = new Promise<void>((resolve) => (wake = resolve));
  assert.equal(window.detach(primed), 'waiting');
  await fired;
  assert.deepEqual(cancelled.at(-1), [[3], true], 'only the unanswered request, after the window');

  const resumedPost = window.begin([4]);
  window.primed('r');
  window.end();
  window.attach(resumedPost);
  assert.equal(window.detach(resumedPost), 'waiting');
  assert.equal(window.resumed('r'), resumedPost);
  window.attach(resumedPost);
  // A second response for the same stream (a resume the transport refuses as a conflict) closing leaves it carried.
  window.attach(resumedPost);
  assert.equal(window.detach(resumedPost), 'attached');
  window.answered('r', 4);
  assert.equal(window.resumed('r'), undefined, 'an answered POST is no longer resumable as running');
  assert.equal(window.detach(resumedPost), 'answered');
  assert.equal(cancelled.length, 2, 'the resumed and answered POST was never cancelled');
  window.close();
});
