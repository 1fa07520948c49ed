// The messages plane through a real daemon: send, receive (and wait), ack, redelivery, dead letters, history, counts, hostile input.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrainsClient } from '../../rpc/client.js';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure } from '../helpers/rpc-assert.js';

/** The stable code of a refusal: INVALID_PARAMS for what the contract itself rejects, else data.code. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await failure(promise);
  return error.code === -32602 ? 'INVALID_PARAMS' : (error.appCode ?? String(error.code));
}

async function project(c: BrainsClient, projectId: string, agents: string[]): Promise<void> {
  await c.call('project.create', { project_id: projectId, name: projectId });
  for (const agent_name of agents) await c.call('project.join', { project_id: projectId, agent_name });
}

async function head(c: BrainsClient): Promise<number> {
  return (await c.call('events.list', { after: 0, limit: 1 })).head_seq;
}

async function messagesIn(c: BrainsClient, projectId: string): Promise<number> {
  return (await c.call('message.list', { project_id: projectId, limit: 200 })).count;
}

async function waiting(c: BrainsClient): Promise<number> {
  return (await c.call('system.info')).counts.waiting ?? 0;
}

const HOSTILE_NAMES: unknown[] = ['a/b', '..', 'a b', "x'; DROP TABLE messages;--", 'x'.repeat(300), '', 42, null, { $gt: '' }];

describe('messages', () => {
  const { daemon, client: c } = withDaemon();
  before(async () => {
    await project(c, 'team', ['alice', 'bob', 'carol']);
  });

  test('a direct message reaches only its addressee, with every field, and leaves the inbox once acked', async () => {
    const sent = await c.call('message.send', {
      project_id: 'team',
      from_agent: 'alice',
      to_agent: 'bob',
      reply_expected: true,
      payload: { action: 'review_schema', url: 'https://example.test/s' },
      metadata: { priority: 'high' },
    });
    assert.match(sent.message_id, /^msg-[0-9a-f-]{36}$/);
    assert.deepEqual(sent.recipients, ['bob']);
    assert.equal(sent.deduplicated, false);

    assert.equal((await c.call('message.receive', { project_id: 'team', agent_name: 'carol' })).count, 0);
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'bob' });
    assert.equal(got.count, 1);
    assert.equal(got.waited_ms, 0);
    assert.equal(got.timed_out, false);
    const m = got.messages[0]!;
    assert.equal(m.message_id, sent.message_id);
    assert.equal(m.project_id, 'team');
    assert.equal(m.from_agent, 'alice');
    assert.equal(m.to_agent, 'bob');
    assert.equal(m.broadcast, false);
    assert.equal(m.reply_expected, true);
    assert.equal(m.reply_to, null);
    assert.deepEqual(m.payload, { action: 'review_schema', url: 'https://example.test/s' });
    assert.deepEqual(m.metadata, { priority: 'high' });
    assert.equal(m.attempt, 1);
    assert.equal(m.delivery_token, `${sent.message_id}.1`);
    assert.ok(Date.parse(m.ack_deadline) > Date.parse(m.created_at));

    assert.equal((await c.call('message.receive', { project_id: 'team', agent_name: 'bob' })).count, 0, 'delivered, not yet due again');
    const ack = await c.call('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: [m.delivery_token] });
    assert.deepEqual(ack, { acknowledged: [m.delivery_token], refused: [] });
    const history = await c.call('message.list', { project_id: 'team', limit: 1 });
    assert.equal(history.messages[0]!.deliveries[0]!.state, 'acked');
    const events = await c.call('events.list', { after: 0, types: ['message.*'], limit: 1000 });
    assert.deepEqual(
      events.events.map((e) => e.type),
      ['message.sent', 'message.delivered', 'message.acked'],
    );
    assert.deepEqual(events.events[0]!.data, {
      message_id: sent.message_id,
      from_agent: 'alice',
      to_agent: 'bob',
      broadcast: false,
      reply_expected: true,
      reply_to: null,
      recipient_count: 1,
      recipients: ['bob'],
      preview: '{"action":"review_schema","url":"https://example.test/s"}',
    });
  });

  test('message.sent previews the first 200 characters of the payload text (a string as itself), never the whole payload', async () => {
    await project(c, 'previews', ['pa', 'pb', 'pc']);
    const seq = await head(c);
    const long = `é${'x'.repeat(300)}`;
    await c.call('message.send', { project_id: 'previews', from_agent: 'pa', to_agent: 'pb', payload: long });
    await c.call('message.send', { project_id: 'previews', from_agent: 'pa', to_agent: 'pb', payload: { text: 'y'.repeat(500) } });
    await c.call('message.send', { project_id: 'previews', from_agent: 'pa', broadcast: true, payload: 'short' });
    const events = (await c.call('events.list', { after: seq, types: ['message.sent'], limit: 10 })).events;
    const sent = events.map((e) => e.data as { preview: string; recipients: string[]; recipient_count: number });
    assert.equal(sent[0]!.preview, long.slice(0, 200));
    assert.equal(sent[1]!.preview, `{"text":"${'y'.repeat(191)}`);
    assert.equal(sent[1]!.preview.length, 200);
    assert.equal(sent[2]!.preview, 'short');
    assert.deepEqual([...sent[2]!.recipients].sort(), ['operator', 'pb', 'pc']);
    assert.equal(sent[2]!.recipient_count, 3);
  });

  test('a broadcast reaches every member but the sender, and the operator; oldest first, with limit', async () => {
    const first = await c.call('message.send', { project_id: 'team', from_agent: 'carol', broadcast: true, payload: 'one' });
    assert.deepEqual(first.recipients.sort(), ['alice', 'bob', 'operator']);
    const second = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'bob', payload: 'two' });
    const third = await c.call('message.send', { project_id: 'team', from_agent: 'carol', broadcast: true, payload: 'three' });
    const page1 = await c.call('message.receive', { project_id: 'team', agent_name: 'bob', limit: 2 });
    assert.deepEqual(
      page1.messages.map((m) => m.message_id),
      [first.message_id, second.message_id],
    );
    assert.equal(page1.messages[0]!.to_agent, null);
    assert.equal(page1.messages[0]!.broadcast, true);
    const page2 = await c.call('message.receive', { project_id: 'team', agent_name: 'bob', limit: 2 });
    assert.deepEqual(
      page2.messages.map((m) => m.message_id),
      [third.message_id],
    );
    assert.equal((await c.call('message.receive', { project_id: 'team', agent_name: 'carol' })).count, 0, 'the sender does not get its own broadcast');
    const tokens = [...page1.messages, ...page2.messages].map((m) => m.delivery_token);
    assert.equal((await c.call('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: tokens })).acknowledged.length, 3);
    const alice = await c.call('message.receive', { project_id: 'team', agent_name: 'alice', limit: 100 });
    await c.call('message.ack', { project_id: 'team', agent_name: 'alice', delivery_tokens: alice.messages.map((m) => m.delivery_token) });
  });

  test('the operator receives broadcasts and direct messages, and can send and reply', async () => {
    const drained = await c.call('message.receive', { project_id: 'team', agent_name: 'operator', limit: 100 });
    await c.call('message.ack', { project_id: 'team', agent_name: 'operator', delivery_tokens: drained.messages.map((m) => m.delivery_token) });
    const ask = await c.call('message.send', { project_id: 'team', from_agent: 'bob', to_agent: 'operator', reply_expected: true, payload: { question: 'ship it?' } });
    const inbox = await c.call('message.receive', { project_id: 'team', agent_name: 'operator' });
    assert.deepEqual(
      inbox.messages.map((m) => m.message_id),
      [ask.message_id],
    );
    const answer = await c.call('message.send', { project_id: 'team', from_agent: 'operator', to_agent: 'bob', reply_to: ask.message_id, payload: { answer: 'yes' } });
    const bob = await c.call('message.receive', { project_id: 'team', agent_name: 'bob' });
    assert.equal(bob.messages[0]!.message_id, answer.message_id);
    assert.equal(bob.messages[0]!.from_agent, 'operator');
    assert.equal(bob.messages[0]!.reply_to, ask.message_id);
    await c.call('message.ack', { project_id: 'team', agent_name: 'operator', message_id: ask.message_id });
    await c.call('message.ack', { project_id: 'team', agent_name: 'bob', message_id: answer.message_id });
    const broadcast = await c.call('message.send', { project_id: 'team', from_agent: 'operator', broadcast: true, payload: 'standup' });
    assert.deepEqual(broadcast.recipients.sort(), ['alice', 'bob', 'carol']);
    for (const agent_name of ['alice', 'bob', 'carol']) {
      const got = await c.call('message.receive', { project_id: 'team', agent_name });
      assert.equal(got.messages[0]!.message_id, broadcast.message_id, agent_name);
      await c.call('message.ack', { project_id: 'team', agent_name, delivery_tokens: [got.messages[0]!.delivery_token] });
    }
  });

  test('an idempotent resend returns the first message and writes nothing; another message under the same key is a conflict', async () => {
    const params = { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: { a: 1, b: [1, 2] }, idempotency_key: 'deploy-42' };
    const first = await c.call('message.send', params);
    const seqBefore = await head(c);
    const countBefore = await messagesIn(c, 'team');
    const again = await c.call('message.send', { ...params, payload: { b: [1, 2], a: 1 } });
    assert.deepEqual(again, { message_id: first.message_id, recipients: ['carol'], deduplicated: true });
    assert.equal(await head(c), seqBefore, 'no event was appended');
    assert.equal(await messagesIn(c, 'team'), countBefore, 'no message was stored');

    const conflict = await failure(c.call('message.send', { ...params, payload: { a: 2 } }));
    assert.equal(conflict.appCode, 'CONFLICT');
    assert.match(conflict.message, /new key/);
    assert.equal(await head(c), seqBefore);

    const otherSender = await c.call('message.send', { ...params, from_agent: 'bob' });
    assert.notEqual(otherSender.message_id, first.message_id, 'keys are per sender');
    assert.equal(otherSender.deduplicated, false);
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'carol', limit: 100 });
    assert.deepEqual(
      got.messages.map((m) => m.message_id),
      [first.message_id, otherSender.message_id],
      'the recipient got each message once',
    );
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: got.messages.map((m) => m.delivery_token) });
  });

  test('a reused idempotency key with a different recipient, metadata, reply_to or reply_expected is refused with CONFLICT naming the first message', async () => {
    const params = { project_id: 'team', from_agent: 'bob', to_agent: 'carol', payload: 'ship it', metadata: { env: 'prod' }, idempotency_key: 'release-7' };
    const first = await c.call('message.send', params);
    const seqBefore = await head(c);
    const countBefore = await messagesIn(c, 'team');
    const variants: Array<Record<string, unknown>> = [
      { to_agent: 'alice' },
      { to_agent: undefined, broadcast: true },
      { metadata: { env: 'staging' } },
      { metadata: undefined },
      { reply_expected: true },
      { reply_to: first.message_id },
    ];
    for (const variant of variants) {
      const conflict = await failure(c.call('message.send', { ...params, ...variant } as never));
      assert.equal(conflict.appCode, 'CONFLICT', JSON.stringify(variant));
      assert.match(conflict.message, /idempotency_key "release-7" was already used by bob .*different content; use a new key/);
      assert.equal((conflict.data as { message_id?: string }).message_id, first.message_id);
    }
    assert.equal(await head(c), seqBefore, 'no event was appended');
    assert.equal(await messagesIn(c, 'team'), countBefore, 'no message was stored');
    assert.equal((await c.call('message.send', params)).deduplicated, true, 'the same message under the key is still a safe retry');
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'carol', limit: 100 });
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: got.messages.map((m) => m.delivery_token) });
  });

  test('send refuses what it cannot deliver, and stores nothing when it refuses', async () => {
    await project(c, 'shut', ['x', 'y']);
    const beforeArchive = await c.call('message.send', { project_id: 'shut', from_agent: 'x', to_agent: 'y', payload: 'last words' });
    await c.call('project.archive', { project_id: 'shut' });
    // An archived project takes no new messages, but what was sent before can still be received and acknowledged.
    const drained = await c.call('message.receive', { project_id: 'shut', agent_name: 'y' });
    assert.deepEqual(
      drained.messages.map((m) => m.message_id),
      [beforeArchive.message_id],
    );
    assert.equal((await c.call('message.ack', { project_id: 'shut', agent_name: 'y', delivery_tokens: [drained.messages[0]!.delivery_token] })).acknowledged.length, 1);
    const seqBefore = await head(c);
    const countBefore = await messagesIn(c, 'team');
    const base = { project_id: 'team', from_agent: 'alice', payload: 'p' };
    const deep: unknown = JSON.parse(`${'['.repeat(150)}${']'.repeat(150)}`);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['INVALID', () => c.call('message.send', base)],
      ['INVALID', () => c.call('message.send', { ...base, to_agent: 'bob', broadcast: true })],
      ['INVALID', () => c.call('message.send', { ...base, to_agent: 'alice' })],
      ['NOT_FOUND', () => c.call('message.send', { ...base, project_id: 'nope', to_agent: 'bob' })],
      ['NOT_FOUND', () => c.call('message.send', { ...base, from_agent: 'mallory', to_agent: 'bob' })],
      ['NOT_FOUND', () => c.call('message.send', { ...base, to_agent: 'mallory' })],
      ['NOT_FOUND', () => c.call('message.send', { ...base, to_agent: 'bob', reply_to: 'msg-00000000-0000-4000-8000-000000000000' })],
      ['CONFLICT', () => c.call('message.send', { project_id: 'shut', from_agent: 'x', to_agent: 'y', payload: 1 })],
      ['LIMIT_EXCEEDED', () => c.call('message.send', { ...base, to_agent: 'bob', payload: 'x'.repeat(256 * 1024) })],
      ['LIMIT_EXCEEDED', () => c.call('message.send', { ...base, to_agent: 'bob', payload: 'x'.repeat(200 * 1024), metadata: { m: 'y'.repeat(60 * 1024) } })],
      ['LIMIT_EXCEEDED', () => c.call('message.send', { ...base, to_agent: 'bob', payload: deep })],
      ['LIMIT_EXCEEDED', () => c.call('message.send', { ...base, to_agent: 'bob', metadata: { deep } })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'bob' })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', metadata: [1, 2] })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', reply_to: '../../etc/passwd' })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', idempotency_key: 'k'.repeat(201) })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', idempotency_key: '' })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', broadcast: 'yes' })],
      ['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: 'bob', extra: true })],
    ];
    for (const name of HOSTILE_NAMES) {
      cases.push(['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, to_agent: name })]);
      cases.push(['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, from_agent: name, to_agent: 'bob' })]);
      cases.push(['INVALID_PARAMS', () => c.callRaw('message.send', { ...base, project_id: name, to_agent: 'bob' })]);
    }
    for (const [i, [expected, call]] of cases.entries()) assert.equal(await refusal(call()), expected, `case ${i}`);
    assert.equal(await head(c), seqBefore, 'no event was appended by a refused send');
    assert.equal(await messagesIn(c, 'team'), countBefore, 'no message was stored by a refused send');
    assert.equal(await messagesIn(c, 'shut'), 1);
  });

  test('sends made together commit together, yet one that fails takes nothing else down with it', async () => {
    const seqBefore = await head(c);
    const calls = [
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'first' }),
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'mallory', payload: 'lost' }),
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'x'.repeat(300 * 1024) }),
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'second' }),
    ];
    const outcomes = await Promise.allSettled(calls);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    const events = await c.call('events.list', { after: seqBefore, types: ['message.sent'] });
    assert.equal(events.events.length, 2, 'only the two good sends left events');
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'carol', limit: 100 });
    assert.deepEqual(
      got.messages.map((m) => m.payload),
      ['first', 'second'],
    );
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: got.messages.map((m) => m.delivery_token) });
  });

  test('an SQL-looking payload and idempotency key are just data', async () => {
    const evil = "'); DELETE FROM deliveries; --";
    const sent = await c.call('message.send', { project_id: 'team', from_agent: 'bob', to_agent: 'alice', payload: { evil }, metadata: { evil }, idempotency_key: evil });
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'alice' });
    assert.deepEqual(got.messages[0]!.payload, { evil });
    assert.equal((await c.call('message.send', { project_id: 'team', from_agent: 'bob', to_agent: 'alice', payload: { evil }, metadata: { evil }, idempotency_key: evil })).message_id, sent.message_id);
    await c.call('message.ack', { project_id: 'team', agent_name: 'alice', delivery_tokens: [got.messages[0]!.delivery_token] });
  });

  test('receive refuses unknown projects and agents, and hostile or out-of-range params', async () => {
    assert.equal(await refusal(c.call('message.receive', { project_id: 'nope', agent_name: 'bob' })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.receive', { project_id: 'team', agent_name: 'mallory' })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.receive', { project_id: 'team', agent_name: 'mallory', wait: true, timeout_seconds: 5 })), 'NOT_FOUND');
    for (const params of [
      { project_id: 'team', agent_name: 'bob', limit: 0 },
      { project_id: 'team', agent_name: 'bob', offset: -1 },
      { project_id: 'team', agent_name: 'bob', ack: 'sometimes' },
      { project_id: 'team', agent_name: 'bob', limit: 1.5 },
      { project_id: 'team', agent_name: 'bob', timeout_seconds: 3601 },
      { project_id: 'team', agent_name: 'bob', timeout_seconds: -1 },
      { agent_name: 'bob' },
      ...HOSTILE_NAMES.map((agent_name) => ({ project_id: 'team', agent_name })),
    ]) {
      assert.equal(await refusal(c.callRaw('message.receive', params)), 'INVALID_PARAMS', JSON.stringify(params));
    }
  });

  test('the operator reads its own inbox without naming itself', async () => {
    await c.call('message.send', { project_id: 'team', from_agent: 'bob', to_agent: 'operator', payload: 'for the human' });
    const got = await c.call('message.receive', { project_id: 'team' } as never);
    assert.deepEqual(got.messages.map((m) => [m.from_agent, m.to_agent, m.payload]), [['bob', 'operator', 'for the human']]);
    await c.call('message.ack', { project_id: 'team', delivery_tokens: [got.messages[0]!.delivery_token] } as never);
  });

  test('a waiting receive wakes when another connection sends to it', async () => {
    const receiver = await daemon.client();
    const sender = await daemon.client();
    const before = await waiting(c);
    const parked = receiver.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 60 });
    await waitFor(async () => (await waiting(c)) > before, 10_000, 'the receive to park');
    const sent = await sender.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'wake up' });
    const got = await parked;
    assert.equal(got.count, 1);
    assert.equal(got.messages[0]!.message_id, sent.message_id);
    assert.equal(got.timed_out, false);
    await waitFor(async () => (await waiting(c)) === before, 10_000, 'the wait to be released');
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: [got.messages[0]!.delivery_token] });
  });

  test('a send hands a parked receive its message in the send\'s own transaction: one commit for both, audited as each call', async () => {
    const receiver = await daemon.client();
    const auditHead = (await c.call('audit.list', { limit: 1000 })).rows.at(-1)?.seq ?? 0;
    const deltas: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const before = await waiting(c);
      const parked = receiver.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 60, ack: 'auto' });
      await waitFor(async () => (await waiting(c)) > before, 10_000, 'the receive to park');
      const commitsBefore = (await c.call('system.info')).counts.commits!;
      const sent = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: { i } });
      const got = await parked;
      deltas.push((await c.call('system.info')).counts.commits! - commitsBefore);
      assert.deepEqual(
        got.messages.map((m) => [m.message_id, m.payload]),
        [[sent.message_id, { i }]],
      );
      assert.equal(got.acknowledged, true);
    }
    // Before, the woken receive took in a transaction of its own: two commits each time.
    assert.ok(deltas.filter((d) => d === 1).length >= 8, `commits per send and woken receive: ${deltas.join(' ')}`);
    const rows = (await c.call('audit.list', { after_seq: auditHead, limit: 1000 })).rows.filter((r) => r.method.startsWith('message.'));
    assert.deepEqual(
      rows.map((r) => r.method),
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'message.send' : 'message.receive')),
      'each call has its own audit row, in the order they changed the store',
    );
    assert.equal((await c.call('audit.verify', {})).ok, true);
    assert.deepEqual((await c.call('message.receive', { project_id: 'team', agent_name: 'carol' })).messages, [], 'nothing left over, nothing taken twice');
  });

  test('a parked receive woken by sends made together, one of which fails, gets each message that committed, once', async () => {
    const receiver = await daemon.client();
    const before = await waiting(c);
    const parked = receiver.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 60 });
    await waitFor(async () => (await waiting(c)) > before, 10_000, 'the receive to park');
    const outcomes = await Promise.allSettled([
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'first' }),
      c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'mallory', payload: 'refused' }),
      c.call('message.send', { project_id: 'team', from_agent: 'bob', to_agent: 'carol', payload: 'second' }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const got = await parked;
    const again = await c.call('message.receive', { project_id: 'team', agent_name: 'carol', limit: 100 });
    assert.deepEqual(
      [...got.messages, ...again.messages].map((m) => [m.payload, m.attempt]),
      [
        ['first', 1],
        ['second', 1],
      ],
    );
    assert.ok(got.messages.length >= 1);
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: [...got.messages, ...again.messages].map((m) => m.delivery_token) });
  });

  test('a waiting receive is not woken by messages for someone else, and a broadcast wakes it', async () => {
    const receiver = await daemon.client();
    const before = await waiting(c);
    const parked = receiver.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 60 });
    await waitFor(async () => (await waiting(c)) > before, 10_000, 'the receive to park');
    const other = await c.call('message.send', { project_id: 'team', from_agent: 'carol', to_agent: 'bob', payload: 'not for carol' });
    const mine = await c.call('message.send', { project_id: 'team', from_agent: 'bob', broadcast: true, payload: 'for all' });
    const got = await parked;
    assert.deepEqual(
      got.messages.map((m) => m.message_id),
      [mine.message_id],
    );
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', message_id: mine.message_id });
    await c.call('message.ack', { project_id: 'team', agent_name: 'bob', message_id: other.message_id });
    for (const agent_name of ['alice', 'operator']) await c.call('message.ack', { project_id: 'team', agent_name, message_id: mine.message_id });
  });

  test('a wait that runs out answers empty with timeout: true', async () => {
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 0.3 });
    assert.deepEqual(got.messages, []);
    assert.equal(got.count, 0);
    assert.equal(got.timed_out, true);
    assert.ok(got.waited_ms >= 250, `waited ${got.waited_ms} ms`);
  });

  test('a waiting receive is released when its connection closes', async () => {
    const before = await waiting(c);
    const receiver = await daemon.client();
    void receiver.call('message.receive', { project_id: 'team', agent_name: 'carol', wait: true, timeout_seconds: 3600 }).catch(() => {});
    await waitFor(async () => (await waiting(c)) === before + 1, 10_000, 'the receive to park');
    await receiver.close();
    await waitFor(async () => (await waiting(c)) === before, 10_000, 'the wait to be released');
    assert.equal(await waiting(c), 0);
    const sent = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'after close' });
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'carol' });
    assert.deepEqual(
      got.messages.map((m) => [m.message_id, m.attempt]),
      [[sent.message_id, 1]],
      'the closed wait took nothing',
    );
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', delivery_tokens: [got.messages[0]!.delivery_token] });
  });

  test('ack takes tokens in bulk or a message_id, and says why it refuses each one', async () => {
    const a = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'bob', payload: 'a' });
    const b = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'bob', payload: 'b' });
    const notYetReceived = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'bob', payload: 'c' });
    const forCarol = await c.call('message.send', { project_id: 'team', from_agent: 'alice', to_agent: 'carol', payload: 'd' });
    const got = await c.call('message.receive', { project_id: 'team', agent_name: 'bob', limit: 2 });
    const [ta, tb] = got.messages.map((m) => m.delivery_token) as [string, string];
    assert.equal(ta, `${a.message_id}.1`);
    const seqBefore = await head(c);
    const result = await c.call('message.ack', {
      project_id: 'team',
      agent_name: 'bob',
      delivery_tokens: [ta, ta, `${b.message_id}.7`, 'garbage', `${forCarol.message_id}.1`, "x'; DROP TABLE deliveries;--", `${b.message_id}.0`],
    });
    assert.deepEqual(result.acknowledged, [ta]);
    assert.deepEqual(result.refused, [
      { token: ta, reason: 'already_acked' },
      { token: `${b.message_id}.7`, reason: 'unknown' },
      { token: 'garbage', reason: 'malformed' },
      { token: `${forCarol.message_id}.1`, reason: 'unknown' },
      { token: "x'; DROP TABLE deliveries;--", reason: 'malformed' },
      { token: `${b.message_id}.0`, reason: 'malformed' },
    ]);
    assert.equal(await head(c), seqBefore + 1, 'one message.acked event for the call');
    const byId = await c.call('message.ack', { project_id: 'team', agent_name: 'bob', message_id: notYetReceived.message_id });
    assert.deepEqual(byId, { acknowledged: [notYetReceived.message_id], refused: [] }, 'a message_id acks even a delivery not received yet');
    assert.deepEqual((await c.call('message.ack', { project_id: 'team', agent_name: 'bob', message_id: 'msg-nope' })).refused, [{ token: 'msg-nope', reason: 'malformed' }]);
    assert.deepEqual((await c.call('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: [tb] })).acknowledged, [tb]);
    assert.equal((await c.call('message.receive', { project_id: 'team', agent_name: 'bob' })).count, 0, 'the inbox is empty');
    await c.call('message.ack', { project_id: 'team', agent_name: 'carol', message_id: forCarol.message_id });

    assert.equal(await refusal(c.call('message.ack', { project_id: 'team', agent_name: 'bob' })), 'INVALID');
    assert.equal(await refusal(c.call('message.ack', { project_id: 'nope', agent_name: 'bob', message_id: a.message_id })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.ack', { project_id: 'team', agent_name: 'mallory', message_id: a.message_id })), 'NOT_FOUND');
    assert.equal(await refusal(c.callRaw('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: [] })), 'INVALID_PARAMS');
    assert.equal(await refusal(c.callRaw('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: Array.from({ length: 501 }, () => ta) })), 'INVALID_PARAMS');
    assert.equal(await refusal(c.callRaw('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: ['t'.repeat(301)] })), 'INVALID_PARAMS');
    assert.equal(await refusal(c.callRaw('message.ack', { project_id: 'team', agent_name: 'bob', delivery_tokens: [1] })), 'INVALID_PARAMS');
    assert.equal(await refusal(c.callRaw('message.ack', { project_id: 'team', agent_name: '../bob', message_id: a.message_id })), 'INVALID_PARAMS');
  });

  test('list: threads down the reply chain, per-member history, paging, and per-recipient states', async () => {
    await project(c, 'hist', ['ann', 'ben', 'cat']);
    const root = await c.call('message.send', { project_id: 'hist', from_agent: 'ann', broadcast: true, reply_expected: true, payload: 'plan?' });
    const reply1 = await c.call('message.send', { project_id: 'hist', from_agent: 'ben', to_agent: 'ann', reply_to: root.message_id, payload: 'A' });
    const unrelated = await c.call('message.send', { project_id: 'hist', from_agent: 'cat', to_agent: 'ben', payload: 'lunch' });
    const reply2 = await c.call('message.send', { project_id: 'hist', from_agent: 'ann', to_agent: 'ben', reply_to: reply1.message_id, payload: 'B' });
    const reply3 = await c.call('message.send', { project_id: 'hist', from_agent: 'cat', to_agent: 'ann', reply_to: root.message_id, payload: 'C' });

    const thread = await c.call('message.list', { project_id: 'hist', thread: root.message_id });
    assert.deepEqual(
      thread.messages.map((m) => m.message_id),
      [reply3.message_id, reply2.message_id, reply1.message_id, root.message_id],
    );
    assert.equal(thread.next_before, null);
    const subThread = await c.call('message.list', { project_id: 'hist', thread: reply1.message_id });
    assert.deepEqual(
      subThread.messages.map((m) => m.message_id),
      [reply2.message_id, reply1.message_id],
    );

    const ben = await c.call('message.list', { project_id: 'hist', member: 'ben' });
    assert.deepEqual(
      ben.messages.map((m) => m.message_id),
      [reply2.message_id, unrelated.message_id, reply1.message_id, root.message_id],
      'from ben, to ben, and the broadcast ben received',
    );
    const rootView = thread.messages[3]!;
    assert.deepEqual(
      rootView.deliveries.map((d) => [d.recipient, d.state, d.attempt]),
      [
        ['ben', 'pending', 0],
        ['cat', 'pending', 0],
        ['operator', 'pending', 0],
      ],
    );
    await c.call('message.receive', { project_id: 'hist', agent_name: 'cat', limit: 1 });
    await c.call('message.ack', { project_id: 'hist', agent_name: 'ben', message_id: root.message_id });
    const states = (await c.call('message.list', { project_id: 'hist', thread: root.message_id })).messages[3]!.deliveries.map((d) => [d.recipient, d.state, d.attempt]);
    assert.deepEqual(states, [
      ['ben', 'acked', 0],
      ['cat', 'delivered', 1],
      ['operator', 'pending', 0],
    ]);

    const page1 = await c.call('message.list', { project_id: 'hist', limit: 2 });
    assert.deepEqual(
      page1.messages.map((m) => m.message_id),
      [reply3.message_id, reply2.message_id],
    );
    assert.equal(page1.next_before, reply2.message_id);
    const page2 = await c.call('message.list', { project_id: 'hist', limit: 2, before: page1.next_before! });
    const page3 = await c.call('message.list', { project_id: 'hist', limit: 2, before: page2.next_before! });
    assert.deepEqual(
      [...page2.messages, ...page3.messages].map((m) => m.message_id),
      [unrelated.message_id, reply1.message_id, root.message_id],
    );
    assert.equal(page3.next_before, null);

    assert.equal(await refusal(c.call('message.list', { project_id: 'nope' })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.list', { project_id: 'hist', thread: 'msg-00000000-0000-4000-8000-000000000000' })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.list', { project_id: 'team', thread: root.message_id })), 'NOT_FOUND', 'a thread of another project');
    assert.equal(await refusal(c.call('message.list', { project_id: 'hist', before: 'msg-00000000-0000-4000-8000-000000000000' })), 'NOT_FOUND');
    for (const params of [
      { project_id: 'hist', limit: 201 },
      { project_id: 'hist', thread: "1 OR 1=1" },
      { project_id: 'hist', member: '../ben' },
      { project_id: 'hist', before: 5 },
      { project_id: 'hist', include_dead_and_expired: 'no' },
    ]) {
      assert.equal(await refusal(c.callRaw('message.list', params)), 'INVALID_PARAMS', JSON.stringify(params));
    }
  });

  test('unread counts per project and recipient, by identity, and in the welcome packet', async () => {
    await c.call('project.create', { project_id: 'inbox', name: 'inbox' });
    await c.call('project.join', { project_id: 'inbox', agent_name: 'dev', working_directory: '/work/dev' });
    await c.call('project.join', { project_id: 'inbox', agent_name: 'ops' });
    await c.call('message.send', { project_id: 'inbox', from_agent: 'ops', to_agent: 'dev', payload: 1 });
    await c.call('message.send', { project_id: 'inbox', from_agent: 'ops', to_agent: 'dev', payload: 2 });
    await c.call('message.send', { project_id: 'inbox', from_agent: 'dev', broadcast: true, payload: 3 });
    await c.call('message.receive', { project_id: 'inbox', agent_name: 'dev', limit: 1 });

    const byProject = await c.call('message.unread_counts', { project_id: 'inbox' });
    assert.deepEqual(byProject.counts, [
      { project_id: 'inbox', agent_name: 'dev', unread: 2, undelivered: 1, unacked: 1 },
      { project_id: 'inbox', agent_name: 'ops', unread: 1, undelivered: 1, unacked: 0 },
      { project_id: 'inbox', agent_name: 'operator', unread: 1, undelivered: 1, unacked: 0 },
    ]);
    assert.deepEqual(byProject.unread_by_project, { inbox: 4 });
    assert.equal(byProject.total_unread, 4);
    const one = await c.call('message.unread_counts', { project_id: 'inbox', agent_name: 'dev' });
    assert.deepEqual(one.counts, [{ project_id: 'inbox', agent_name: 'dev', unread: 2, undelivered: 1, unacked: 1 }]);
    const mine = await c.call('message.unread_counts', { working_directory: '/work/dev' });
    assert.deepEqual(mine.unread_by_project, { inbox: 2 });
    const everyone = await c.call('message.unread_counts', {});
    assert.ok(everyone.counts.every((row) => row.unread > 0), 'with no scope, only recipients with something waiting');
    assert.ok(everyone.counts.some((row) => row.project_id === 'inbox' && row.agent_name === 'operator'));
    const operator = await c.call('message.unread_counts', { agent_name: 'operator' });
    assert.ok(operator.counts.every((row) => row.agent_name === 'operator'));

    const status = await c.call('session.status', { working_directory: '/work/dev' });
    assert.equal(status.projects.find((p) => p.project_id === 'inbox')!.unread_messages, 2);
    assert.equal(status.total_unread_messages, 2);

    assert.equal(await refusal(c.call('message.unread_counts', { project_id: 'nope' })), 'NOT_FOUND');
    assert.equal(await refusal(c.call('message.unread_counts', { project_id: 'inbox', agent_name: 'mallory' })), 'NOT_FOUND');
    assert.equal(await refusal(c.callRaw('message.unread_counts', { working_directory: 'relative/path' })), 'INVALID_PARAMS');
    assert.equal(await refusal(c.callRaw('message.unread_counts', { client_id: 'a/b' })), 'INVALID_PARAMS');
    assert.deepEqual((await c.call('message.unread_counts', { client_id: 'never-seen' })).counts, []);
  });

  test('a member who leaves: what waited for them expires, and their parked receive ends with NOT_FOUND', async () => {
    await project(c, 'leave', ['stay', 'go']);
    const sent = await c.call('message.send', { project_id: 'leave', from_agent: 'stay', to_agent: 'go', payload: 'bye?' });
    const receiver = await daemon.client();
    const before = await waiting(c);
    await c.call('message.send', { project_id: 'leave', from_agent: 'stay', to_agent: 'go', payload: 'second' });
    await c.call('message.receive', { project_id: 'leave', agent_name: 'go', limit: 100 });
    const parked = receiver.call('message.receive', { project_id: 'leave', agent_name: 'go', wait: true, timeout_seconds: 60 });
    await waitFor(async () => (await waiting(c)) > before, 10_000, 'the receive to park');
    await c.call('project.leave', { project_id: 'leave', agent_name: 'go' });
    assert.equal(await refusal(parked), 'NOT_FOUND');
    const history = await c.call('message.list', { project_id: 'leave', member: 'go' });
    assert.equal(history.messages.find((m) => m.message_id === sent.message_id)!.deliveries[0]!.state, 'expired');
    assert.equal((await c.call('message.list', { project_id: 'leave', include_dead_and_expired: false })).count, 0);
    assert.deepEqual(
      (await c.call('message.unread_counts', { project_id: 'leave' })).counts.map((r) => [r.agent_name, r.unread]),
      [
        ['stay', 0],
        ['operator', 0],
      ],
    );
    assert.equal(await refusal(c.call('message.send', { project_id: 'leave', from_agent: 'stay', to_agent: 'go', payload: 1 })), 'NOT_FOUND');
  });

  test('deleting a project deletes its messages', async () => {
    await project(c, 'gone', ['p', 'q']);
    await c.call('message.send', { project_id: 'gone', from_agent: 'p', broadcast: true, payload: 1 });
    await c.call('project.delete', { project_id: 'gone' });
    assert.equal(await refusal(c.call('message.list', { project_id: 'gone' })), 'NOT_FOUND');
    await project(c, 'gone', ['p', 'q']);
    assert.equal(await messagesIn(c, 'gone'), 0);
    assert.equal((await c.call('message.receive', { project_id: 'gone', agent_name: 'q' })).count, 0);
  });

  test('a broadcast to 100 members reaches all of them (and the operator) at once', async () => {
    const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await project(c, 'big', ['lead', ...members]);
    const sent = await c.call('message.send', { project_id: 'big', from_agent: 'lead', broadcast: true, payload: { all: 'hands' } });
    assert.equal(sent.recipients.length, 101);
    assert.deepEqual(new Set(sent.recipients), new Set([...members, 'operator']));
    const counts = await c.call('message.unread_counts', { project_id: 'big' });
    assert.equal(counts.total_unread, 101);
    assert.ok(counts.counts.every((row) => row.agent_name === 'lead' || row.unread === 1));
    const history = await c.call('message.list', { project_id: 'big' });
    assert.equal(history.messages[0]!.deliveries.length, 101);
  });
});

describe('messages: redelivery and dead letters (ack timeout 1 s)', () => {
  const { client: c } = withDaemon();
  before(async () => {
    await c.call('config.set', { key: 'message_ack_timeout_seconds', value: 1 });
    await project(c, 'r', ['src', 'dst']);
  });

  test('an unacked message comes back after its deadline as attempt 2; the old token is then stale', async () => {
    const sent = await c.call('message.send', { project_id: 'r', from_agent: 'src', to_agent: 'dst', payload: 'again' });
    const first = await c.call('message.receive', { project_id: 'r', agent_name: 'dst' });
    assert.equal(first.messages[0]!.attempt, 1);
    // Nothing is sent meanwhile: the parked receive wakes on the ack deadline itself.
    const second = await c.call('message.receive', { project_id: 'r', agent_name: 'dst', wait: true, timeout_seconds: 30 });
    assert.equal(second.timed_out, false);
    assert.deepEqual(
      second.messages.map((m) => [m.message_id, m.attempt, m.delivery_token]),
      [[sent.message_id, 2, `${sent.message_id}.2`]],
    );
    const stale = await c.call('message.ack', { project_id: 'r', agent_name: 'dst', delivery_tokens: [first.messages[0]!.delivery_token] });
    assert.deepEqual(stale, { acknowledged: [], refused: [{ token: first.messages[0]!.delivery_token, reason: 'stale' }] });
    const fresh = await c.call('message.ack', { project_id: 'r', agent_name: 'dst', delivery_tokens: [second.messages[0]!.delivery_token] });
    assert.deepEqual(fresh.acknowledged, [second.messages[0]!.delivery_token]);
    const listed = await c.call('message.list', { project_id: 'r', thread: sent.message_id });
    assert.deepEqual(
      listed.messages[0]!.deliveries.map((d) => [d.state, d.attempt]),
      [['acked', 2]],
    );
  });

  test('after message_max_attempts deliveries without an ack the message is dead: never returned again, in history, and announced', async () => {
    await c.call('config.set', { key: 'message_max_attempts', value: 2 });
    const sent = await c.call('message.send', { project_id: 'r', from_agent: 'src', to_agent: 'dst', payload: 'doomed' });
    const later = await c.call('message.send', { project_id: 'r', from_agent: 'src', to_agent: 'dst', payload: 'fine' });
    const first = await c.call('message.receive', { project_id: 'r', agent_name: 'dst', limit: 1 });
    assert.deepEqual(
      first.messages.map((m) => [m.message_id, m.attempt]),
      [[sent.message_id, 1]],
    );
    await c.call('message.ack', { project_id: 'r', agent_name: 'dst', message_id: later.message_id });
    const second = await c.call('message.receive', { project_id: 'r', agent_name: 'dst', wait: true, timeout_seconds: 30 });
    assert.deepEqual(
      second.messages.map((m) => [m.message_id, m.attempt]),
      [[sent.message_id, 2]],
    );
    const dead = await c.call('events.wait', { types: ['message.dead'], after: 0, timeout_seconds: 30 });
    assert.equal(dead.timed_out, false, 'the dead-letter clock announced it without anyone calling receive');
    assert.deepEqual(dead.event!.data, { message_id: sent.message_id, from_agent: 'src', recipient: 'dst', attempts: 2 });
    assert.equal(dead.event!.subject, 'r');
    const listed = await c.call('message.list', { project_id: 'r', thread: sent.message_id });
    assert.deepEqual(
      listed.messages[0]!.deliveries.map((d) => [d.state, d.attempt]),
      [['dead', 2]],
    );
    const again = await c.call('message.receive', { project_id: 'r', agent_name: 'dst', wait: true, timeout_seconds: 1.5 });
    assert.equal(again.count, 0);
    assert.equal(again.timed_out, true);
    assert.deepEqual((await c.call('message.ack', { project_id: 'r', agent_name: 'dst', delivery_tokens: [second.messages[0]!.delivery_token] })).refused, [
      { token: second.messages[0]!.delivery_token, reason: 'dead' },
    ]);
    assert.equal((await c.call('message.unread_counts', { project_id: 'r', agent_name: 'dst' })).total_unread, 0);
    assert.equal((await c.call('message.list', { project_id: 'r', thread: sent.message_id, include_dead_and_expired: false })).count, 0);
  });
});
