// Why this exists: the arguments brains takes for Brainstorm (created_by, reason, etag, source_path, offset, limit, ack)
// are new ways in; each is tried with the wrong type, left out, oversized and hostile, through `brains mcp`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHttp } from '../helpers/mcp-http.js';
import { call, callErrorBody, errorBodyOf, openMcp, type Mcp } from '../helpers/mcp-stdio.js';
import { withDaemon } from '../helpers/with-daemon.js';

const P = 'bad-input';

describe('Brainstorm arguments: bad input', () => {
  const { daemon, client: admin } = withDaemon({ env: { BRAINS_MCP_PORT: '0' } });
  let agent: Mcp;
  let other: Mcp;
  let outside: string;
  before(async () => {
    agent = await openMcp(daemon);
    other = await openMcp(daemon);
    await call(agent, 'create_project', { project_id: P, name: 'Bad input', created_by: 'alice' });
    await call(other, 'join_project', { project_id: P, agent_name: 'bob', working_directory: other.dir });
    outside = mkdtempSync(join(tmpdir(), 'bm-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not yours');
  });
  after(async () => {
    await agent?.close();
    await other?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  test('created_by: the wrong type, a hostile or oversized name, the operator, or a second name that disagrees are refused', async () => {
    for (const created_by of [42, '../etc', 'a b', 'x'.repeat(300), '']) {
      const refused = await callErrorBody(agent, 'create_project', { project_id: 'cb-bad', name: 'n', created_by });
      assert.equal(refused.brains_code, 'INVALID', JSON.stringify(created_by));
      assert.equal(refused.code, 'VALIDATION_ERROR');
      assert.match(refused.error, /agent_name|created_by/);
    }
    assert.equal((await callErrorBody(agent, 'create_project', { project_id: 'cb-op', name: 'n', created_by: 'operator' })).brains_code, 'PERMISSION_DENIED');
    const disagree = await callErrorBody(agent, 'create_project', { project_id: 'cb-two', name: 'n', created_by: 'carol', agent_name: 'dave' });
    assert.equal(disagree.brains_code, 'INVALID');
    assert.match(disagree.error, /created_by and agent_name name the same thing and disagree/);
    assert.equal((await admin.call('project.list', { include_archived: true })).projects.some((p) => p.project_id.startsWith('cb-')), false, 'nothing was created');
  });

  test('created_by is held to the caller: an agent token cannot create a project as another agent', async () => {
    const { token } = await admin.call('mcp.token', { project_id: P, agent_name: 'tok' });
    const tokened = await openMcp(daemon, { env: { BRAINS_AGENT_TOKEN: token } });
    try {
      const refused = await callErrorBody(tokened, 'create_project', { project_id: 'by-token', name: 'n', created_by: 'alice' });
      assert.equal(refused.brains_code, 'PERMISSION_DENIED');
    } finally {
      await tokened.close();
    }
    // The name alice is held by the agent that created P: another agent cannot take it to delete P.
    const spoof = await callErrorBody(other, 'delete_project', { project_id: P, agent_name: 'alice' });
    assert.equal(spoof.brains_code, 'PERMISSION_DENIED');
  });

  test('reason: the wrong type, oversized, or with hidden characters is refused and nothing is archived', async () => {
    await call(agent, 'create_project', { project_id: 'arch', name: 'Arch', created_by: 'alice' });
    for (const reason of [7, 'x'.repeat(2001), 'done\u202e', 'two\nlines']) {
      const refused = await callErrorBody(agent, 'archive_project', { project_id: 'arch', agent_name: 'alice', reason });
      assert.equal(refused.brains_code, 'INVALID', JSON.stringify(reason).slice(0, 40));
    }
    const disagree = await callErrorBody(agent, 'archive_project', { project_id: 'arch', agent_name: 'alice', reason: 'a', archive_reason: 'b' });
    assert.equal(disagree.brains_code, 'INVALID');
    const info = await admin.call('project.info', { project_id: 'arch' });
    assert.ok(info.timed_out === false && !info.project.archived, 'the project is not archived');
  });

  test('etag: the wrong type, empty, oversized, or one that matches nothing is refused without storing', async () => {
    const base = { project_id: P, resource_id: 'doc', name: 'Doc', agent_name: 'alice', content: 'v1' };
    const first = await call(agent, 'store_resource', base);
    for (const etag of [1, '', 'e'.repeat(201), { v: 1 }]) {
      assert.equal((await callErrorBody(agent, 'store_resource', { ...base, content: 'x', etag })).brains_code, 'INVALID', JSON.stringify(etag).slice(0, 40));
    }
    for (const etag of ['1-AAAAAAAAAAAAAAAA', `${first.etag} `, first.etag.toUpperCase()]) {
      const refused = await callErrorBody(agent, 'store_resource', { ...base, content: 'x', etag });
      assert.equal(refused.code, 'ETAG_MISMATCH', etag);
    }
    const none = await callErrorBody(agent, 'store_resource', { ...base, resource_id: 'never-stored', etag: first.etag });
    assert.equal(none.code, 'ETAG_MISMATCH', 'an etag for a resource that does not exist matches nothing');
    assert.match(none.error, /without etag to create it/);
    const got = await call(agent, 'get_resource', { project_id: P, resource_id: 'doc', agent_name: 'alice' });
    assert.deepEqual([got.content, got.manifest.etag], ['v1', first.etag], 'the refused stores changed nothing');
  });

  test('a resource without content is a manifest; an update without content keeps what it had', async () => {
    const manifest = await call(agent, 'store_resource', { project_id: P, resource_id: 'manifest-only', name: 'Only a manifest', agent_name: 'alice', description: 'nothing yet' });
    assert.equal(manifest.size_bytes, 0);
    await call(agent, 'store_resource', { project_id: P, resource_id: 'manifest-only', name: 'Filled', agent_name: 'alice', content: 'body' });
    const renamed = await call(agent, 'store_resource', { project_id: P, resource_id: 'manifest-only', name: 'Renamed', agent_name: 'alice' });
    assert.equal(renamed.size_bytes, 4);
    const got = await call(other, 'get_resource', { project_id: P, resource_id: 'manifest-only', agent_name: 'bob' });
    assert.deepEqual([got.content, got.manifest.name, got.manifest.version], ['body', 'Renamed', 3]);
  });

  test('source_path stores a file from the working directory, text or binary', async () => {
    mkdirSync(join(agent.dir, 'docs'), { recursive: true });
    writeFileSync(join(agent.dir, 'docs', 'api.md'), '# API\n');
    writeFileSync(join(agent.dir, 'logo.bin'), Buffer.from([0, 255, 1, 254]));
    const text = await call(agent, 'store_resource', { project_id: P, resource_id: 'api-doc', name: 'API', agent_name: 'alice', source_path: 'docs/api.md' });
    assert.equal(text.storage_type, 'inline');
    assert.equal((await call(other, 'get_resource', { project_id: P, resource_id: 'api-doc', agent_name: 'bob' })).content, '# API\n');
    await call(agent, 'store_resource', { project_id: P, resource_id: 'logo', name: 'Logo', agent_name: 'alice', source_path: join(agent.dir, 'logo.bin') });
    const logo = await call(other, 'get_resource', { project_id: P, resource_id: 'logo', agent_name: 'bob' });
    assert.deepEqual([logo.manifest.encoding, logo.content], ['base64', Buffer.from([0, 255, 1, 254]).toString('base64')]);
  });

  test('source_path outside the working directory, through a symlink, missing, a directory, or too big is refused', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(agent.dir, 'link-out'));
    symlinkSync(outside, join(agent.dir, 'dir-out'));
    const store = (source_path: unknown) => callErrorBody(agent, 'store_resource', { project_id: P, resource_id: 'leak', name: 'Leak', agent_name: 'alice', source_path });
    for (const path of ['../../etc/passwd', '/etc/passwd', join(outside, 'secret.txt'), 'link-out', 'dir-out/secret.txt', `${agent.dir}/../${outside.split('/').pop()}/secret.txt`]) {
      const refused = await store(path);
      assert.equal(refused.code, 'PATH_TRAVERSAL_DETECTED', path);
      assert.equal(refused.brains_code, 'INVALID');
      assert.match(refused.error, /outside your working directory/);
    }
    assert.equal((await store('no-such-file.txt')).code, 'FILE_NOT_FOUND');
    mkdirSync(join(agent.dir, 'a-dir'), { recursive: true });
    assert.equal((await store('a-dir')).code, 'INVALID_PATH');
    assert.equal((await store('.')).code, 'PATH_TRAVERSAL_DETECTED', 'the working directory itself is not a file in it');
    assert.equal((await store('bad\u0000name')).code, 'INVALID_PATH');
    assert.equal((await store(42)).brains_code, 'INVALID');
    assert.equal((await store('')).brains_code, 'INVALID');
    assert.equal((await store('p'.repeat(5000))).brains_code, 'INVALID');
    writeFileSync(join(agent.dir, 'big.txt'), 'x'.repeat(3 * 1024 * 1024));
    const huge = await store('big.txt');
    assert.deepEqual([huge.code, huge.brains_code], ['PAYLOAD_TOO_LARGE', 'LIMIT_EXCEEDED']);
    writeFileSync(join(agent.dir, 'medium.txt'), 'x'.repeat(600 * 1024));
    const overLimit = await store('medium.txt');
    assert.equal(overLimit.brains_code, 'LIMIT_EXCEEDED', 'resource_max_bytes applies as to content');
    const both = await callErrorBody(agent, 'store_resource', { project_id: P, resource_id: 'leak', name: 'Leak', agent_name: 'alice', content: 'x', source_path: 'docs/api.md' });
    assert.match(both.error, /content or source_path, not both/);
    const stored = await admin.call('resource.list', { project_id: P, agent_name: 'operator' });
    assert.equal(stored.resources.some((r) => r.resource_id === 'leak'), false, 'nothing was stored');
  });

  test('source_path over MCP HTTP, which has no working directory, is refused with what to do instead', async () => {
    const url = (await admin.call('system.info')).mcp_url!;
    const http = await openHttp(url, readFileSync(daemon.paths.adminKey, 'utf8').trim());
    try {
      const result = await http.client.callTool({ name: 'store_resource', arguments: { project_id: P, resource_id: 'over-http', name: 'x', agent_name: 'alice', source_path: '/etc/hostname' } });
      assert.equal(result.isError, true);
      const body = errorBodyOf(result.content as Array<{ text: string }>);
      assert.equal(body.code, 'SOURCE_PATH_UNSUPPORTED');
      assert.match(body.error, /pass the file's text as content/);
    } finally {
      await http.client.close();
    }
  });

  test('offset, limit and ack: the wrong type or out of range is refused; a huge limit is capped', async () => {
    const receive = (args: Record<string, unknown>) => callErrorBody(other, 'receive_messages', { project_id: P, agent_name: 'bob', ...args });
    for (const args of [{ offset: -1 }, { offset: 1.5 }, { offset: 'x' }, { limit: 0 }, { limit: -5 }, { limit: 2.5 }, { limit: '10' }, { ack: 'sometimes' }, { ack: true }]) {
      const refused = await receive(args);
      assert.equal(refused.brains_code, 'INVALID', JSON.stringify(args));
      assert.match(refused.error, new RegExp(Object.keys(args)[0]!));
    }
    await call(agent, 'send_message', { project_id: P, from_agent: 'alice', to_agent: 'bob', reply_expected: false, payload: 'one' });
    const capped = await call(other, 'receive_messages', { project_id: P, agent_name: 'bob', limit: 1_000_000, offset: 0 });
    assert.deepEqual(capped.pagination, { offset: 0, limit: 1000, returned: 1 });
    const beyond = await call(other, 'receive_messages', { project_id: P, agent_name: 'bob', offset: 1_000_000 });
    assert.equal(beyond.count, 0);
  });
});
