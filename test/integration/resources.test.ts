// Shared resources through the real daemon: store, get (with wait), list, delete; permissions, versions, races, limits and hostile input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ParamsIn } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { arrived, refusedWith, invalidParams } from '../helpers/rpc-assert.js';

const { daemon, client: c } = withDaemon();

let n = 0;
const fresh = () => `r${++n}-${process.pid}`;

/** A project created by the operator with these agents joined. */
async function project(...members: string[]): Promise<string> {
  const id = fresh();
  await c.call('project.create', { project_id: id, name: `resources ${id}` });
  for (const name of members) await c.call('project.join', { project_id: id, agent_name: name, client_id: `${id}-${name}` });
  return id;
}

type StoreParams = ParamsIn<'resource.store'>;
const store = (p: Omit<StoreParams, 'name'> & { name?: string }, client = c) => client.call('resource.store', { name: 'doc', ...p });
const get = (project_id: string, resource_id: string, agent_name: string, client = c) => arrived(client.call('resource.get', { project_id, resource_id, agent_name }));
const list = (project_id: string, agent_name: string) => c.call('resource.list', { project_id, agent_name });

async function eventsOf(type: string, subject: string) {
  const { events } = await c.call('events.list', { types: [type], limit: 1000 });
  return events.filter((e) => e.subject === subject);
}

describe('store, get, list', () => {
  test('a new resource: version 1, default permissions and mime type, readable by every member, with an event', async () => {
    const p = await project('backend', 'frontend');
    const stored = await store({ project_id: p, resource_id: 'schema', agent_name: 'backend', name: 'GraphQL Schema', description: 'v2', content: 'type Query { a: Int }' });
    assert.equal(stored.resource_id, 'schema');
    assert.equal(stored.version, 1);
    assert.equal(stored.created, true);
    assert.equal(stored.size_bytes, 21);
    const got = await get(p, 'schema', 'frontend');
    assert.equal(got.content, 'type Query { a: Int }');
    assert.equal(got.waited_ms, 0);
    assert.equal(got.manifest.etag, stored.etag, 'the manifest carries the etag the store returned');
    assert.deepEqual(
      { ...got.manifest, created_at: undefined, updated_at: undefined, etag: undefined },
      {
        resource_id: 'schema',
        name: 'GraphQL Schema',
        description: 'v2',
        mime_type: 'text/plain',
        encoding: 'text',
        creator_agent: 'backend',
        created_at: undefined,
        updated_at: undefined,
        updated_by: 'backend',
        version: 1,
        etag: undefined,
        size_bytes: 21,
        permissions: { read: ['*'], write: ['backend'] },
      },
    );
    assert.equal(got.manifest.updated_at, stored.updated_at);
    const listed = await list(p, 'frontend');
    assert.equal(listed.total, 1);
    assert.deepEqual(listed.resources[0], got.manifest);
    assert.ok(!('content' in listed.resources[0]!), 'a listing carries no content');
    const events = await eventsOf('resource.stored', p);
    assert.deepEqual(
      events.map((e) => e.data),
      [{ resource_id: 'schema', version: 1, by: 'backend', created: true }],
    );
  });

  test('every store raises the version; left-out description, mime type and permissions are kept', async () => {
    const p = await project('lead');
    const first = await store({ project_id: p, resource_id: 'guide', agent_name: 'lead', description: 'rules', content: '# v1', mime_type: 'text/markdown', permissions: { read: ['*'], write: ['lead'] } });
    const second = await store({ project_id: p, resource_id: 'guide', agent_name: 'lead', name: 'Guide', content: '# v2, longer' });
    const third = await store({ project_id: p, resource_id: 'guide', agent_name: 'lead', content: '# v3' });
    assert.deepEqual([first.version, second.version, third.version], [1, 2, 3]);
    assert.equal(second.created, false);
    const got = await get(p, 'guide', 'lead');
    assert.equal(got.content, '# v3');
    assert.equal(got.manifest.version, 3);
    assert.equal(got.manifest.description, 'rules');
    assert.equal(got.manifest.mime_type, 'text/markdown');
    assert.equal(got.manifest.name, 'doc');
    assert.ok(got.manifest.created_at <= got.manifest.updated_at);
    const created = (await eventsOf('resource.stored', p)).map((e) => e.data);
    assert.deepEqual(
      created.map((d) => (d as { version: number }).version),
      [1, 2, 3],
    );
  });

  test('binary content is kept as bytes and comes back as the same base64', async () => {
    const p = await project('a');
    const bytes = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), ...randomBytes(1000)]);
    const stored = await store({ project_id: p, resource_id: 'blob', agent_name: 'a', content: bytes.toString('base64'), encoding: 'base64' });
    assert.equal(stored.size_bytes, bytes.length, 'the decoded size');
    const got = await get(p, 'blob', 'a');
    assert.equal(got.content, bytes.toString('base64'));
    assert.equal(got.manifest.encoding, 'base64');
    assert.equal(got.manifest.mime_type, 'application/octet-stream');
    await store({ project_id: p, resource_id: 'empty-bin', agent_name: 'a', content: '', encoding: 'base64', mime_type: 'image/png' });
    await store({ project_id: p, resource_id: 'empty-text', agent_name: 'a', content: '' });
    assert.equal((await get(p, 'empty-bin', 'a')).content, '');
    assert.equal((await get(p, 'empty-bin', 'a')).manifest.mime_type, 'image/png');
    assert.equal((await get(p, 'empty-text', 'a')).content, '');
    await store({ project_id: p, resource_id: 'blob', agent_name: 'a', content: 'now text' });
    const switched = await get(p, 'blob', 'a');
    assert.equal(switched.manifest.encoding, 'text');
    assert.equal(switched.manifest.mime_type, 'text/plain', 'a new encoding takes its own default mime type');
  });

  test('content with NUL bytes and odd Unicode round-trips exactly; a lone surrogate is refused', async () => {
    const p = await project('a');
    const samples = [
      'a\u0000b\u0000\u0000c',
      '\u0001\u001f\u007f\u0080\u009f',
      '👩‍👩‍👧‍👦 e\u0301 \u202Eevil\u202C \uFEFFbom \u200B\u200D zero-width',
      '\uFFFF\uFFFE\u{10FFFF}\u{1F600}\u{E0001}',
      '\r\n\r\n\t line\u2028sep\u2029para',
      "x'; DROP TABLE resources;-- \" \\ %s %n ${x}",
      'ä'.repeat(1000),
    ];
    for (const [i, content] of samples.entries()) {
      const stored = await store({ project_id: p, resource_id: `odd-${i}`, agent_name: 'a', name: `odd ${i}`, content });
      assert.equal(stored.size_bytes, Buffer.byteLength(content));
      const got = await get(p, `odd-${i}`, 'a');
      assert.equal(got.content, content, `sample ${i} round-trips`);
      assert.equal(got.manifest.name, `odd ${i}`, 'a name is one line of visible text (invisible-text.test refuses the rest)');
    }
    const lone = await refusedWith(store({ project_id: p, resource_id: 'lone', agent_name: 'a', content: 'ok \ud800 broken' }), 'INVALID');
    assert.match(lone.message, /surrogate at offset 3/);
    assert.match(lone.message, /base64/);
    await refusedWith(store({ project_id: p, resource_id: 'lone', agent_name: 'a', name: 'x\udfff', content: 'fine' }), 'INVALID');
    await refusedWith(get(p, 'lone', 'a'), 'NOT_FOUND');
  });

  test('list pages through what the caller may read, oldest first', async () => {
    const p = await project('a', 'b');
    for (let i = 0; i < 5; i += 1) await store({ project_id: p, resource_id: `item-${i}`, agent_name: 'a', content: `${i}` });
    await store({ project_id: p, resource_id: 'private', agent_name: 'a', content: 'secret', permissions: { read: [] } });
    const page = await c.call('resource.list', { project_id: p, agent_name: 'b', offset: 1, limit: 2 });
    assert.equal(page.total, 5);
    assert.deepEqual(
      page.resources.map((r) => r.resource_id),
      ['item-1', 'item-2'],
    );
    assert.equal(page.offset, 1);
    assert.equal(page.limit, 2);
    const all = await list(p, 'a');
    assert.equal(all.total, 6);
    assert.equal(all.limit, 100);
    assert.equal((await c.call('resource.list', { project_id: p, agent_name: 'b', offset: 10 })).resources.length, 0);
    await invalidParams(c.callRaw('resource.list', { project_id: p, agent_name: 'b', limit: 1001 }));
    await invalidParams(c.callRaw('resource.list', { project_id: p, agent_name: 'b', offset: -1 }));
  });

  test('NOT_FOUND: no project, not a member, no resource (naming only what the caller can read)', async () => {
    const p = await project('a', 'b');
    await store({ project_id: p, resource_id: 'visible', agent_name: 'a', content: 'x' });
    await store({ project_id: p, resource_id: 'hidden', agent_name: 'a', content: 'x', permissions: { read: ['a'] } });
    const missing = await refusedWith(get(p, 'nothing', 'b'), 'NOT_FOUND');
    assert.match(missing.message, /visible/);
    assert.doesNotMatch(missing.message, /hidden/);
    assert.match((await refusedWith(get(p, 'nothing', 'a'), 'NOT_FOUND')).message, /hidden/);
    const empty = await project('z');
    assert.match((await refusedWith(get(empty, 'nothing', 'z'), 'NOT_FOUND')).message, /wait: true/);
    await refusedWith(get('no-such-project', 'x', 'a'), 'NOT_FOUND');
    await refusedWith(list('no-such-project', 'a'), 'NOT_FOUND');
    await refusedWith(get(p, 'visible', 'stranger'), 'NOT_FOUND');
    await refusedWith(list(p, 'stranger'), 'NOT_FOUND');
    await refusedWith(store({ project_id: p, resource_id: 'mine', agent_name: 'stranger', content: 'x' }), 'NOT_FOUND');
    await refusedWith(store({ project_id: 'no-such-project', resource_id: 'mine', agent_name: 'a', content: 'x' }), 'NOT_FOUND');
    await refusedWith(c.call('resource.delete', { project_id: p, resource_id: 'nothing', agent_name: 'a' }), 'NOT_FOUND');
    assert.equal((await list(p, 'operator')).total, 2);
  });
});

describe('permissions', () => {
  test('the matrix: named readers and writers, "*", the unlisted, the creator always, the operator', async () => {
    const p = await project('creator', 'reader', 'writer', 'both', 'outsider');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'creator', content: 'v1', permissions: { read: ['reader', 'both'], write: ['writer', 'both'] } });
    const readable = async (who: string) => {
      const outcome = await get(p, 'doc', who).then(
        () => 'ok',
        (e: RpcCallError) => e.appCode,
      );
      const listed = (await list(p, who)).resources.some((r) => r.resource_id === 'doc');
      assert.equal(listed, outcome === 'ok', `${who}: list agrees with get`);
      return outcome;
    };
    const writable = async (who: string) =>
      store({ project_id: p, resource_id: 'doc', agent_name: who, content: `by ${who}` }).then(
        () => 'ok',
        (e: RpcCallError) => e.appCode,
      );
    assert.deepEqual(
      await Promise.all(['creator', 'reader', 'writer', 'both', 'outsider', 'operator'].map(readable)),
      ['ok', 'ok', 'PERMISSION_DENIED', 'ok', 'PERMISSION_DENIED', 'ok'],
    );
    const denied = await refusedWith(get(p, 'doc', 'outsider'), 'PERMISSION_DENIED');
    assert.match(denied.message, /creator, reader, both/);
    const before = await get(p, 'doc', 'creator');
    assert.equal(await writable('reader'), 'PERMISSION_DENIED');
    assert.equal(await writable('outsider'), 'PERMISSION_DENIED');
    const unchanged = await get(p, 'doc', 'creator');
    assert.deepEqual(unchanged, before, 'a refused write changes nothing');
    assert.equal(await writable('writer'), 'ok');
    assert.equal(await writable('both'), 'ok');
    assert.equal(await writable('creator'), 'ok');
    assert.equal(await writable('operator'), 'ok');
    const after = await get(p, 'doc', 'creator');
    assert.equal(after.manifest.version, 5);
    assert.equal(after.content, 'by operator');
    assert.equal(after.manifest.updated_by, 'operator');
    assert.equal(after.manifest.creator_agent, 'creator');
  });

  test("'*' lets every member read or write; an empty read list leaves only the creator", async () => {
    const p = await project('creator', 'x', 'y');
    await store({ project_id: p, resource_id: 'open', agent_name: 'creator', content: 'v1', permissions: { read: ['*'], write: ['*'] } });
    await store({ project_id: p, resource_id: 'open', agent_name: 'x', content: 'by x' });
    assert.equal((await get(p, 'open', 'y')).content, 'by x');
    await store({ project_id: p, resource_id: 'closed', agent_name: 'creator', content: 'mine', permissions: { read: [], write: [] } });
    assert.equal((await get(p, 'closed', 'creator')).content, 'mine', 'the creator always reads');
    await store({ project_id: p, resource_id: 'closed', agent_name: 'creator', content: 'still mine' });
    assert.equal((await get(p, 'closed', 'creator')).content, 'still mine', 'the creator always writes');
    await refusedWith(get(p, 'closed', 'x'), 'PERMISSION_DENIED');
    assert.deepEqual(
      (await list(p, 'x')).resources.map((r) => r.resource_id),
      ['open'],
    );
  });

  test('only the creator or the operator may change permissions; a writer may store them unchanged', async () => {
    const p = await project('creator', 'writer', 'other');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'creator', content: 'v1', permissions: { read: ['*'], write: ['writer'] } });
    const before = await get(p, 'doc', 'creator');
    const widen = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'writer', content: 'v2', permissions: { write: ['writer', 'other'] } }), 'PERMISSION_DENIED');
    assert.match(widen.message, /only the creator \(creator\)/);
    await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'writer', content: 'v2', permissions: { read: ['writer'] } }), 'PERMISSION_DENIED');
    assert.deepEqual(await get(p, 'doc', 'creator'), before, 'nothing of the refused stores was written');
    const same = await store({ project_id: p, resource_id: 'doc', agent_name: 'writer', content: 'v2', permissions: { read: ['*', '*'], write: ['writer'] } });
    assert.equal(same.version, 2);
    await store({ project_id: p, resource_id: 'doc', agent_name: 'creator', content: 'v3', permissions: { write: ['other'] } });
    assert.deepEqual((await get(p, 'doc', 'other')).manifest.permissions, { read: ['*'], write: ['other'] }, 'a partial change keeps the other list');
    await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'writer', content: 'v4' }), 'PERMISSION_DENIED');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'other', content: 'v4' });
    await store({ project_id: p, resource_id: 'doc', agent_name: 'operator', content: 'v5', permissions: { read: ['creator'], write: [] } });
    assert.deepEqual((await get(p, 'doc', 'creator')).manifest.permissions, { read: ['creator'], write: [] });
    await refusedWith(get(p, 'doc', 'other'), 'PERMISSION_DENIED');
  });

  test('the operator can create resources; agents read them by default and cannot write them', async () => {
    const p = await project('a');
    await store({ project_id: p, resource_id: 'brief', agent_name: 'operator', content: 'from the human' });
    const got = await get(p, 'brief', 'a');
    assert.equal(got.manifest.creator_agent, 'operator');
    assert.deepEqual(got.manifest.permissions, { read: ['*'], write: ['operator'] });
    await refusedWith(store({ project_id: p, resource_id: 'brief', agent_name: 'a', content: 'mine now' }), 'PERMISSION_DENIED');
  });
});

describe('versions and races', () => {
  test('if_version: the expected version stores; a stale one is a CONFLICT naming the current version and its writer', async () => {
    const p = await project('a', 'b');
    await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'x', if_version: 3 }), 'CONFLICT');
    const created = await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'v1', if_version: 0, permissions: { write: ['*'] } });
    assert.equal(created.version, 1);
    const exists = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'b', content: 'again', if_version: 0 }), 'CONFLICT');
    assert.match(exists.message, /version 1, last written by a/);
    await store({ project_id: p, resource_id: 'doc', agent_name: 'b', content: 'v2', if_version: 1 });
    const stale = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'lost update', if_version: 1 }), 'CONFLICT');
    assert.match(stale.message, /version 2, last written by b/);
    assert.match(stale.message, /if_version 2/);
    assert.deepEqual({ ...(stale.data as object), updated_at: undefined }, { code: 'CONFLICT', resource_id: 'doc', current_version: 2, updated_by: 'b', updated_at: undefined });
    assert.equal((await get(p, 'doc', 'a')).content, 'v2');
    await invalidParams(c.callRaw('resource.store', { project_id: p, resource_id: 'doc', agent_name: 'a', name: 'n', content: 'x', if_version: -1 }));
    await invalidParams(c.callRaw('resource.store', { project_id: p, resource_id: 'doc', agent_name: 'a', name: 'n', content: 'x', if_version: 1.5 }));
  });

  test('two clients storing with the same if_version at once: exactly one wins, the other gets CONFLICT and wrote nothing', async () => {
    const p = await project('a', 'b');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'base', permissions: { write: ['*'] } });
    const seqBefore = (await c.call('system.info')).event_seq;
    for (let round = 0; round < 10; round += 1) {
      const version = (await get(p, 'doc', 'a')).manifest.version;
      const clients = [await daemon.client(), await daemon.client()];
      const outcomes = await Promise.allSettled(
        clients.map((client, i) => store({ project_id: p, resource_id: 'doc', agent_name: i === 0 ? 'a' : 'b', content: `round ${round} by ${i}`, if_version: version }, client)),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1, `round ${round}: exactly one winner`);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal((lost.reason as RpcCallError).appCode, 'CONFLICT');
      const now = await get(p, 'doc', 'a');
      assert.equal(now.manifest.version, version + 1);
      assert.equal(now.content, `round ${round} by ${won[0]}`);
      for (const client of clients) await client.close();
    }
    const stored = (await c.call('events.list', { after: seqBefore, types: ['resource.stored'] })).events.filter((e) => e.subject === p);
    assert.equal(stored.length, 10, 'one event per winning store, none for the losers');
  });

  test('concurrent stores without if_version each get their own version', async () => {
    const p = await project('a');
    const clients = await Promise.all(Array.from({ length: 8 }, () => daemon.client()));
    const results = await Promise.all(clients.map((client, i) => store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: `${i}` }, client)));
    assert.deepEqual(
      results.map((r) => r.version).sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    for (const client of clients) await client.close();
  });
});

describe('limits and bad content', () => {
  test('content over resource_max_bytes is refused with the limit in the message, and the old version stays', async () => {
    const p = await project('a');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'small' });
    await c.call('config.set', { key: 'resource_max_bytes', value: 1024 });
    try {
      const big = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'x'.repeat(1025) }), 'LIMIT_EXCEEDED');
      assert.match(big.message, /1024/);
      assert.equal((big.data as { limit: number }).limit, 1024);
      await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: '€'.repeat(342) }), 'LIMIT_EXCEEDED');
      await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: randomBytes(1025).toString('base64'), encoding: 'base64' }), 'LIMIT_EXCEEDED');
      await refusedWith(store({ project_id: p, resource_id: 'new', agent_name: 'a', content: 'x'.repeat(5000) }), 'LIMIT_EXCEEDED');
      const got = await get(p, 'doc', 'a');
      assert.equal(got.content, 'small');
      assert.equal(got.manifest.version, 1);
      await refusedWith(get(p, 'new', 'a'), 'NOT_FOUND');
      const exact = randomBytes(1024).toString('base64');
      assert.ok(exact.length > 1024, 'the encoded text is longer than the limit');
      assert.equal((await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: exact, encoding: 'base64' })).size_bytes, 1024, 'the decoded size counts');
    } finally {
      await c.call('config.set', { key: 'resource_max_bytes', value: 512 * 1024 });
    }
    const large = 'y'.repeat(512 * 1024);
    await store({ project_id: p, resource_id: 'large', agent_name: 'a', content: large });
    assert.equal((await get(p, 'large', 'a')).content, large);
    await refusedWith(store({ project_id: p, resource_id: 'larger', agent_name: 'a', content: `${large}y` }), 'LIMIT_EXCEEDED');
  });

  test('base64 that does not decode cleanly is refused and nothing is stored', async () => {
    const p = await project('a');
    for (const bad of ['abc', 'ab!d', 'QR==', 'YWJj\n', 'YW Jj', '====', 'YWJj=', '-_-_', 'YQ']) {
      const error = await refusedWith(store({ project_id: p, resource_id: 'bin', agent_name: 'a', content: bad, encoding: 'base64' }), 'INVALID');
      assert.match(error.message, /not valid base64/, bad);
    }
    assert.match((await refusedWith(store({ project_id: p, resource_id: 'bin', agent_name: 'a', content: 'ab!d', encoding: 'base64' }), 'INVALID')).message, /"!" at offset 2/);
    assert.equal((await list(p, 'a')).total, 0);
    await invalidParams(c.callRaw('resource.store', { project_id: p, resource_id: 'bin', agent_name: 'a', name: 'n', content: 'YQ==', encoding: 'hex' }));
  });
});

describe('waiting for a resource', () => {
  test('wait: true parks until another client stores it, then answers with it', async () => {
    const p = await project('producer', 'consumer');
    const waiter = await daemon.client();
    let settled = false;
    const waiting = arrived(waiter.call('resource.get', { project_id: p, resource_id: 'result', agent_name: 'consumer', wait: true, timeout_seconds: 60 })).finally(() => (settled = true));
    await waiter.call('system.ping');
    await store({ project_id: p, resource_id: 'other', agent_name: 'producer', content: 'not this one' });
    await waiter.call('system.ping');
    assert.equal(settled, false, 'still waiting: neither nothing nor another resource wakes it');
    const producer = await daemon.client();
    await store({ project_id: p, resource_id: 'result', agent_name: 'producer', content: 'done' }, producer);
    const got = await waiting;
    assert.equal(got.content, 'done');
    assert.equal(got.manifest.version, 1);
    assert.ok(got.waited_ms >= 0);
  });

  test('wait on a resource that exists answers at once; a wait that runs out is a TIMEOUT', async () => {
    const p = await project('a');
    await store({ project_id: p, resource_id: 'there', agent_name: 'a', content: 'x' });
    const now = await arrived(c.call('resource.get', { project_id: p, resource_id: 'there', agent_name: 'a', wait: true }));
    assert.equal(now.content, 'x');
    assert.equal(now.waited_ms, 0);
    const timeout = await c.call('resource.get', { project_id: p, resource_id: 'never', agent_name: 'a', wait: true, timeout_seconds: 0.2 });
    assert.equal(timeout.timed_out, true);
    assert.match((timeout as { message: string }).message, /never/);
    assert.deepEqual([(timeout as { resource_id: string }).resource_id, 'manifest' in timeout], ['never', false]);
    await invalidParams(c.callRaw('resource.get', { project_id: p, resource_id: 'never', agent_name: 'a', wait: true, timeout_seconds: 3601 }));
  });

  test('a wait ends with PERMISSION_DENIED when the resource appears unreadable, and NOT_FOUND when the project is deleted', async () => {
    const p = await project('a', 'b');
    const denied = arrived(c.call('resource.get', { project_id: p, resource_id: 'secret', agent_name: 'b', wait: true, timeout_seconds: 60 }));
    await c.call('system.ping');
    await store({ project_id: p, resource_id: 'secret', agent_name: 'a', content: 'x', permissions: { read: [] } });
    await refusedWith(denied, 'PERMISSION_DENIED');
    const gone = arrived(c.call('resource.get', { project_id: p, resource_id: 'later', agent_name: 'b', wait: true, timeout_seconds: 60 }));
    await c.call('system.ping');
    await c.call('project.delete', { project_id: p });
    await refusedWith(gone, 'NOT_FOUND');
  });
});

describe('delete', () => {
  test('only the creator (or the operator) deletes; a writer may not', async () => {
    const p = await project('creator', 'writer');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'creator', content: 'x', permissions: { write: ['writer'] } });
    const refused = await refusedWith(c.call('resource.delete', { project_id: p, resource_id: 'doc', agent_name: 'writer' }), 'PERMISSION_DENIED');
    assert.match(refused.message, /Only the creator can delete this resource/);
    assert.equal((await get(p, 'doc', 'writer')).content, 'x');
    assert.deepEqual(await c.call('resource.delete', { project_id: p, resource_id: 'doc', agent_name: 'creator' }), { deleted: true, resource_id: 'doc' });
    await refusedWith(get(p, 'doc', 'creator'), 'NOT_FOUND');
    await refusedWith(c.call('resource.delete', { project_id: p, resource_id: 'doc', agent_name: 'creator' }), 'NOT_FOUND');
    assert.deepEqual(
      (await eventsOf('resource.deleted', p)).map((e) => e.data),
      [{ resource_id: 'doc', by: 'creator' }],
    );
    const recreated = await store({ project_id: p, resource_id: 'doc', agent_name: 'writer', content: 'new' });
    assert.equal(recreated.version, 1);
    assert.equal(recreated.created, true);
    await c.call('resource.delete', { project_id: p, resource_id: 'doc', agent_name: 'operator' });
    assert.equal((await list(p, 'operator')).total, 0);
  });

  test('an archived project is read-only: store and delete are CONFLICT, get and list still work', async () => {
    const p = await project('a');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'kept' });
    await c.call('project.archive', { project_id: p });
    const refused = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'changed' }), 'CONFLICT');
    assert.match(refused.message, /archived/);
    await refusedWith(store({ project_id: p, resource_id: 'new', agent_name: 'a', content: 'x' }), 'CONFLICT');
    await refusedWith(c.call('resource.delete', { project_id: p, resource_id: 'doc', agent_name: 'a' }), 'CONFLICT');
    const got = await get(p, 'doc', 'a');
    assert.equal(got.content, 'kept');
    assert.equal(got.manifest.version, 1);
    assert.equal((await list(p, 'a')).total, 1);
  });

  test('project.delete removes its resources', async () => {
    const p = await project('a');
    await store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'x' });
    await store({ project_id: p, resource_id: 'bin', agent_name: 'a', content: 'AAEC', encoding: 'base64' });
    await c.call('project.delete', { project_id: p });
    await c.call('project.create', { project_id: p, name: 'reborn' });
    assert.equal((await list(p, 'operator')).total, 0);
    await refusedWith(get(p, 'doc', 'operator'), 'NOT_FOUND');
  });
});

describe('hostile input', () => {
  test('bad identifiers, permission names, fields and types are refused before anything is stored', async () => {
    const p = await project('a');
    const ok = { project_id: p, resource_id: 'doc', agent_name: 'a', name: 'n', content: 'x' };
    const badIds = ['../etc', 'a/b', '..', 'has space', 'x'.repeat(300), '', "x'; DROP TABLE resources;--", 'dot.ted', 'nul\u0000'];
    for (const bad of badIds) {
      await invalidParams(c.callRaw('resource.store', { ...ok, resource_id: bad }));
      await invalidParams(c.callRaw('resource.store', { ...ok, project_id: bad }));
      await invalidParams(c.callRaw('resource.store', { ...ok, agent_name: bad }));
      await invalidParams(c.callRaw('resource.store', { ...ok, permissions: { read: [bad] } }));
      await invalidParams(c.callRaw('resource.store', { ...ok, permissions: { write: ['a', bad] } }));
      await invalidParams(c.callRaw('resource.get', { project_id: p, resource_id: bad, agent_name: 'a' }));
      await invalidParams(c.callRaw('resource.delete', { project_id: p, resource_id: bad, agent_name: 'a' }));
    }
    let deep: unknown = 'a';
    for (let i = 0; i < 100; i += 1) deep = [deep];
    const wrong: Array<Record<string, unknown>> = [
      { ...ok, permissions: { read: deep } },
      { ...ok, permissions: { read: '*' } },
      { ...ok, permissions: { read: ['*'], admin: ['a'] } },
      { ...ok, permissions: { read: Array.from({ length: 1001 }, () => 'a') } },
      { ...ok, content: 42 },
      { ...ok, content: { nested: deep } },
      { ...ok, name: '' },
      { ...ok, name: 'n'.repeat(201) },
      { ...ok, description: 'd'.repeat(5001) },
      { ...ok, mime_type: 'not a mime type' },
      { ...ok, mime_type: 'text/plain\r\nX-Evil: 1' },
      { ...ok, extra: true },
      { ...ok, encoding: 'utf-16' },
    ];
    for (const params of wrong) await invalidParams(c.callRaw('resource.store', params));
    await invalidParams(c.callRaw('resource.get', { resource_id: 'doc', agent_name: 'a' }));
    await invalidParams(c.callRaw('resource.get', { project_id: p, resource_id: 'doc', agent_name: 'a', wait: 'yes' }));
    await invalidParams(c.callRaw('resource.list', { agent_name: 'a' }));
    // The operator may leave itself out: it reads as `operator`.
    await refusedWith(c.callRaw('resource.get', { project_id: p, resource_id: 'doc' }), 'NOT_FOUND');
    assert.equal(((await c.callRaw('resource.list', { project_id: p })) as { total: number }).total, 0);
    assert.equal((await list(p, 'a')).total, 0, 'nothing was stored');
    const named = 'x'.repeat(256);
    await c.call('project.join', { project_id: p, agent_name: named, client_id: 'long-name' });
    await store({ project_id: p, resource_id: named, agent_name: named, content: 'longest names work', mime_type: 'application/json; charset=utf-8', permissions: { read: [named], write: [named] } });
    assert.equal((await get(p, named, named)).content, 'longest names work');
    assert.equal((await get(p, named, named)).manifest.mime_type, 'application/json; charset=utf-8');
  });

  test('permissions too large to keep are LIMIT_EXCEEDED', async () => {
    const p = await project('a');
    const names = Array.from({ length: 1000 }, (_, i) => `${'n'.repeat(200)}${i}`);
    const error = await refusedWith(store({ project_id: p, resource_id: 'doc', agent_name: 'a', content: 'x', permissions: { read: names, write: names } }), 'LIMIT_EXCEEDED');
    assert.match(error.message, /permissions/);
    assert.equal((await list(p, 'a')).total, 0);
  });

  test('the contract offers every method to MCP with Brainstorm tool names', async () => {
    const { methods } = await c.call('system.methods');
    const tools = Object.fromEntries(methods.filter((m) => m.name.startsWith('resource.')).map((m) => [m.name, m.mcp_tool]));
    assert.deepEqual(tools, { 'resource.delete': 'delete_resource', 'resource.get': 'get_resource', 'resource.list': 'list_resources', 'resource.store': 'store_resource' });
  });
});
