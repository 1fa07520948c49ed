// Why this exists: an agent prompted for Brainstorm must work unchanged through `brains mcp`. This is the scenario of
// Brainstorm's README, two agents in their own directories, called with Brainstorm's argument names (agent_name,
// from_agent, working_directory spelled out as its README does) and checked for the keys Brainstorm's answers carry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, callErrorBody, openMcp, type Mcp, type Structured } from '../helpers/mcp-stdio.js';
import { withDaemon } from '../helpers/with-daemon.js';

const P = 'api-redesign';

function hasKeys(value: Structured, keys: string[], what: string): void {
  for (const key of keys) assert.ok(key in value, `${what} has ${key}: ${JSON.stringify(value).slice(0, 400)}`);
}

async function prompt(mcp: Mcp, name: string): Promise<string> {
  const result = await mcp.client.getPrompt({ name });
  assert.equal(result.messages.length, 1, name);
  const content = result.messages[0]!.content;
  assert.equal(content.type, 'text', name);
  return content.type === 'text' ? content.text : '';
}

describe('Brainstorm README scenario through brains mcp', () => {
  const { daemon } = withDaemon();
  let backend: Mcp;
  let frontend: Mcp;
  let etag: string;
  before(async () => {
    backend = await openMcp(daemon);
    frontend = await openMcp(daemon);
  });
  after(async () => {
    await backend?.close();
    await frontend?.close();
  });

  test('create with created_by, join from each working directory, and see each other', async () => {
    const created = await call(backend, 'create_project', {
      project_id: P,
      name: 'API Redesign Coordination',
      description: 'Coordinate frontend and backend for API v2',
      context: { goal: 'Migrate from REST to GraphQL', timeline: '2 weeks' },
      created_by: 'backend',
    });
    hasKeys(created, ['success', 'project_id', 'message'], 'create_project');
    assert.equal(created.success, true);
    assert.equal(created.project_id, P);

    const joined = await call(backend, 'join_project', { project_id: P, agent_name: 'backend', working_directory: backend.dir, capabilities: ['fastapi'], labels: { team: 'api' } });
    hasKeys(joined, ['success', 'agent_name', 'agent_id', 'role', 'role_description', 'message'], 'join_project');
    assert.equal(joined.role, 'coordinator', 'the creator is the coordinator, as in Brainstorm');

    const info = await call(frontend, 'get_project_info', { project_id: P, wait: true, timeout_seconds: 5 });
    hasKeys(info, ['project', 'members', 'coordinator', 'waited_ms'], 'get_project_info');
    hasKeys(info.project, ['project_id', 'name', 'description', 'context', 'created_at'], 'project');
    assert.equal(info.project.created_by, 'backend');
    assert.equal(info.coordinator, 'backend');

    const fe = await call(frontend, 'join_project', { project_id: P, agent_name: 'frontend', working_directory: frontend.dir, capabilities: ['react', 'typescript'] });
    assert.equal(fe.role, 'contributor');
    const members = (await call(frontend, 'get_project_info', { project_id: P })).members as Structured[];
    for (const m of members) hasKeys(m, ['agent_name', 'capabilities', 'online', 'last_seen'], 'member');

    const listed = await call(frontend, 'list_projects', { offset: 0, limit: 100, includeArchived: false });
    hasKeys(listed, ['success', 'projects', 'count', 'pagination', 'total', 'offset', 'limit'], 'list_projects');
    assert.deepEqual(listed.pagination, { offset: 0, limit: 100, returned: listed.projects.length });
    assert.equal(listed.count, listed.projects.length);
  });

  test('a direct message is read once: receive_messages acknowledges what it returns', async () => {
    const sent = await call(frontend, 'send_message', {
      project_id: P,
      from_agent: 'frontend',
      to_agent: 'backend',
      reply_expected: true,
      payload: { action: 'review_schema', resource_id: 'proposed-schema' },
      metadata: { priority: 'high', trace_id: 'abc-123' },
    });
    hasKeys(sent, ['success', 'message_id'], 'send_message');
    const got = await call(backend, 'receive_messages', { project_id: P, agent_name: 'backend', wait: true, timeout_seconds: 5 });
    hasKeys(got, ['messages', 'count', 'waited_ms', 'pagination', 'success'], 'receive_messages');
    assert.equal(got.count, 1);
    assert.deepEqual(got.pagination, { offset: 0, limit: 1000, returned: 1 });
    const [message] = got.messages as Structured[];
    hasKeys(message!, ['message_id', 'from_agent', 'to_agent', 'reply_expected', 'payload', 'created_at', 'metadata'], 'message');
    assert.equal(message!.message_id, sent.message_id);
    assert.deepEqual([message!.from_agent, message!.to_agent, message!.reply_expected], ['frontend', 'backend', true]);
    const again = await call(backend, 'receive_messages', { project_id: P, agent_name: 'backend' });
    assert.equal(again.count, 0, 'nothing comes back: no repeats for an agent that never acknowledges');
    const acked = await call(backend, 'acknowledge_message', { project_id: P, agent_name: 'backend', message_id: sent.message_id });
    assert.equal(acked.success, true, 'acknowledging anyway is harmless');
  });

  test('a broadcast reaches every other member; with ack: "manual" it stays until acknowledged', async () => {
    const sent = await call(backend, 'send_message', { project_id: P, from_agent: 'backend', broadcast: true, reply_expected: false, payload: { status: 'schema_updated', version: '2.0' } });
    assert.equal(sent.success, true);
    const manual = await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend', ack: 'manual' });
    assert.equal(manual.count, 1);
    assert.equal(manual.messages[0].to_agent, null);
    assert.equal(manual.acknowledged, false);
    await call(frontend, 'acknowledge_message', { project_id: P, agent_name: 'frontend', message_id: sent.message_id });
    assert.equal((await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend' })).count, 0);
  });

  test('offset and limit page through what is waiting, with Brainstorm\'s pagination', async () => {
    for (let n = 1; n <= 5; n += 1) await call(backend, 'send_message', { project_id: P, from_agent: 'backend', to_agent: 'frontend', reply_expected: false, payload: { n } });
    const page = await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend', offset: 1, limit: 2 });
    assert.deepEqual(page.messages.map((m: Structured) => m.payload.n), [2, 3]);
    assert.deepEqual(page.pagination, { offset: 1, limit: 2, returned: 2 });
    const rest = await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend', limit: 500 });
    assert.deepEqual(rest.messages.map((m: Structured) => m.payload.n), [1, 4, 5], 'a limit over 100 is taken; what the page skipped is still there');
  });

  test('a shared resource is updated with its etag; a stale etag is ETAG_MISMATCH', async () => {
    const stored = await call(backend, 'store_resource', {
      project_id: P,
      resource_id: 'graphql-schema',
      name: 'GraphQL Schema v2',
      description: 'Updated API schema',
      agent_name: 'backend',
      content: 'type Query { a: Int }',
      mime_type: 'text/plain',
      permissions: { read: ['*'], write: ['backend', 'frontend'] },
    });
    hasKeys(stored, ['success', 'resource_id', 'storage_type'], 'store_resource');
    const got = await call(frontend, 'get_resource', { project_id: P, resource_id: 'graphql-schema', agent_name: 'frontend' });
    hasKeys(got, ['manifest', 'content'], 'get_resource');
    hasKeys(got.manifest, ['resource_id', 'name', 'creator_agent', 'created_at', 'size_bytes', 'etag', 'permissions'], 'manifest');
    assert.equal(got.manifest.etag, stored.etag);
    const updated = await call(frontend, 'store_resource', { project_id: P, resource_id: 'graphql-schema', name: 'GraphQL Schema v2', agent_name: 'frontend', content: 'type Query { a: Int, b: Int }', etag: got.manifest.etag });
    assert.notEqual(updated.etag, got.manifest.etag);
    etag = updated.etag;
    const stale = await callErrorBody(backend, 'store_resource', { project_id: P, resource_id: 'graphql-schema', name: 'GraphQL Schema v2', agent_name: 'backend', content: 'mine', etag: got.manifest.etag });
    assert.equal(stale.code, 'ETAG_MISMATCH');
    assert.equal(stale.brains_code, 'CONFLICT');
    assert.equal(stale.details.current_etag, etag);
    assert.match(stale.error, /get_resource/, 'the error says what to do, in tool names');
    const listed = await call(backend, 'list_resources', { project_id: P, agent_name: 'backend', offset: 0, limit: 100 });
    hasKeys(listed, ['success', 'resources', 'count', 'pagination'], 'list_resources');
    assert.equal(listed.resources[0].etag, etag);

    await call(backend, 'store_resource', { project_id: P, resource_id: 'scratch', name: 'Scratch', agent_name: 'backend' });
    const notCreator = await callErrorBody(frontend, 'delete_resource', { project_id: P, resource_id: 'scratch', agent_name: 'frontend' });
    assert.deepEqual([notCreator.code, notCreator.brains_code], ['DELETE_PERMISSION_DENIED', 'PERMISSION_DENIED']);
    const deleted = await call(backend, 'delete_resource', { project_id: P, resource_id: 'scratch', agent_name: 'backend' });
    hasKeys(deleted, ['success', 'message'], 'delete_resource');
  });

  test('heartbeat and status answer with Brainstorm\'s keys', async () => {
    const beat = await call(frontend, 'heartbeat', { project_id: P, agent_name: 'frontend', online: true });
    assert.deepEqual([beat.success, beat.agent_name, beat.online], [true, 'frontend', true]);
    await call(backend, 'send_message', { project_id: P, from_agent: 'backend', to_agent: 'frontend', reply_expected: false, payload: 'unread' });
    const status = await call(frontend, 'status', { working_directory: frontend.dir });
    hasKeys(status, ['client_id', 'working_directory', 'identity_reminder', 'projects', 'total_projects', 'total_unread_messages'], 'status');
    const [row] = status.projects as Structured[];
    hasKeys(row!, ['project_id', 'project_name', 'agent_name', 'role', 'role_description', 'labels', 'joined_at', 'last_seen', 'online', 'unread_messages', 'has_unread'], 'status project');
    assert.deepEqual([row!.unread_messages, row!.has_unread, row!.online], [1, true, true]);
    await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend' });
  });

  test('handover, then the old coordinator leaves; the new one archives with reason', async () => {
    const handed = await call(backend, 'handover_coordinator', { project_id: P, from_agent: 'backend', to_agent: 'frontend' });
    hasKeys(handed, ['success', 'project_id', 'from_agent', 'to_agent', 'message'], 'handover_coordinator');
    await call(frontend, 'send_message', { project_id: P, from_agent: 'frontend', to_agent: 'backend', reply_expected: false, payload: 'bye' });
    const left = await call(backend, 'leave_project', { project_id: P, agent_name: 'backend', working_directory: backend.dir });
    hasKeys(left, ['success', 'project_id', 'archived_messages', 'message'], 'leave_project');
    assert.equal(left.archived_messages, 1, 'the message still waiting for backend is counted');
    assert.equal((await call(frontend, 'get_project_info', { project_id: P })).coordinator, 'frontend');

    const archived = await call(frontend, 'archive_project', { project_id: P, agent_name: 'frontend', reason: 'Migration completed successfully' });
    hasKeys(archived, ['success', 'message', 'archived_at'], 'archive_project');
    assert.equal((await call(frontend, 'get_project_info', { project_id: P })).project.archive_reason, 'Migration completed successfully');
    const readOnly = await callErrorBody(frontend, 'send_message', { project_id: P, from_agent: 'frontend', broadcast: true, reply_expected: false, payload: 'late' });
    assert.deepEqual([readOnly.code, readOnly.brains_code], ['PROJECT_ARCHIVED', 'CONFLICT']);
    assert.match(readOnly.error, /read-only in brains.*create_project/, 'the refusal says what to do instead');
    const exists = await callErrorBody(frontend, 'create_project', { project_id: P, name: 'Again' });
    assert.equal(exists.code, 'PROJECT_EXISTS');
  });

  test('a leaving coordinator passes the role on, and the answer says so in Brainstorm\'s terms', async () => {
    await call(backend, 'create_project', { project_id: 'handoff', name: 'Handoff', created_by: 'backend' });
    await call(frontend, 'join_project', { project_id: 'handoff', agent_name: 'frontend', working_directory: frontend.dir });
    const left = await call(backend, 'leave_project', { project_id: 'handoff', agent_name: 'backend', working_directory: backend.dir });
    assert.equal(left.new_coordinator, 'frontend');
    assert.match(left.message, /role passed to frontend.*handover_coordinator/);
  });

  test('the agent that created a project with created_by may delete it; another member may not', async () => {
    await call(backend, 'create_project', { project_id: 'short-lived', name: 'Short lived', created_by: 'backend' });
    await call(frontend, 'join_project', { project_id: 'short-lived', agent_name: 'frontend', working_directory: frontend.dir });
    const refused = await callErrorBody(frontend, 'delete_project', { project_id: 'short-lived', agent_name: 'frontend' });
    assert.deepEqual([refused.code, refused.brains_code], ['DELETE_PERMISSION_DENIED', 'PERMISSION_DENIED']);
    const deleted = await call(backend, 'delete_project', { project_id: 'short-lived', agent_name: 'backend' });
    hasKeys(deleted, ['success', 'message'], 'delete_project');
  });

  test('waits that run out answer timeout: true and retry: true', async () => {
    const project = await call(frontend, 'get_project_info', { project_id: 'not-yet', wait: true, timeout_seconds: 0.2 });
    assert.deepEqual([project.timeout, project.retry], [true, true]);
    const resource = await call(frontend, 'get_resource', { project_id: P, resource_id: 'not-yet', agent_name: 'frontend', wait: true, timeout_seconds: 0.2 });
    assert.deepEqual([resource.timeout, resource.retry], [true, true]);
    const messages = await call(frontend, 'receive_messages', { project_id: P, agent_name: 'frontend', wait: true, timeout_seconds: 0.2 });
    assert.deepEqual([messages.timeout, messages.retry, messages.count], [true, true, 0]);
    hasKeys(messages, ['messages', 'waited_ms', 'pagination', 'message'], 'receive_messages after a timeout');
  });

  test('every prompt works with no arguments, for an agent in no project, in one, and in several', async () => {
    const stranger = await openMcp(daemon);
    try {
      for (const name of ['list', 'status', 'create', 'join', 'broadcast', 'review', 'share', 'discuss', 'leave', 'archive']) {
        const text = await prompt(frontend, name);
        assert.ok(text.length > 40, `${name}: ${text}`);
        assert.doesNotMatch(text, /could not read the current state/, name);
        const fresh = await prompt(stranger, name);
        assert.doesNotMatch(fresh, /could not read the current state/, `${name} for an agent in no project`);
      }
      assert.match(await prompt(stranger, 'create'), /What should the new project be called/);
      assert.match(await prompt(stranger, 'broadcast'), /has not joined a project yet/);
      assert.match(await prompt(stranger, 'status'), /Status for /);
      assert.match(await prompt(frontend, 'review'), /Which project is this about\? This session is in 2: /, 'several projects: the prompt asks which');
      await call(stranger, 'join_project', { project_id: 'handoff', agent_name: 'tester', working_directory: stranger.dir });
      const review = await prompt(stranger, 'review');
      assert.match(review, /^# Handoff \(handoff\)/, 'one project: the prompt works on it');
      assert.match(review, /receive_messages with wait: true/, 'with workflow guidance');
      assert.match(await prompt(stranger, 'broadcast'), /What do you want to tell everyone\?/);
      assert.match(await prompt(stranger, 'share'), /What do you want to share\?/);
      assert.match(await prompt(stranger, 'leave'), /leave_project/);
    } finally {
      await stranger.close();
    }
  });
});
