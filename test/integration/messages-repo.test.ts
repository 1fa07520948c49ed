// The messages store on a real SQLite file with an injected clock: TTL expiry, redelivery and dead letters without waiting,
// and a broadcast that fails half-way through its transaction leaving nothing behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate } from '../../daemon/events/mutate.js';
import { effectiveState, type DeliveryRules, type NewMessage } from '../../daemon/store/messages.js';
import type { EventRecord } from '../../rpc/contract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const SECOND = 1000;
const TTL = 3600 * SECOND;
const at = (ms: number) => new Date(ms).toISOString();

function freshStore(): Store {
  const store = Store.open(join(dir, `m${++n}.sqlite`));
  store.projects.insert({ project_id: 'p', name: 'p', description: null, context: '{}', created_by: 'operator', created_at: at(T0), archived_at: null, archive_reason: null });
  return store;
}

function message(id: number, to: string | null, sentAt = T0): NewMessage {
  return {
    message_id: `msg-00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    project_id: 'p',
    from_agent: 'sender',
    to_agent: to,
    broadcast: to === null ? 1 : 0,
    reply_expected: 0,
    reply_to: null,
    payload: JSON.stringify({ id }),
    metadata: null,
    idempotency_key: null,
    created_at: at(sentAt),
    expires_at: at(sentAt + TTL),
  };
}

function send(store: Store, id: number, recipients: string[], sentAt = T0): number {
  return store.transaction(() => {
    const m = message(id, recipients.length === 1 ? recipients[0]! : null, sentAt);
    const seq = store.messages.insertMessage(m);
    store.messages.insertDeliveries(seq, 'p', m.expires_at, recipients);
    return seq;
  });
}

const rules = (now: number, maxAttempts = 3): DeliveryRules => ({ now, ackTimeoutMs: 10 * SECOND, maxAttempts });
const receive = (store: Store, now: number, limit = 10, maxAttempts = 3) => store.transaction(() => store.messages.receive('p', 'bob', limit, rules(now, maxAttempts)));

test('a message past its TTL is never delivered: it expires, and stops counting as unread', () => {
  const store = freshStore();
  const seq = send(store, 1, ['bob']);
  assert.equal(store.messages.unread({ project_id: 'p', recipient: 'bob' }, rules(T0))[0]!.undelivered, 1);
  const late = T0 + TTL;
  assert.deepEqual(store.messages.unread({ project_id: 'p', recipient: 'bob' }, rules(late)), [], 'at expiry it no longer counts');
  assert.equal(effectiveState(store.messages.delivery(seq, 'bob')!, late, 3), 'expired', 'history shows expired before anyone looks');
  const outcome = receive(store, late);
  assert.equal(outcome.delivered.length, 0);
  assert.deepEqual(
    outcome.ended.map((e) => [e.message_id, e.state]),
    [[message(1, 'bob').message_id, 'expired']],
  );
  assert.equal(store.messages.delivery(seq, 'bob')!.state, 'expired', 'written down by the receive');
  assert.equal(receive(store, late).ended.length, 0, 'ended once');
  store.close();
});

test('a delivered message past its TTL is not redelivered either', () => {
  const store = freshStore();
  send(store, 1, ['bob']);
  assert.equal(receive(store, T0).delivered.length, 1);
  const outcome = receive(store, T0 + TTL + 1);
  assert.equal(outcome.delivered.length, 0);
  assert.equal(outcome.ended[0]!.state, 'expired');
  store.close();
});

test('oldest first across new and due-again deliveries; each attempt gets a new deadline; after the last, dead', () => {
  const store = freshStore();
  const first = send(store, 1, ['bob'], T0);
  const second = send(store, 2, ['bob'], T0 + 1);
  assert.deepEqual(
    receive(store, T0 + 2, 1).delivered.map((d) => [d.message.seq, d.attempt]),
    [[first, 1]],
  );
  assert.equal(store.messages.nextDeadline('p', 'bob'), at(T0 + 2 + 10 * SECOND));
  assert.deepEqual(
    receive(store, T0 + 3).delivered.map((d) => [d.message.seq, d.attempt]),
    [[second, 1]],
    'the first is not due again yet',
  );
  assert.deepEqual(
    receive(store, T0 + 10 * SECOND + 2).delivered.map((d) => [d.message.seq, d.attempt]),
    [[first, 2]],
  );
  const third = send(store, 3, ['bob'], T0 + 15 * SECOND);
  assert.deepEqual(
    receive(store, T0 + 20 * SECOND + 1).delivered.map((d) => [d.message.seq, d.attempt]),
    [
      [second, 2],
      [third, 1],
    ],
    'a redelivery of an older message comes before a newer first delivery',
  );
  assert.deepEqual(
    receive(store, T0 + 30 * SECOND + 1).delivered.map((d) => [d.message.seq, d.attempt]),
    [
      [first, 3],
      [second, 3],
      [third, 2],
    ],
  );
  assert.equal(store.messages.nextFinalDeadline(3), at(T0 + 40 * SECOND + 1));
  assert.deepEqual(store.messages.endExhausted(rules(T0 + 40 * SECOND)), [], 'not before the deadline');
  const ended = store.transaction(() => store.messages.endExhausted(rules(T0 + 40 * SECOND + 1)));
  assert.deepEqual(
    ended.map((e) => [e.state, e.attempt, e.recipient]),
    [
      ['dead', 3, 'bob'],
      ['dead', 3, 'bob'],
    ],
    'the first two, on their last attempt; the third has one more',
  );
  assert.equal(store.messages.delivery(first, 'bob')!.state, 'dead');
  assert.equal(effectiveState(store.messages.delivery(third, 'bob')!, T0 + 40 * SECOND + 1, 3), 'delivered');
  assert.deepEqual(
    receive(store, T0 + 60 * SECOND).delivered.map((d) => [d.message.seq, d.attempt]),
    [[third, 3]],
  );
  assert.equal(effectiveState(store.messages.delivery(third, 'bob')!, T0 + 70 * SECOND, 3), 'dead', 'history shows dead before the clock writes it');
  const last = receive(store, T0 + 80 * SECOND);
  assert.deepEqual(last.delivered, []);
  assert.deepEqual(
    last.ended.map((e) => e.state),
    ['dead'],
    'receive ends it on its own when the clock has not',
  );
  assert.equal(store.messages.nextDeadline('p', 'bob'), null);
  store.close();
});

test('a broadcast that fails half-way through its transaction leaves no message, no delivery and no event', () => {
  const store = freshStore();
  const bus = new EventBus();
  const heard: EventRecord[] = [];
  bus.listen(undefined, (e) => heard.push(e));
  const mutate = createMutate(store, bus);
  const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
  // A real failure inside the same transaction: the 51st delivery collides with the primary key of the 1st.
  const recipients = [...members.slice(0, 50), members[0]!, ...members.slice(50)];
  const headBefore = store.events.head();
  assert.throws(
    () =>
      mutate((emit) => {
        const m = message(7, null);
        const seq = store.messages.insertMessage(m);
        store.messages.insertDeliveries(seq, 'p', m.expires_at, recipients);
        emit('user.test.sent', 'p', { message_id: m.message_id });
      }),
    /UNIQUE constraint failed/,
  );
  assert.equal(store.messages.count(), 0);
  for (const member of members) assert.deepEqual(store.messages.unread({ project_id: 'p', recipient: member }, rules(T0)), [], member);
  assert.equal(store.events.head(), headBefore);
  assert.deepEqual(heard, []);

  mutate((emit) => {
    const m = message(8, null);
    const seq = store.messages.insertMessage(m);
    store.messages.insertDeliveries(seq, 'p', m.expires_at, members);
    emit('user.test.sent', 'p', { message_id: m.message_id });
  });
  assert.equal(store.messages.unread({ project_id: 'p' }, rules(T0)).length, 100, 'the same broadcast without the fault reaches all 100');
  assert.equal(heard.length, 1);
  store.close();
});

test('a member who leaves: their open deliveries expire, others are untouched', () => {
  const store = freshStore();
  const seq = send(store, 1, ['bob', 'eve']);
  receive(store, T0);
  assert.equal(store.messages.expireOpenDeliveriesOf('p', 'bob', T0), 1);
  assert.equal(store.messages.delivery(seq, 'bob')!.state, 'expired');
  assert.equal(store.messages.delivery(seq, 'eve')!.state, 'pending');
  store.close();
});
