// Who is calling, decided by the daemon: a per-agent token confined to its project, an agent instance held to its own
// names across its connections and a daemon restart, several agents in one directory kept apart, and the operator.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrainsClient } from '../../rpc/client.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { arrived, refusedWith, invalidParams } from '../helpers/rpc-assert.js';
import { call, callError, openMcp, type Mcp } from '../helpers/mcp-stdio.js';

/** A connection that speaks for a per-agent token. */
async function asToken(daemon: TestDaemon, token: string): Promise<BrainsClient> {
  const client = await daemon.client();
  await client.call('session.authenticate', { token });
  return client;
}

/** A long-lived stand-in for an agent tool's process (its pid is what a hook reports). */
function toolProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
}

describe('a per-agent token stays inside its project', () => {
  const { daemon, client: admin } = withDaemon();

  test('lease_id-only calls on another project are refused; every list, stream and history shows only its own project', async () => {
    for (const p of ['tok-p', 'tok-q']) await admin.call('project.create', { project_id: p, name: p });
    await admin.call('project.join', { project_id: 'tok-p', agent_name: 'alice', client_id: 'tok-alice' });
    await admin.call('project.join', { project_id: 'tok-p', agent_name: 'pat', client_id: 'tok-pat' });
    await admin.call('project.join', { project_id: 'tok-p', agent_name: 'pia', client_id: 'tok-pia' });
    await admin.call('project.join', { project_id: 'tok-q', agent_name: 'bob', client_id: 'tok-bob' });
    await admin.call('project.join', { project_id: 'tok-q', agent_name: 'quinn', client_id: 'tok-quinn' });
    const qLease = await arrived(admin.call('lock.acquire', { key: 'q/plan.md', project_id: 'tok-q', agent_name: 'bob', ttl_seconds: 600 }));
    const qApproval = await admin.call('approval.request', { project_id: 'tok-q', agent_name: 'bob', title: 'Q secret plan' });
    await admin.call('task.create', { project_id: 'tok-q', title: 'Q task' });
    await admin.call('message.send', { project_id: 'tok-q', from_agent: 'bob', to_agent: 'quinn', payload: 'q secret' });
    await admin.call('resource.store', { project_id: 'tok-q', resource_id: 'qdoc', agent_name: 'bob', name: 'Q doc', content: 'q' });

    const { token } = await admin.call('mcp.token', { project_id: 'tok-p', agent_name: 'alice' });
    const alice = await asToken(daemon, token);
    const streamed: EventRecord[] = [];
    alice.onEvent((event) => streamed.push(event as EventRecord));
    await alice.call('events.subscribe', { since: 0 });
    assert.deepEqual(await alice.call('session.whoami', {}), {
      principal: 'token',
      label: 'token:tok-p/alice',
      session_id: null,
      client_id: null,
      working_directory: null,
      names: [{ project_id: 'tok-p', agent_name: 'alice' }],
      identity_pending: false,
    });

    // Ownership comes from the stored lease: naming only lease_id and fencing token does not reach another project.
    await refusedWith(alice.call('lock.release', { lease_id: qLease.lease_id, fencing_token: qLease.fencing_token }), 'PERMISSION_DENIED');
    await refusedWith(alice.call('lock.renew', { lease_id: qLease.lease_id, fencing_token: qLease.fencing_token }), 'PERMISSION_DENIED');
    await refusedWith(alice.call('lock.release', { key: 'q/plan.md', fencing_token: qLease.fencing_token }), 'PERMISSION_DENIED');
    assert.equal((await admin.call('lock.list', { key_prefix: 'q/' })).holder_count, 1, 'the lease is still held');
    await refusedWith(alice.call('approval.get', { approval_id: qApproval.approval_id }), 'PERMISSION_DENIED');
    await refusedWith(alice.call('approval.wait', { approval_id: qApproval.approval_id, timeout_seconds: 0 }), 'PERMISSION_DENIED');
    await refusedWith(alice.call('approval.cancel', { approval_id: qApproval.approval_id }), 'PERMISSION_DENIED');
    for (const [method, params] of [
      ['task.list', { project_id: 'tok-q' }],
      ['resource.list', { project_id: 'tok-q' }],
      ['message.list', { project_id: 'tok-q' }],
      ['project.info', { project_id: 'tok-q' }],
      ['message.send', { project_id: 'tok-q', to_agent: 'bob', payload: 'hi' }],
      ['lock.acquire', { key: 'q/other', project_id: 'tok-q', agent_name: 'alice' }],
      ['message.send', { project_id: 'tok-p', from_agent: 'pat', to_agent: 'pia', payload: 'spoof' }],
      ['approval.decide', { approval_id: qApproval.approval_id, decision: 'approve' }],
      ['mcp.token', { project_id: 'tok-p', agent_name: 'pat' }],
      ['config.set', { key: 'session_idle_seconds', value: 5 }],
      ['project.create', { name: 'mine' }],
    ] as const) {
      await refusedWith(alice.callRaw(method, params), 'PERMISSION_DENIED');
    }

    // Lists are its project only.
    assert.deepEqual((await alice.call('project.list', {})).projects.map((p) => p.project_id), ['tok-p']);
    assert.deepEqual((await alice.call('approval.list', {})).approvals, []);
    assert.equal((await alice.call('lock.list', {})).holder_count, 0);
    assert.deepEqual((await alice.call('message.unread_counts', {})).counts.map((c) => [c.project_id, c.agent_name]), [['tok-p', 'alice']]);
    assert.ok((await alice.call('audit.list', {})).rows.every((r) => r.subject === 'tok-p'));

    // Mail in its own project: its own and broadcasts readable; others' direct mail visible as an event without its preview.
    await admin.call('message.send', { project_id: 'tok-p', from_agent: 'pat', to_agent: 'pia', payload: 'between pat and pia' });
    await admin.call('message.send', { project_id: 'tok-p', from_agent: 'pat', to_agent: 'alice', payload: 'for alice' });
    const sent = (await alice.callRaw('message.send', { project_id: 'tok-p', to_agent: 'pat', payload: 'from alice' })) as { message_id: string };
    assert.equal((await admin.call('message.list', { project_id: 'tok-p', thread: sent.message_id })).messages[0]!.from_agent, 'alice', 'it acts as itself without naming itself');
    const history = (await alice.call('message.list', { project_id: 'tok-p' })).messages.map((m) => m.payload);
    assert.deepEqual(history.sort(), ['for alice', 'from alice']);
    await refusedWith(alice.call('message.list', { project_id: 'tok-p', member: 'pia' }), 'PERMISSION_DENIED');

    const listed = (await alice.call('events.list', { after: 0, limit: 1000 })).events;
    await waitFor(() => streamed.some((e) => e.type === 'message.sent' && (e.data as { from_agent: string }).from_agent === 'alice'), 10_000, 'the live stream');
    await admin.call('message.send', { project_id: 'tok-q', from_agent: 'bob', to_agent: 'quinn', payload: 'live q secret' });
    await admin.call('events.publish', { events: [{ type: 'user.marker', subject: 'end' }] });
    // Something alice may see, sent after them: once it has arrived, anything of Q would have arrived before it.
    await admin.call('message.send', { project_id: 'tok-p', from_agent: 'pat', broadcast: true, payload: 'after q' });
    await waitFor(() => streamed.some((e) => e.type === 'message.sent' && (e.data as { preview: string | null }).preview === 'after q'), 10_000, 'the last event');
    const marker = (await alice.call('events.wait', { types: ['message.sent'], after: 0, timeout_seconds: 0 })).event;
    for (const [what, events] of [
      ['events.list', listed],
      ['events.subscribe', streamed],
      ['events.wait', marker ? [marker] : []],
    ] as const) {
      assert.ok(events.length > 0, what);
      for (const event of events) {
        const text = JSON.stringify(event);
        assert.ok(!text.includes('tok-q') && !text.includes('q secret') && !text.includes('Q secret'), `${what} leaked ${text}`);
      }
      const previews = events.filter((e) => e.type === 'message.sent').map((e) => e.data as { from_agent: string; to_agent: string; preview: string | null });
      assert.deepEqual(
        previews.find((p) => p.from_agent === 'pat' && p.to_agent === 'pia')?.preview ?? null,
        null,
        `${what}: another pair's message shows without its preview`,
      );
      if (what !== 'events.wait') assert.equal(previews.find((p) => p.to_agent === 'alice')?.preview, 'for alice');
    }
  });

  test('session.authenticate refuses wrong, missing, oversized and hostile input, and a bound connection stays bound', async () => {
    await admin.call('project.create', { project_id: 'auth', name: 'auth' });
    const c = await daemon.client();
    await refusedWith(c.call('session.authenticate', {}), 'INVALID');
    await refusedWith(c.call('session.authenticate', { token: 'a', secret: 'b' }), 'INVALID');
    await refusedWith(c.call('session.authenticate', { token: 'brains_' + '0'.repeat(64) }), 'PERMISSION_DENIED');
    await refusedWith(c.call('session.authenticate', { secret: "x'; DROP TABLE sessions; --" }), 'PERMISSION_DENIED');
    for (const params of [{ token: '' }, { token: 'x'.repeat(513) }, { secret: 42 }, { token: 'a', extra: 1 }, { token: ['a'] }]) {
      await invalidParams(c.callRaw('session.authenticate', params));
    }
    assert.equal((await c.call('session.whoami', {})).principal, 'operator', 'refused attempts left it the operator');
    await invalidParams(c.callRaw('session.whoami', { extra: true }));

    const { token } = await admin.call('mcp.token', { project_id: 'auth', agent_name: 'ann' });
    await c.call('session.authenticate', { token });
    assert.equal((await c.call('session.whoami', {})).label, 'token:auth/ann');
    const again = await refusedWith(c.call('session.authenticate', { token }), 'INVALID');
    assert.match(again.message, /already speaks for token:auth\/ann; open a new connection/);
    const started = await admin.call('session.start', { tool: 'other', working_directory: '/w/auth' });
    const refused = await refusedWith(c.call('session.authenticate', { secret: started.secret! }), 'INVALID');
    assert.match(refused.message, /already speaks/);
    // Minting again replaces the token: the old one no longer authenticates.
    await admin.call('mcp.token', { project_id: 'auth', agent_name: 'ann' });
    await refusedWith((await daemon.client()).call('session.authenticate', { token }), 'PERMISSION_DENIED');
  });
});

describe('the operator and agent instances', () => {
  const { daemon, client: admin } = withDaemon();
  const opened: Mcp[] = [];
  const open = async (opts: Parameters<typeof openMcp>[1] = {}) => {
    const mcp = await openMcp(daemon, opts);
    opened.push(mcp);
    return mcp;
  };
  after(async () => {
    for (const mcp of opened) await mcp.close();
  });
  const liveSessionsIn = async (dir: string) => (await admin.call('session.list', {})).sessions.filter((s) => s.working_directory === dir);

  test('the operator reads its inbox without naming itself, while an unbound MCP agent is still asked who it is', async () => {
    await admin.call('project.create', { project_id: 'inbox', name: 'inbox' });
    const agent = await open();
    const asked = await callError(agent, 'receive_messages', { project_id: 'inbox' });
    assert.match(asked, /^INVALID: agent_name is missing and this session holds no name in project inbox: call join_project/);
    await call(agent, 'join_project', { project_id: 'inbox', agent_name: 'ivy' });
    await call(agent, 'send_message', { project_id: 'inbox', to_agent: 'operator', payload: 'for the human', reply_expected: true });
    const got = await admin.call('message.receive', { project_id: 'inbox' } as never);
    assert.deepEqual(got.messages.map((m) => [m.from_agent, m.to_agent, m.payload]), [['ivy', 'operator', 'for the human']]);
    assert.match(await callError(agent, 'receive_messages', { project_id: 'inbox', agent_name: 'operator' }), /^PERMISSION_DENIED: .*cannot act as the operator/);
  });

  test('a brains mcp keeps its identity on its waiting connections and across a daemon restart', async () => {
    await admin.call('project.create', { project_id: 'keep', name: 'keep' });
    const agent = await open();
    await call(agent, 'join_project', { project_id: 'keep', agent_name: 'kim' });
    const me = (await call(agent, 'status')) as { client_id: string };
    const [session] = await liveSessionsIn(agent.dir);
    assert.ok(session, 'brains mcp registered an agent instance at start');
    assert.equal(session.client_id, me.client_id);

    // A waiting call travels on a connection of its own: it presents the instance's secret, so it is still kim.
    const before = (await admin.call('system.info')).counts.waiting ?? 0;
    const parked = call(agent, 'receive_messages', { project_id: 'keep', wait: true, timeout_seconds: 60 });
    await waitFor(async () => ((await admin.call('system.info')).counts.waiting ?? 0) > before, 10_000, 'the receive to park');
    await admin.call('message.send', { project_id: 'keep', from_agent: 'operator', to_agent: 'kim', payload: 'while you wait' });
    const got = await parked;
    assert.deepEqual(got.messages.map((m: { to_agent: string }) => m.to_agent), ['kim']);
    const rows = (await admin.call('audit.list', { method: 'message.receive', limit: 1000 })).rows.filter((r) => r.acting_as === 'keep/kim');
    assert.ok(rows.length > 0 && rows.every((r) => r.actor === `instance:${session.session_id}`), 'audited as the instance, on every connection');

    await daemon.stop();
    const restarted = await startDaemon({ home: daemon.home });
    try {
      const op = await restarted.client();
      // The next call reconnects and presents the same secret: same instance, same name, no new registration.
      const sent = await call(agent, 'send_message', { project_id: 'keep', to_agent: 'operator', payload: 'after the restart' });
      const history = await op.call('message.list', { project_id: 'keep', thread: sent.message_id });
      assert.equal(history.messages[0]!.from_agent, 'kim');
      const sessions = (await op.call('session.list', {})).sessions.filter((s) => s.working_directory === agent.dir);
      assert.deepEqual(sessions.map((s) => s.session_id), [session.session_id]);
    } finally {
      await agent.close();
      opened.splice(opened.indexOf(agent), 1);
      await restarted.stop();
    }
  });
});

describe('who a brains mcp says it is', () => {
  const { daemon, client: admin } = withDaemon();

  test('BRAINS_AGENT_TOKEN makes brains mcp that one agent of that project, on every connection', async () => {
    await admin.call('project.create', { project_id: 'managed', name: 'managed' });
    await admin.call('project.create', { project_id: 'elsewhere', name: 'elsewhere' });
    const { token } = await admin.call('mcp.token', { project_id: 'managed', agent_name: 'robo' });
    const agent = await openMcp(daemon, { env: { BRAINS_AGENT_TOKEN: token } });
    try {
      await call(agent, 'join_project', { project_id: 'managed' });
      const sent = await call(agent, 'send_message', { project_id: 'managed', to_agent: 'operator', payload: 'from robo' });
      assert.equal((await admin.call('message.list', { project_id: 'managed', thread: sent.message_id })).messages[0]!.from_agent, 'robo');
      assert.match(await callError(agent, 'join_project', { project_id: 'elsewhere', agent_name: 'robo' }), /^PERMISSION_DENIED: .*cannot act in project elsewhere/);
      assert.deepEqual((await call(agent, 'list_projects')).projects.map((p: { project_id: string }) => p.project_id), ['managed']);
      // A waiting call on a connection of its own presents the token too.
      const parked = call(agent, 'receive_messages', { project_id: 'managed', wait: true, timeout_seconds: 30 });
      await waitFor(async () => ((await admin.call('system.info')).counts.waiting ?? 0) > 0, 10_000, 'the receive to park');
      await admin.call('message.send', { project_id: 'managed', from_agent: 'operator', to_agent: 'robo', payload: 'for robo' });
      assert.deepEqual((await parked).messages.map((m: { to_agent: string }) => m.to_agent), ['robo']);
      assert.equal((await admin.call('session.list', {})).sessions.filter((s) => s.working_directory === agent.dir).length, 0, 'a token is not an instance');
    } finally {
      await agent.close();
    }
    const refused = await openMcp(daemon, { env: { BRAINS_AGENT_TOKEN: 'brains_' + '0'.repeat(64) } }).then(
      async (m) => {
        await m.close();
        return null;
      },
      (error: unknown) => error,
    );
    assert.ok(refused, 'a brains mcp with an unknown token does not serve');
  });

  test('BRAINS_AGENT says who the agent is, whatever else worked in its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bn-'));
    try {
      await admin.call('project.create', { project_id: 'named', name: 'named' });
      const first = await openMcp(daemon, { dir });
      const second = await openMcp(daemon, { dir });
      await call(first, 'join_project', { project_id: 'named', agent_name: 'nora' });
      await call(second, 'join_project', { project_id: 'named', agent_name: 'otto' });
      const ids = (await admin.call('session.list', {})).sessions.filter((s) => s.working_directory === dir).map((s) => s.session_id);
      await Promise.all([first.close(), second.close()]);
      for (const id of ids) {
        await waitFor(async () => (await admin.call('session.list', { state: 'gone', limit: 1000 })).sessions.some((s) => s.session_id === id), 15_000, 'the instances to end');
      }
      const otto = await openMcp(daemon, { dir, env: { BRAINS_AGENT: 'otto' } });
      try {
        const status = (await call(otto, 'status')) as { identity_pending: boolean; projects: Array<{ agent_name: string }> };
        assert.equal(status.identity_pending, false, 'no question: BRAINS_AGENT said it');
        assert.deepEqual(status.projects.map((p) => p.agent_name), ['otto']);
      } finally {
        await otto.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('several agents in one directory', () => {
  const { daemon, client: admin } = withDaemon();
  const dir = mkdtempSync(join(tmpdir(), 'bw-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sessionGone = (sessionId: string) =>
    waitFor(async () => (await admin.call('session.list', { state: 'gone', limit: 1000 })).sessions.some((s) => s.session_id === sessionId), 15_000, 'the instance to end');
  const whoami = async (mcp: Mcp) => (await call(mcp, 'status')) as { client_id: string; identity_pending: boolean; identity_reminder: string[]; projects: Array<{ agent_name: string }>; candidates: Array<{ names: Array<{ agent_name: string }> }> };

  test('through brains mcp: kept apart; one restarting beside a running one resumes without asking; with several free, it is asked', async () => {
    await admin.call('project.create', { project_id: 'shared', name: 'shared' });
    const a = await openMcp(daemon, { dir });
    const b = await openMcp(daemon, { dir });
    await call(a, 'join_project', { project_id: 'shared', agent_name: 'alice' });
    await call(b, 'join_project', { project_id: 'shared', agent_name: 'carol' });
    const aWho = await whoami(a);
    const bWho = await whoami(b);
    assert.notEqual(aWho.client_id, bWho.client_id);
    assert.deepEqual(aWho.projects.map((p) => p.agent_name), ['alice']);
    assert.deepEqual(bWho.projects.map((p) => p.agent_name), ['carol']);
    assert.ok(bWho.identity_reminder.every((line) => !line.includes('alice')), 'never "YOU are" someone else');
    assert.match(await callError(b, 'send_message', { project_id: 'shared', from_agent: 'alice', to_agent: 'carol', payload: 'x' }), /^PERMISSION_DENIED: alice in shared is not yours \(you are carol in shared\)/);
    assert.equal((await call(b, 'send_message', { project_id: 'shared', to_agent: 'alice', payload: 'from carol' })).recipients[0], 'alice');

    // alice restarts while carol runs: the only free identity of the directory is hers, resumed without a question.
    const aSession = (await admin.call('session.list', {})).sessions.find((s) => s.client_id === aWho.client_id)!;
    await a.close();
    await sessionGone(aSession.session_id);
    const a2 = await openMcp(daemon, { dir });
    const resumed = await whoami(a2);
    assert.equal(resumed.client_id, aWho.client_id);
    assert.equal(resumed.identity_pending, false);
    assert.match(resumed.identity_reminder.join('\n'), /YOU are the "alice" agent/);
    assert.equal((await call(a2, 'receive_messages', { project_id: 'shared' })).messages[0].payload, 'from carol');

    // Both gone: a new agent in the directory could be either, so it must say which before it acts.
    const ids = (await admin.call('session.list', {})).sessions.filter((s) => s.working_directory === dir).map((s) => s.session_id);
    await Promise.all([a2.close(), b.close()]);
    for (const id of ids) await sessionGone(id);
    const c = await openMcp(daemon, { dir });
    try {
      const pending = await whoami(c);
      assert.equal(pending.identity_pending, true);
      assert.deepEqual(pending.candidates.flatMap((x) => x.names.map((n) => n.agent_name)).sort(), ['alice', 'carol']);
      assert.equal(pending.projects.length, 0);
      assert.doesNotMatch(pending.identity_reminder.join('\n'), /YOU are/);
      assert.match(pending.identity_reminder[0]!, /Say which one you are: call status with agent_name/);
      // The same question to a socket client names the method it calls.
      const overSocket = await admin.call('session.start', { tool: 'other', working_directory: dir });
      assert.equal(overSocket.identity_pending, true);
      assert.match(overSocket.identity_reminder[0]!, /Say which one you are: call session\.status with agent_name/);
      await admin.call('session.end', { session_id: overSocket.session_id });
      const refused = await callError(c, 'send_message', { project_id: 'shared', to_agent: 'operator', payload: 'x' });
      assert.match(refused, /^INVALID: from_agent is missing and this agent has not said who it is: several agents worked in /);
      assert.match(refused, /alice \(in shared\)/);
      assert.match(refused, /carol \(in shared\)/);
      assert.match(await callError(c, 'send_message', { project_id: 'shared', from_agent: 'carol', to_agent: 'operator', payload: 'x' }), /has not said who it is/);
      const chosen = (await call(c, 'status', { agent_name: 'carol' })) as { client_id: string; identity_pending: boolean };
      assert.equal(chosen.client_id, bWho.client_id);
      assert.equal(chosen.identity_pending, false);
      assert.equal((await call(c, 'send_message', { project_id: 'shared', to_agent: 'operator', payload: 'carol again' })).deduplicated, false);
      const last = await admin.call('message.list', { project_id: 'shared', limit: 1 });
      assert.equal(last.messages[0]!.from_agent, 'carol');
    } finally {
      await c.close();
    }
  });

  test('through the hooks: two tool sessions in one directory are two agents; a brains mcp and the hook of one tool process are one', async () => {
    const hookDir = mkdtempSync(join(tmpdir(), 'bh-'));
    const tools = [toolProcess(), toolProcess(), toolProcess()];
    try {
      await admin.call('project.create', { project_id: 'hooked', name: 'hooked' });
      const hook = (event: string, toolSession: string, pid: number) =>
        admin.call('hook.handle', { tool: 'claude-code', event: event as 'session-start', payload: { session_id: toolSession, cwd: hookDir }, pid });
      const first = await hook('session-start', 'cc-one', tools[0]!.pid!);
      const firstSession = (await admin.call('session.list', {})).sessions.find((s) => s.session_id === first.session_id)!;
      await admin.call('project.join', { project_id: 'hooked', agent_name: 'alice', client_id: firstSession.client_id });
      const second = await hook('session-start', 'cc-two', tools[1]!.pid!);
      const secondSession = (await admin.call('session.list', {})).sessions.find((s) => s.session_id === second.session_id)!;
      assert.notEqual(secondSession.client_id, firstSession.client_id, 'the second agent does not share the first one\'s identity');
      assert.equal(second.stdout, null, 'nothing to tell a new agent: in particular not that it is alice');
      await admin.call('project.join', { project_id: 'hooked', agent_name: 'carol', client_id: secondSession.client_id });

      // alice's tool exits: its session is reaped. A new tool session in the directory, while carol runs, is alice again.
      await admin.call('config.set', { key: 'reaper_interval_seconds', value: 0.2 });
      tools[0]!.kill('SIGKILL');
      await sessionGone(first.session_id!);
      const back = await hook('session-start', 'cc-three', tools[2]!.pid!);
      const context = JSON.parse(back.stdout!).hookSpecificOutput.additionalContext as string;
      assert.match(context, /YOU are the "alice" agent/);
      assert.doesNotMatch(context, /carol/);

      // A brains mcp of that same tool process is the same instance: one session, whichever registered first.
      const mcp = await openMcp(daemon, { dir: hookDir });
      try {
        const hooked = await hook('session-start', 'cc-four', mcp.toolPid!);
        const status = (await call(mcp, 'status')) as { client_id: string };
        const live = (await admin.call('session.list', {})).sessions.filter((s) => s.pid === mcp.toolPid);
        assert.deepEqual(live.map((s) => s.session_id), [hooked.session_id]);
        assert.equal(live[0]!.client_id, status.client_id);
      } finally {
        await mcp.close();
      }
    } finally {
      for (const t of tools) t.kill('SIGKILL');
      await admin.call('config.set', { key: 'reaper_interval_seconds', value: 5 });
      rmSync(hookDir, { recursive: true, force: true });
    }
  });
});
