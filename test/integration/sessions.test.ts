// Sessions through the real daemon: the welcome packet, identity resumed by working directory, heartbeats, the reaper.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure } from '../helpers/rpc-assert.js';

const { daemon, client: c } = withDaemon();

describe('identity and welcome', () => {
  test('the working directory resumes the identity that worked there; a second agent running beside it is someone else', async () => {
    await c.call('project.create', { project_id: 'wel-a', name: 'Alpha', agent_name: 'frontend', working_directory: '/w/fe' });
    await c.call('project.create', { project_id: 'wel-b', name: 'Beta' });
    await c.call('project.join', { project_id: 'wel-b', agent_name: 'reviewer', working_directory: '/w/fe' });
    const first = await c.call('session.start', { tool: 'claude-code', working_directory: '/w/fe' });
    const second = await c.call('session.start', { tool: 'codex', working_directory: '/w/fe' });
    assert.notEqual(first.client_id, second.client_id, 'the first agent still runs: the second is a new identity');
    assert.equal(second.total_projects, 0);
    assert.deepEqual(second.identity_reminder, []);
    assert.notEqual(first.session_id, second.session_id);
    assert.equal(first.total_projects, 2);
    assert.deepEqual(
      first.projects.map((p) => [p.project_id, p.agent_name, p.role]),
      [
        ['wel-a', 'frontend', 'coordinator'],
        ['wel-b', 'reviewer', 'coordinator'],
      ],
    );
    assert.match(first.identity_reminder[0]!, /In project "Alpha" \(wel-a\): YOU are the "frontend" agent with the "coordinator" role/);
    const other = await c.call('session.status', { working_directory: '/w/elsewhere' });
    assert.notEqual(other.client_id, first.client_id);
    assert.equal(other.total_projects, 0);
    const explicit = await c.call('session.status', { client_id: first.client_id });
    assert.equal(explicit.total_projects, 2);
  });

  test('status needs an identity; relative paths and unknown tools are refused', async () => {
    assert.equal((await failure(c.call('session.status', {}))).appCode, 'INVALID');
    assert.equal((await failure(c.callRaw('session.start', { tool: 'claude-code', working_directory: 'rel/dir' }))).code, -32602);
    assert.equal((await failure(c.callRaw('session.start', { tool: 'vim', working_directory: '/w' }))).code, -32602);
    assert.equal((await failure(c.callRaw('session.start', { tool: 'codex', working_directory: '/w', pid: -5 }))).code, -32602);
  });

  test('bind and agent_name: wrong, oversized and hostile values are refused by name, and nothing stored changes', async () => {
    await c.call('project.create', { project_id: 'badwho', name: 'badwho', agent_name: 'keeper', working_directory: '/w/badwho' });
    const before = await c.call('session.list', {});
    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['session.start', { tool: 'codex', working_directory: '/w/badwho', bind: 'yes' }, /bind/],
      ['session.start', { tool: 'codex', working_directory: '/w/badwho', bind: null }, /bind/],
      ['session.start', { tool: 'codex', agent_name: 'a b' }, /agent_name/],
      ['session.start', { tool: 'codex', agent_name: 'x'.repeat(300) }, /agent_name/],
      ['session.start', { tool: 'codex', agent_name: 42 }, /agent_name/],
      ['session.start', { tool: 'codex', agent_name: "keeper'; DROP TABLE sessions;--" }, /agent_name/],
      ['session.status', { agent_name: '' }, /agent_name/],
      ['session.status', { agent_name: '../../etc/passwd' }, /agent_name/],
      ['session.status', { agent_name: { $ne: null } }, /agent_name/],
      ['session.status', { agent: 'keeper' }, /agent_name|agent/],
    ];
    for (const [method, params, names] of refusals) {
      const error = await failure(c.callRaw(method, params));
      assert.equal(error.code, -32602, `${method} ${JSON.stringify(params).slice(0, 80)}: ${error.message}`);
      assert.match(error.message, names);
    }
    assert.deepEqual(await c.call('session.list', {}), before);
    const keeper = await c.call('session.status', { agent_name: 'keeper', working_directory: '/w/badwho' });
    assert.deepEqual(keeper.projects.map((p) => [p.project_id, p.agent_name]), [['badwho', 'keeper']]);
  });
});

describe('heartbeat, end, list', () => {
  test('heartbeat by session or by member; ending twice is CONFLICT; unknown is NOT_FOUND', async () => {
    const s = await c.call('session.start', { tool: 'gemini', working_directory: '/w/hb' });
    assert.equal((await c.call('session.heartbeat', { session_id: s.session_id })).ok, true);
    await c.call('project.create', { project_id: 'hb', name: 'hb', agent_name: 'solo', working_directory: '/w/hb' });
    assert.equal((await c.call('session.heartbeat', { project_id: 'hb', agent_name: 'solo' })).ok, true);
    assert.equal((await failure(c.call('session.heartbeat', { project_id: 'hb', agent_name: 'ghost' }))).appCode, 'NOT_FOUND');
    assert.equal((await failure(c.call('session.heartbeat', {}))).appCode, 'INVALID');
    await c.call('session.end', { session_id: s.session_id, reason: 'done' });
    assert.equal((await failure(c.call('session.end', { session_id: s.session_id }))).appCode, 'CONFLICT');
    assert.equal((await failure(c.call('session.heartbeat', { session_id: s.session_id }))).appCode, 'CONFLICT');
    assert.equal((await failure(c.call('session.end', { session_id: 'no-such' }))).appCode, 'NOT_FOUND');
    const live = await c.call('session.list', {});
    assert.ok(!live.sessions.some((x) => x.session_id === s.session_id));
    const gone = await c.call('session.list', { state: 'gone' });
    const mine = gone.sessions.find((x) => x.session_id === s.session_id);
    assert.equal(mine?.end_reason, 'done');
  });

  test('session.list shows exactly the declared fields: never an instance secret\'s hash', async () => {
    const bound = await daemon.client();
    const started = await bound.call('session.start', { tool: 'codex', bind: true });
    assert.ok(started.secret, 'a bound start hands out a secret');
    const listed = (await c.call('session.list', {})).sessions.find((x) => x.session_id === started.session_id);
    assert.ok(listed, 'the bound session is listed');
    assert.deepEqual(Object.keys(listed).sort(), ['client_id', 'end_reason', 'ended_at', 'label', 'last_seen', 'pid', 'session_id', 'started_at', 'state', 'tool', 'transcript_path', 'working_directory']);
    await bound.close();
  });
});

describe('presence', () => {
  test('one event per change: started, idle after silence, active when it heartbeats again, never one per heartbeat', async () => {
    await c.call('config.set', { key: 'reaper_interval_seconds', value: 0.2 });
    await c.call('config.set', { key: 'session_idle_seconds', value: 1 });
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const before = (await c.call('system.info')).event_seq;
      const s = await c.call('session.start', { tool: 'codex', working_directory: '/w/presence', pid: alive.pid! });
      await waitFor(async () => (await c.call('session.list', { state: 'idle' })).sessions.some((x) => x.session_id === s.session_id), 15_000, 'idle');
      await c.call('session.heartbeat', { session_id: s.session_id });
      await c.call('session.heartbeat', { session_id: s.session_id });
      await c.call('session.heartbeat', { session_id: s.session_id, online: false });
      await c.call('session.heartbeat', { session_id: s.session_id, online: false });
      await c.call('session.end', { session_id: s.session_id });
      const events = (await c.call('events.list', { after: before, types: ['session.*'], limit: 1000 })).events.filter((e) => e.subject === s.session_id);
      assert.deepEqual(
        events.map((e) => e.type),
        ['session.started', 'session.idle', 'session.active', 'session.idle', 'session.ended'],
      );
    } finally {
      alive.kill('SIGKILL');
      await c.call('config.set', { key: 'session_idle_seconds', value: 60 });
    }
  });
});

describe('the reaper', () => {
  test('a session whose pid dies is reaped with a session.gone event', async () => {
    await c.call('config.set', { key: 'reaper_interval_seconds', value: 0.2 });
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const s = await c.call('session.start', { tool: 'claude-code', working_directory: '/w/reap', pid: child.pid! });
    child.kill('SIGKILL');
    const gone = await c.call('events.wait', { types: ['session.gone'], after: 0, timeout_seconds: 30 }).then(async function next(r): Promise<typeof r> {
      if (r.event?.subject === s.session_id) return r;
      return c.call('events.wait', { types: ['session.gone'], after: r.event!.seq, timeout_seconds: 30 }).then(next);
    });
    assert.match(JSON.stringify(gone.event?.data), /exited/);
    const listed = await c.call('session.list', { state: 'gone' });
    assert.ok(listed.sessions.some((x) => x.session_id === s.session_id));
  });

  test('a silent session without a pid goes idle, then gone; one whose pid lives is kept (an agent idle at its prompt)', async () => {
    await c.call('config.set', { key: 'session_idle_seconds', value: 1 });
    await c.call('config.set', { key: 'session_timeout_seconds', value: 5 });
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const s = await c.call('session.start', { tool: 'cursor', working_directory: '/w/quiet' });
      const kept = await c.call('session.start', { tool: 'claude-code', working_directory: '/w/at-prompt', pid: alive.pid! });
      await waitFor(async () => (await c.call('session.list', { state: 'idle' })).sessions.some((x) => x.session_id === s.session_id), 15_000, 'idle');
      await waitFor(async () => (await c.call('session.list', { state: 'gone' })).sessions.some((x) => x.session_id === s.session_id), 20_000, 'gone');
      const live = await c.call('session.list', {});
      assert.ok(live.sessions.some((x) => x.session_id === kept.session_id), 'the session whose process is alive was not reaped');
    } finally {
      alive.kill('SIGKILL');
      await c.call('config.set', { key: 'session_idle_seconds', value: 60 });
      await c.call('config.set', { key: 'session_timeout_seconds', value: 300 });
    }
  });
});
