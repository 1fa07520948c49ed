// Mail through the model traffic: with mail notes on, a request from an agent's own key carries one line about its new
// mail, decisions and locks about to expire, as a final note on the last user turn. What the fake upstream received shows
// the system prompt and the conversation before the note byte for byte as sent (translated and pass-through), each item
// noted once, nothing noted when notes are off (the default), for the admin key, or for an agent switched off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withDaemon } from '../helpers/with-daemon.js';
import { anthropicJson, fakeUpstream, json, openAIJson, type FakeUpstream, type Received } from '../helpers/fake-upstream.js';
import { projectWith } from '../helpers/rpc-assert.js';

const NOTE = /\[brains\] /;
const SYSTEM = 'You are a careful engineer.\nNever guess.  (two spaces, a tab:\t, unicode: é ✓)';

describe('gateway mail notes', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0' } });
  let upstream: FakeUpstream;
  let url = '';
  let adminKey = '';
  let alice = '';
  const last = (): Received => upstream.received[upstream.received.length - 1]!;
  const setNotes = (mail_notes: Record<string, unknown> | undefined) =>
    client.call('gateway.config_set', {
      config: {
        providers: {
          ant: { type: 'anthropic', base_url: upstream.url },
          own: { type: 'anthropic', base_url: upstream.url, pass_through: true },
          oai: { type: 'openai_compatible', base_url: `${upstream.url}/v1`, pass_through: true },
        },
        models: { 'claude-x': { provider: 'ant', model: 'claude-up' }, 'claude-own': { provider: 'own' }, 'gpt-own': { provider: 'oai' } },
        ...(mail_notes ? { mail_notes } : {}),
      },
    });
  /** An Anthropic Messages request through the translated path; the conversation ends with the user turn LAST-TURN. */
  const ask = async (key = alice, extra: Record<string, unknown> = {}) => {
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: JSON.stringify({
        model: 'claude-x',
        max_tokens: 50,
        system: SYSTEM,
        messages: [
          { role: 'user', content: 'first turn' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: 'LAST-TURN' },
        ],
        ...extra,
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return last();
  };
  const send = (payload: string, from = 'bob', reply_expected = false) => client.call('message.send', { project_id: 'mail', from_agent: from, to_agent: 'alice', payload, reply_expected });
  const noteOf = (received: Received): string | null => {
    const content = received.body.messages.at(-1).content as Array<{ type: string; text?: string }>;
    const text = content.at(-1)?.text ?? '';
    if (!NOTE.test(text)) return null;
    assert.ok(text.startsWith('\n\n[brains] '), `the note starts on a line of its own: ${JSON.stringify(text)}`);
    return text.slice(2);
  };

  before(async () => {
    upstream = await fakeUpstream();
    url = (await client.call('system.info')).gateway_url!;
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
    await projectWith(client, 'mail', ['bob', 'alice', 'carol']);
    alice = (await client.call('mcp.token', { project_id: 'mail', agent_name: 'alice' })).token;
    await setNotes(undefined);
  });
  after(async () => upstream?.close());

  test('off by default: unread mail is not noted', async () => {
    await send('are you there?');
    assert.doesNotMatch((await ask()).raw, NOTE);
  });

  test('on: one line after the conversation, on the last user turn; the system prompt and every earlier byte untouched; each item once', async () => {
    await setNotes({ enabled: true });
    const noted = await ask();
    assert.equal(noted.body.system, SYSTEM, 'the system prompt byte for byte');
    assert.equal(noteOf(noted), '[brains] You have 1 unread message from bob in project mail; call receive_messages.', 'the message sent while notes were off counts: it is still unread');
    assert.deepEqual(noted.body.messages.at(-1).content.slice(0, -1), [{ type: 'text', text: 'LAST-TURN' }], 'the note is the last part of the last user turn');

    const plain = await ask();
    assert.equal(noteOf(plain), null, 'noted once');
    // Everything up to the end of the last user text is the same bytes with the note and without it: the prompt cache still hits.
    const upToLastTurn = plain.raw.slice(0, plain.raw.indexOf('LAST-TURN') + 'LAST-TURN'.length);
    assert.ok(noted.raw.startsWith(upToLastTurn), `the noted body begins with the plain one:\n${noted.raw}\n${plain.raw}`);

    await send('one', 'bob', true);
    await send('two', 'carol');
    assert.equal(noteOf(await ask()), '[brains] You have 2 unread messages from bob (1), carol (1) in project mail (1 expects a reply); call receive_messages.', 'only the new ones');
    assert.equal(noteOf(await ask()), null);
  });

  test('only an agent’s own key: the admin key is never noted; mail_notes.agents switches one agent off or on', async () => {
    await setNotes({ enabled: true });
    await send('for alice');
    assert.equal(noteOf(await ask(adminKey)), null, 'the admin key speaks for no agent');
    await setNotes({ enabled: true, agents: { alice: false } });
    assert.equal(noteOf(await ask()), null, 'switched off for alice');
    await setNotes({ enabled: false, agents: { alice: true } });
    assert.match(noteOf(await ask())!, /1 unread message from bob/, 'switched on for alice alone; still noted once, later');
  });

  test('a request that fails upstream gives its items back: the next one notes them', async () => {
    await setNotes({ enabled: true });
    await send('again');
    upstream.next((res) => json(res, 500, { error: { message: 'upstream broke' } }));
    const failed = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(failed.status, 502);
    assert.match(JSON.stringify(last().body), NOTE, 'it did carry the note');
    assert.match(noteOf(await ask())!, /1 unread message from bob/);
  });

  test('a decision on its request and a lock about to expire are noted, naming the tool to call', async () => {
    await setNotes({ enabled: true });
    const approval = await client.call('approval.request', { project_id: 'mail', agent_name: 'alice', title: 'Ship  it?' });
    await client.call('approval.decide', { approval_id: approval.approval_id, decision: 'approve' });
    const lease = await client.call('lock.acquire', { project_id: 'mail', agent_name: 'alice', key: 'src/app.ts', ttl_seconds: 30, scope: 'global' });
    assert.equal(lease.timed_out, false);
    const note = noteOf(await ask())!;
    assert.match(note, new RegExp(`${approval.approval_id} "Ship it\\?" was approved; call get_approval`));
    assert.match(note, /Your lock on "src\/app\.ts" expires in (29|30)s; call lock_renew to keep it\./);
    assert.match(note, /1 unread message from operator/, 'the decision came as a message too');
    assert.doesNotMatch(note.trim(), /\n/, 'one line');
    assert.equal(noteOf(await ask()), null);
    await client.call('lock.renew', { lease_id: (lease as { lease_id: string }).lease_id, fencing_token: (lease as { fencing_token: number }).fencing_token, ttl_seconds: 40 });
    assert.match(noteOf(await ask())!, /Your lock on "src\/app\.ts" expires in (39|40)s/, 'a renewed lease that is again about to expire is news');
  });

  test('pass-through Anthropic: the caller’s body goes up as sent, cache_control and all, with the note as a text block after the last user content', async () => {
    await setNotes({ enabled: true });
    await send('pass me');
    const body = {
      model: 'claude-own',
      max_tokens: 50,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'first turn', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'LAST-TURN' },
      ],
    };
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-brains-key': alice, 'x-api-key': 'sk-callers-own' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    const sent = last();
    assert.equal(sent.headers['x-api-key'], 'sk-callers-own');
    assert.deepEqual(sent.body.system, body.system, 'the system blocks as sent');
    assert.deepEqual(sent.body.messages.slice(0, -1), body.messages.slice(0, -1));
    assert.deepEqual(sent.body.messages.at(-1), { role: 'user', content: [{ type: 'text', text: 'LAST-TURN' }, { type: 'text', text: '\n\n[brains] You have 1 unread message from bob in project mail; call receive_messages.' }] });
    const prefix = JSON.stringify(body).slice(0, JSON.stringify(body).indexOf('{"role":"user","content":"LAST-TURN"'));
    assert.ok(sent.raw.startsWith(prefix), 'every byte before the last user turn as the caller sent it');
  });

  test('pass-through OpenAI: after tool results the note is a user message of its own; after user text it follows on a new line', async () => {
    await setNotes({ enabled: true });
    await send('tool time');
    const messages = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'run it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'sh', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ];
    upstream.next(openAIJson({ content: 'ok' }));
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'x-brains-key': alice, authorization: 'Bearer sk-own' }, body: JSON.stringify({ model: 'gpt-own', messages }) });
    assert.equal(res.status, 200);
    assert.deepEqual(last().body.messages.slice(0, -1), messages, 'the conversation as sent, system first');
    assert.deepEqual(last().body.messages.at(-1), { role: 'user', content: '[brains] You have 1 unread message from bob in project mail; call receive_messages.' });

    await send('text time');
    upstream.next(openAIJson({ content: 'ok' }));
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'x-brains-key': alice, authorization: 'Bearer sk-own' }, body: JSON.stringify({ model: 'gpt-own', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'hi' }] }) });
    assert.deepEqual(last().body.messages, [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'hi\n\n[brains] You have 1 unread message from bob in project mail; call receive_messages.' },
    ]);
  });

  test('a conversation that does not end with a user turn carries no note, and its items wait for one that does', async () => {
    await setNotes({ enabled: true });
    await send('prefill');
    upstream.next(anthropicJson([{ type: 'text', text: 'ok' }]));
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': alice },
      body: JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'The answer is' }] }),
    });
    assert.equal(res.status, 200);
    assert.doesNotMatch(last().raw, NOTE);
    assert.match(noteOf(await ask())!, /1 unread message from bob/);
  });
});
