// The event log end to end: replay then live, reconnect with since, nothing for rolled-back work, retention and cursor errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrainsClient } from '../../rpc/client.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { runCli, startDaemon, waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure } from '../helpers/rpc-assert.js';

function collect(client: BrainsClient): EventRecord[] {
  const seen: EventRecord[] = [];
  client.onNotification((method, params) => {
    if (method === 'events.event') seen.push((params as { event: EventRecord }).event);
  });
  return seen;
}

async function publish(client: BrainsClient, ...types: string[]): Promise<number[]> {
  return (await client.call('events.publish', { events: types.map((type, i) => ({ type, subject: `s${i}`, data: { i } })) })).seqs;
}

describe('subscriptions', () => {
  const { daemon } = withDaemon();

  test('replays kept events after since, then streams live ones, in order and without repeats', async () => {
    const writer = await daemon.client();
    const early = await publish(writer, 'user.a', 'user.b');
    const reader = await daemon.client();
    const seen = collect(reader);
    const sub = await reader.call('events.subscribe', { since: early[0]! - 1, types: ['user.*'] });
    assert.equal(sub.head_seq, early[1]);
    const late = await publish(writer, 'user.c');
    await waitFor(() => seen.length >= 3, 5000, 'three events');
    assert.deepEqual(
      seen.map((e) => e.seq),
      [...early, ...late],
    );
    assert.deepEqual(
      seen.map((e) => e.type),
      ['user.a', 'user.b', 'user.c'],
    );
    assert.deepEqual(seen[0]!.data, { i: 0 });
  });

  test('a subscriber that disconnects and reconnects with its last seq gets exactly what it missed', async () => {
    const writer = await daemon.client();
    const first = await daemon.client();
    const seenFirst = collect(first);
    await first.call('events.subscribe', { types: ['user.*'] });
    const before = await publish(writer, 'user.one');
    await waitFor(() => seenFirst.length === 1, 5000, 'the first event');
    const lastSeen = seenFirst[0]!.seq;
    assert.equal(lastSeen, before[0]);
    await first.close();

    const missed = [...(await publish(writer, 'user.two', 'user.three')), ...(await publish(writer, 'user.four'))];
    const second = await daemon.client();
    const seenSecond = collect(second);
    await second.call('events.subscribe', { types: ['user.*'], since: lastSeen });
    const live = await publish(writer, 'user.five');
    await waitFor(() => seenSecond.length >= 4, 5000, 'missed plus live events');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      seenSecond.map((e) => e.seq),
      [...missed, ...live],
    );
  });

  test('events published while a replay is being written are neither lost nor doubled', async () => {
    const writer = await daemon.client();
    const base = (await writer.call('system.info')).event_seq;
    await Promise.all(Array.from({ length: 20 }, (_, i) => publish(writer, ...Array.from({ length: 50 }, () => `user.bulk${i}`))));
    const reader = await daemon.client();
    const seen = collect(reader);
    const subscribing = reader.call('events.subscribe', { since: base, types: ['user.*'] });
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => publish(writer, 'user.race')));
    await subscribing;
    const total = 20 * 50 + concurrent.length;
    await waitFor(() => seen.length >= total, 10_000, `${total} events`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seqs = seen.map((e) => e.seq);
    assert.equal(seqs.length, total);
    assert.equal(new Set(seqs).size, total, 'no duplicates');
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in order',
    );
  });

  test('type filters: exact types and prefixes', async () => {
    const writer = await daemon.client();
    const reader = await daemon.client();
    const seen = collect(reader);
    await reader.call('events.subscribe', { types: ['user.x.exact', 'user.pre.*'] });
    await publish(writer, 'user.other', 'user.x.exact', 'user.pre.one', 'user.prefixed', 'user.pre.two.deep');
    await waitFor(() => seen.length >= 3, 5000, 'filtered events');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      seen.map((e) => e.type),
      ['user.x.exact', 'user.pre.one', 'user.pre.two.deep'],
    );
  });

  test('unsubscribe stops delivery, and only the owning connection can unsubscribe', async () => {
    const writer = await daemon.client();
    const reader = await daemon.client();
    const seen = collect(reader);
    const { subscription_id } = await reader.call('events.subscribe', { types: ['user.unsub'] });
    assert.deepEqual(await writer.call('events.unsubscribe', { subscription_id }), { unsubscribed: false });
    await publish(writer, 'user.unsub');
    await waitFor(() => seen.length === 1, 5000, 'one event');
    assert.deepEqual(await reader.call('events.unsubscribe', { subscription_id }), { unsubscribed: true });
    await publish(writer, 'user.unsub');
    await reader.call('system.ping');
    await writer.call('system.ping');
    assert.equal(seen.length, 1);
  });

  test('a failed publish rolls back whole: no event stored, none published', async () => {
    const writer = await daemon.client();
    const reader = await daemon.client();
    const seen = collect(reader);
    await reader.call('events.subscribe', { types: ['user.*'] });
    const head = (await writer.call('system.info')).event_seq;
    const error = await failure(
      writer.call('events.publish', {
        events: [{ type: 'user.ok1' }, { type: 'user.ok2' }, { type: 'user.big', data: 'x'.repeat(70_000) }],
      }),
    );
    assert.equal(error.appCode, 'LIMIT_EXCEEDED');
    assert.match(error.message, /65536-byte limit/);
    assert.equal((await writer.call('system.info')).event_seq, head, 'nothing was appended');
    const marker = await publish(writer, 'user.marker');
    await waitFor(() => seen.length >= 1, 5000, 'the marker');
    assert.deepEqual(
      seen.map((e) => e.type),
      ['user.marker'],
    );
    assert.equal(seen[0]!.seq, marker[0]);
    assert.equal(marker[0], head + 1, 'seq continues with no hole');
  });

  test('hostile and oversized publish input is refused with clear errors', async () => {
    const client = await daemon.client();
    const head = (await client.call('system.info')).event_seq;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 150; i += 1) deep = { d: deep };
    assert.equal((await failure(client.call('events.publish', { events: [{ type: 'user.deep', data: deep }] }))).appCode, 'LIMIT_EXCEEDED');
    assert.equal((await failure(client.callRaw('events.publish', { events: [{ type: 'daemon.started' }] }))).code, -32602);
    assert.equal((await failure(client.callRaw('events.publish', { events: [] }))).code, -32602);
    assert.equal((await failure(client.callRaw('events.publish', { events: Array.from({ length: 101 }, () => ({ type: 'user.x' })) }))).code, -32602);
    assert.equal((await failure(client.callRaw('events.publish', {}))).code, -32602);
    assert.equal((await failure(client.callRaw('events.publish', { events: [{ type: "user.x'; DROP TABLE events;--" }] }))).code, -32602);
    assert.equal((await failure(client.callRaw('events.subscribe', { types: ['user.**'] }))).code, -32602);
    assert.equal((await failure(client.callRaw('events.subscribe', { since: 1.5 }))).code, -32602);
    assert.equal((await client.call('system.info')).event_seq, head, 'nothing was appended');
  });

  test('a since ahead of the log head is refused', async () => {
    const client = await daemon.client();
    const head = (await client.call('system.info')).event_seq;
    const error = await failure(client.call('events.subscribe', { since: head + 100 }));
    assert.equal(error.appCode, 'INVALID');
    assert.match(error.message, /reload a snapshot/);
  });
});

describe('waiting on the bus', () => {
  const { daemon } = withDaemon();

  test('wakes on a matching publish and ignores others', async () => {
    const waiter = await daemon.client();
    const writer = await daemon.client();
    const waiting = waiter.call('events.wait', { types: ['user.wanted'], timeout_seconds: 30 });
    await waitFor(async () => ((await writer.call('system.info')).counts.waiting ?? 0) >= 1, 5000, 'the wait to park');
    await publish(writer, 'user.unwanted');
    const [seq] = await publish(writer, 'user.wanted');
    const result = await waiting;
    assert.equal(result.timed_out, false);
    assert.equal(result.event?.seq, seq);
  });

  test('returns at once when a matching event already follows `after`', async () => {
    const client = await daemon.client();
    const [seq] = await publish(client, 'user.past');
    const result = await client.call('events.wait', { types: ['user.past'], after: seq! - 1, timeout_seconds: 30 });
    assert.equal(result.event?.seq, seq);
  });

  test('times out with timed_out and no event', async () => {
    const client = await daemon.client();
    const result = await client.call('events.wait', { types: ['user.nothing'], timeout_seconds: 0.2 });
    assert.deepEqual([result.timed_out, result.event], [true, null]);
  });

  test('rejects timeouts beyond an hour', async () => {
    const client = await daemon.client();
    assert.equal((await failure(client.callRaw('events.wait', { timeout_seconds: 3601 }))).code, -32602);
  });
});

describe('retention', () => {
  const { daemon } = withDaemon({ env: { BRAINS_EVENT_RETENTION_MAX: '5' } });

  test('pruned history gives CURSOR_EXPIRED; resuming from pruned_through works', async () => {
    const client = await daemon.client();
    const seqs = await publish(client, ...Array.from({ length: 20 }, (_, i) => `user.n${i}`));
    const report = await client.call('daemon.maintain');
    assert.ok(report.pruned_events >= 15, JSON.stringify(report));
    assert.equal(report.head_seq, seqs[19]);
    assert.equal(report.oldest_seq, seqs[19]! - 4);

    const error = await failure(client.call('events.subscribe', { since: seqs[0]! }));
    assert.equal(error.appCode, 'CURSOR_EXPIRED');
    assert.equal(error.code, 4010);
    const prunedThrough = (error.data as { pruned_through: number }).pruned_through;
    assert.equal(prunedThrough, seqs[19]! - 5);
    assert.equal((await failure(client.call('events.list', { after: 0 }))).appCode, 'CURSOR_EXPIRED');

    const reader = await daemon.client();
    const seen = collect(reader);
    await reader.call('events.subscribe', { since: prunedThrough });
    await waitFor(() => seen.length >= 5, 5000, 'the kept events');
    assert.deepEqual(
      seen.map((e) => e.seq),
      seqs.slice(15),
    );
  });

  test('the log survives a restart and seqs keep increasing', async () => {
    const client = await daemon.client();
    const head = (await client.call('system.info')).event_seq;
    await client.close();
    const code = await daemon.stop();
    assert.equal(code, 0);
    const again = await startDaemon({ home: daemon.home, env: { BRAINS_EVENT_RETENTION_MAX: '5' } });
    try {
      const c = await again.client();
      const listed = await c.call('events.list', { after: head - 2, limit: 10 });
      const types = listed.events.map((e) => e.type);
      assert.ok(types.includes('daemon.stopping'), types.join());
      assert.ok(types.includes('daemon.started'));
      assert.ok(listed.head_seq > head);
      await c.close();
    } finally {
      await again.stop();
    }
  });
});

describe('a request over the frame limit', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_MAX_FRAME_BYTES: '65536' } });

  test('fails its own call with LIMIT_EXCEEDED (the daemon cannot read its id), while smaller calls in flight are answered', async () => {
    const small = client.call('system.ping');
    const big = failure(client.call('events.publish', { events: [{ type: 'user.big', data: 'x'.repeat(100_000) }] }));
    const after = client.call('system.ping');
    const error = await big;
    assert.equal(error.appCode, 'LIMIT_EXCEEDED');
    assert.match(error.message, /frame is over the 65536-byte limit/);
    assert.equal((await small).pong, true);
    assert.equal((await after).pong, true);
    const cli = await runCli(['rpc', 'events.publish', '-'], { home: daemon.home, input: JSON.stringify({ events: [{ type: 'user.big', data: 'x'.repeat(100_000) }] }) });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /frame is over the 65536-byte limit/);
  });
});
