// message.inbox through a real daemon: whose mail each principal sees, unread first then newest first, its delivery
// states, that listing delivers nothing, and how wrong, oversized and hostile params are refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrainsClient } from '../../rpc/client.js';
import type { ParamsIn, Result } from '../../rpc/contract/index.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { eventsSince, failure, headSeq, projectWith, refusedWith } from '../helpers/rpc-assert.js';

function inbox(c: BrainsClient, params: ParamsIn<'message.inbox'> = {}): Promise<Result<'message.inbox'>> {
  return c.call('message.inbox', params);
}

/** A connection that is an agent instance holding the names its identity (client_id) was given. */
async function asInstance(daemon: TestDaemon, clientId: string): Promise<BrainsClient> {
  const client = await daemon.client();
  await client.call('session.start', { tool: 'other', client_id: clientId, bind: true });
  return client;
}

async function asToken(daemon: TestDaemon, admin: BrainsClient, projectId: string, agentName: string): Promise<BrainsClient> {
  const { token } = await admin.call('mcp.token', { project_id: projectId, agent_name: agentName });
  const client = await daemon.client();
  await client.call('session.authenticate', { token });
  return client;
}

describe('message.inbox', () => {
  const { daemon, client: c } = withDaemon();

  test("the operator's inbox spans every project, unread first then newest first, with each delivery's state", async () => {
    await projectWith(c, 'ib-api', ['backend', 'db']);
    await projectWith(c, 'ib-web', ['frontend']);
    const send = (project_id: string, from_agent: string, payload: unknown, extra: Partial<ParamsIn<'message.send'>> = {}) =>
      c.call('message.send', { project_id, from_agent, payload, ...extra });
    const oldest = await send('ib-api', 'backend', 'schema question', { to_agent: 'operator', reply_expected: true });
    const toBeAcked = await send('ib-web', 'frontend', { ask: 'deploy?' }, { to_agent: 'operator' });
    const broadcast = await send('ib-api', 'db', 'migration done', { broadcast: true });
    const notMine = await send('ib-api', 'backend', 'between agents', { to_agent: 'db' });
    const newest = await send('ib-web', 'frontend', 'x'.repeat(300), { to_agent: 'operator' });

    // Take one (delivered, not acked) and acknowledge another (read).
    const taken = await c.call('message.receive', { project_id: 'ib-api', agent_name: 'operator', limit: 1 });
    assert.equal(taken.messages[0]!.message_id, oldest.message_id);
    await c.call('message.ack', { project_id: 'ib-web', agent_name: 'operator', message_id: toBeAcked.message_id });

    const all = await inbox(c);
    assert.deepEqual(
      all.messages.map((m) => [m.message_id, m.state, m.unread]),
      [
        [newest.message_id, 'pending', true],
        [broadcast.message_id, 'pending', true],
        [oldest.message_id, 'delivered', true],
        [toBeAcked.message_id, 'acked', false],
      ],
    );
    assert.ok(!all.messages.some((m) => m.message_id === notMine.message_id), 'mail between agents is not the operator\'s');
    assert.equal(all.count, 4);
    assert.equal(all.total_unread, 3);
    assert.equal(all.has_more, false);

    const first = all.messages.find((m) => m.message_id === oldest.message_id)!;
    assert.equal(first.project_id, 'ib-api');
    assert.equal(first.from_agent, 'backend');
    assert.equal(first.to_agent, 'operator');
    assert.equal(first.recipient, 'operator');
    assert.equal(first.reply_expected, true);
    assert.equal(first.payload, 'schema question');
    assert.equal(first.preview, 'schema question');
    assert.equal(first.attempt, 1);
    assert.equal(typeof first.created_at, 'string');
    assert.equal(typeof first.last_delivered_at, 'string');
    assert.equal(first.acked_at, null);
    const acked = all.messages.find((m) => m.message_id === toBeAcked.message_id)!;
    assert.deepEqual(acked.payload, { ask: 'deploy?' });
    assert.equal(acked.preview, '{"ask":"deploy?"}');
    assert.equal(typeof acked.acked_at, 'string');
    const long = all.messages.find((m) => m.message_id === newest.message_id)!;
    assert.equal((long.preview as string).length, 200, 'the preview is cut; the payload is whole');
    assert.equal((long.payload as string).length, 300);
    assert.equal(all.messages.find((m) => m.message_id === broadcast.message_id)!.broadcast, true);

    const unread = await inbox(c, { unread_only: true });
    assert.deepEqual(unread.messages.map((m) => m.message_id), [newest.message_id, broadcast.message_id, oldest.message_id]);
    assert.equal(unread.total_unread, 3);

    const web = await inbox(c, { project_id: 'ib-web' });
    assert.deepEqual(web.messages.map((m) => m.message_id), [newest.message_id, toBeAcked.message_id]);
    assert.equal(web.total_unread, 1);

    const page = await inbox(c, { limit: 2 });
    assert.deepEqual(page.messages.map((m) => m.message_id), [newest.message_id, broadcast.message_id]);
    assert.equal(page.has_more, true);
    assert.equal(page.total_unread, 3, 'the total counts the whole inbox, not the page');
    const exact = await inbox(c, { limit: 4 });
    assert.equal(exact.has_more, false);
  });

  test('listing delivers nothing: no state changes, no events, no audit rows, and a receive still gets first delivery', async () => {
    await projectWith(c, 'ib-quiet', ['talker']);
    const sent = await c.call('message.send', { project_id: 'ib-quiet', from_agent: 'talker', to_agent: 'operator', payload: 'still new' });
    const seq = await headSeq(c);
    const audited = (await c.call('audit.list', { limit: 1000 })).rows.length;
    for (let i = 0; i < 3; i += 1) {
      const listed = await inbox(c, { project_id: 'ib-quiet' });
      assert.deepEqual(listed.messages.map((m) => [m.message_id, m.state, m.attempt]), [[sent.message_id, 'pending', 0]]);
    }
    assert.equal(await headSeq(c), seq, 'no event was appended');
    assert.equal((await c.call('audit.list', { limit: 1000 })).rows.length, audited, 'a read leaves no audit row');
    const got = await c.call('message.receive', { project_id: 'ib-quiet', agent_name: 'operator' });
    assert.deepEqual(got.messages.map((m) => [m.message_id, m.attempt]), [[sent.message_id, 1]]);
    assert.equal((await eventsSince(c, seq, 'message.delivered')).length, 1, 'the receive, not the listing, delivered it');
  });

  test('an agent instance sees only its own mail, under each name it holds, across its projects', async () => {
    for (const p of ['ib-one', 'ib-two', 'ib-three']) await c.call('project.create', { project_id: p, name: p });
    await c.call('project.join', { project_id: 'ib-one', agent_name: 'ann', client_id: 'ib-ann' });
    await c.call('project.join', { project_id: 'ib-two', agent_name: 'annie', client_id: 'ib-ann' });
    await c.call('project.join', { project_id: 'ib-one', agent_name: 'bo', client_id: 'ib-bo' });
    await c.call('project.join', { project_id: 'ib-two', agent_name: 'cy', client_id: 'ib-cy' });
    await c.call('project.join', { project_id: 'ib-three', agent_name: 'dee', client_id: 'ib-dee' });
    const toAnn = await c.call('message.send', { project_id: 'ib-one', from_agent: 'bo', to_agent: 'ann', payload: 'for ann' });
    const toAnnie = await c.call('message.send', { project_id: 'ib-two', from_agent: 'operator', to_agent: 'annie', payload: 'for annie' });
    const everyone = await c.call('message.send', { project_id: 'ib-two', from_agent: 'cy', broadcast: true, payload: 'all of two' });
    await c.call('message.send', { project_id: 'ib-one', from_agent: 'ann', to_agent: 'bo', payload: 'from ann, not to her' });
    await c.call('message.send', { project_id: 'ib-one', from_agent: 'bo', to_agent: 'operator', payload: "the operator's" });
    await c.call('message.send', { project_id: 'ib-three', from_agent: 'dee', to_agent: 'operator', payload: 'elsewhere' });

    const ann = await asInstance(daemon, 'ib-ann');
    const mine = await inbox(ann);
    assert.deepEqual(
      mine.messages.map((m) => [m.message_id, m.project_id, m.recipient]),
      [
        [everyone.message_id, 'ib-two', 'annie'],
        [toAnnie.message_id, 'ib-two', 'annie'],
        [toAnn.message_id, 'ib-one', 'ann'],
      ],
    );
    assert.equal(mine.total_unread, 3);
    assert.deepEqual((await inbox(ann, { project_id: 'ib-one' })).messages.map((m) => m.message_id), [toAnn.message_id]);
    const foreign = await refusedWith(inbox(ann, { project_id: 'ib-three' }), 'PERMISSION_DENIED');
    assert.match(foreign.message, /you hold no name in ib-three.*join it first/);
    await refusedWith(inbox(ann, { project_id: 'ib-nowhere' }), 'NOT_FOUND');
  });

  test('a token sees only its project, and is refused another', async () => {
    await projectWith(c, 'ib-tok', ['tia', 'tom']);
    await projectWith(c, 'ib-other', ['tia']);
    const here = await c.call('message.send', { project_id: 'ib-tok', from_agent: 'tom', to_agent: 'tia', payload: 'here' });
    await c.call('message.send', { project_id: 'ib-other', from_agent: 'operator', to_agent: 'tia', payload: 'other project, same name' });
    const tia = await asToken(daemon, c, 'ib-tok', 'tia');
    const listed = await inbox(tia);
    assert.deepEqual(listed.messages.map((m) => [m.message_id, m.recipient]), [[here.message_id, 'tia']]);
    assert.equal(listed.total_unread, 1);
    await refusedWith(inbox(tia, { project_id: 'ib-other' }), 'PERMISSION_DENIED');
  });

  test('an operator inbox with no mail, or of a project it names that does not exist', async () => {
    await c.call('project.create', { project_id: 'ib-empty', name: 'ib-empty' });
    assert.deepEqual(await inbox(c, { project_id: 'ib-empty' }), { messages: [], count: 0, total_unread: 0, has_more: false });
    const missing = await refusedWith(inbox(c, { project_id: 'ib-emtpy' }), 'NOT_FOUND');
    assert.match(missing.message, /no project ib-emtpy; projects that exist: .*ib-empty/);
  });

  test('wrong, missing, oversized and hostile params are refused with a short message that says what to do', async () => {
    const refused: Array<[unknown, RegExp]> = [
      [{ limit: 201 }, /limit: at most 200 per call/],
      [{ limit: 0 }, /limit: at least 1/],
      [{ limit: 1.5 }, /limit/],
      [{ limit: 'ten' }, /limit/],
      [{ unread_only: 'yes' }, /unread_only/],
      [{ project_id: 42 }, /project_id/],
      [{ project_id: '../../etc' }, /project_id: use 1 to 256 letters, digits, _ or -/],
      [{ project_id: 'p'.repeat(10_000) }, /project_id: use 1 to 256 letters/],
      [{ project_id: "x'; DROP TABLE messages; --" }, /project_id/],
      [{ project_id: '' }, /project_id/],
      [{ projct_id: 'ib-api' }, /unknown param "projct_id"; did you mean project_id\?/],
      [{ unred_only: true }, /did you mean unread_only\?/],
      [{ limt: 5 }, /did you mean limit\?/],
      [{ bogus: 1 }, /unknown param "bogus"; it takes project_id, unread_only, limit/],
      [{ ['k'.repeat(10_000)]: 1 }, /unknown param "k{40}…"/],
      [[], /params/],
    ];
    for (const [params, message] of refused) {
      const error = await failure(c.callRaw('message.inbox', params));
      assert.equal(error.code, -32602, `${JSON.stringify(params).slice(0, 60)}: ${error.message}`);
      assert.match(error.message, message);
      assert.ok(error.message.length < 300, `short: ${error.message.slice(0, 400)}`);
    }
    assert.equal((await c.call('system.ping')).pong, true, 'the daemon is fine');
  });
});

describe('message.inbox: ended deliveries', () => {
  const { client: c } = withDaemon();

  test('a delivery past its last attempt shows as dead, read, not unread', async () => {
    await projectWith(c, 'ib-dead', ['sender']);
    await c.call('config.set', { key: 'message_max_attempts', value: 1 });
    await c.call('config.set', { key: 'message_ack_timeout_seconds', value: 1 });
    const sent = await c.call('message.send', { project_id: 'ib-dead', from_agent: 'sender', to_agent: 'operator', payload: 'never acked' });
    await c.call('message.receive', { project_id: 'ib-dead', agent_name: 'operator' });
    const dead = async () => (await inbox(c)).messages.map((m) => [m.message_id, m.state, m.unread]);
    await waitFor(async () => (await dead())[0]?.[1] === 'dead', 20_000, 'the delivery to die');
    assert.deepEqual(await dead(), [[sent.message_id, 'dead', false]]);
    assert.equal((await inbox(c)).total_unread, 0);
    assert.deepEqual((await inbox(c, { unread_only: true })).messages, []);
  });
});
