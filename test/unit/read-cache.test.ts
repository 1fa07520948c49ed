// The rows kept in memory (sessions by id, memberships) never disagree with the database: writes drop them, rollbacks leave none.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'brc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => Store.open(join(dir, `cache${++n}.sqlite`));
const now = () => new Date().toISOString();

function withSession(store: Store, sessionId: string): void {
  store.sessions.ensureClient('client-a', '/work/a', now());
  store.sessions.ensureClient('client-b', '/work/b', now());
  store.sessions.insert({
    session_id: sessionId,
    client_id: 'client-a',
    tool: 'claude-code',
    working_directory: '/work/a',
    pid: null,
    transcript_path: null,
    label: null,
    state: 'active',
    started_at: now(),
    last_seen: now(),
    ended_at: null,
    end_reason: null,
  });
}

function withMember(store: Store, projectId: string, agentName: string, clientId: string): void {
  if (!store.projects.exists(projectId)) {
    store.projects.insert({ project_id: projectId, name: projectId, description: null, context: '{}', created_by: 'operator', created_at: now(), archived_at: null, archive_reason: null });
  }
  store.projects.insertMember({ project_id: projectId, agent_name: agentName, agent_id: agentName, client_id: clientId, role: 'contributor', capabilities: '[]', labels: '[]', joined_at: now(), last_seen: now() });
}

test('a session read again after each kind of write shows the write', () => {
  const store = fresh();
  withSession(store, 's1');
  assert.equal(store.sessions.get('s1')?.state, 'active');
  store.sessions.setState('s1', 'idle');
  assert.equal(store.sessions.get('s1')?.state, 'idle');
  store.sessions.setIdentity('s1', 'client-b', true);
  assert.equal(store.sessions.get('s1')?.client_id, 'client-b');
  store.sessions.describe('s1', 'codex', 'review', null);
  assert.equal(store.sessions.get('s1')?.tool, 'codex');
  store.sessions.end('s1', now(), 'test over');
  assert.equal(store.sessions.get('s1')?.state, 'gone');
  assert.equal(store.sessions.get('s1')?.end_reason, 'test over');
  store.close();
});

test('a write rolled back leaves the committed session, whether it was read before, inside or after the transaction', () => {
  const store = fresh();
  withSession(store, 's1');
  assert.equal(store.sessions.get('s1')?.state, 'active');
  assert.throws(() =>
    store.transaction(() => {
      store.sessions.setState('s1', 'idle');
      assert.equal(store.sessions.get('s1')?.state, 'idle', 'the transaction sees its own write');
      throw new Error('roll back');
    }),
    /^Error: roll back$/,
  );
  assert.equal(store.sessions.get('s1')?.state, 'active');
  store.close();
});

test('a kept session cannot be changed by a reader', () => {
  const store = fresh();
  withSession(store, 's1');
  const row = store.sessions.get('s1')!;
  assert.equal(store.sessions.get('s1'), row, 'the second read is the kept row');
  assert.throws(() => {
    (row as { state: string }).state = 'gone';
  }, TypeError);
  assert.equal(store.sessions.get('s1')?.state, 'active');
  store.close();
});

test('memberships follow joins, leaves, role changes, archives and deletes, and a rollback leaves none behind', () => {
  const store = fresh();
  withSession(store, 's1');
  assert.deepEqual(store.projects.membershipsOfClient('client-a'), []);
  withMember(store, 'shop', 'alice', 'client-a');
  assert.deepEqual(store.projects.membershipsOfClient('client-a').map((m) => m.agent_name), ['alice']);
  assert.equal(store.projects.member('shop', 'alice')?.role, 'contributor');
  store.projects.setRole('shop', 'alice', 'coordinator');
  assert.equal(store.projects.member('shop', 'alice')?.role, 'coordinator');
  assert.equal(store.projects.membershipsOfClient('client-a')[0]?.role, 'coordinator');
  store.projects.archive('shop', now(), 'done');
  assert.notEqual(store.projects.membershipsOfClient('client-a')[0]?.archived_at, null);
  assert.throws(() =>
    store.transaction(() => {
      store.projects.removeMember('shop', 'alice');
      assert.equal(store.projects.member('shop', 'alice'), null);
      throw new Error('roll back');
    }),
    /^Error: roll back$/,
  );
  assert.equal(store.projects.member('shop', 'alice')?.agent_name, 'alice');
  assert.equal(store.projects.membershipsOfClient('client-a').length, 1);
  store.projects.removeMember('shop', 'alice');
  assert.equal(store.projects.member('shop', 'alice'), null);
  assert.deepEqual(store.projects.membershipsOfClient('client-a'), []);
  withMember(store, 'shop', 'alice', 'client-a');
  store.projects.delete('shop');
  assert.deepEqual(store.projects.membershipsOfClient('client-a'), [], 'a deleted project takes its members with it');
  store.close();
});
