// `brains mcp` end to end with the SDK's own client over stdio: tools and prompts from the contract, a realistic flow through every tool,
// wake-ups across processes, cancellation, identity binding, progress notifications and bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contract } from '../../rpc/contract/index.js';
import type { MethodDef } from '../../rpc/contract/define.js';
import { BRAINSTORM_TOOLS } from '../../daemon/mcp/compat.js';
import { PROMPT_NAMES } from '../../daemon/mcp/prompts.js';
import { waitFor, type TestDaemon } from '../helpers/daemon.js';
import { call, callError, openMcp, type Mcp, type Structured } from '../helpers/mcp-stdio.js';
import { withDaemon } from '../helpers/with-daemon.js';

async function prompt(mcp: Mcp, name: string, args: Record<string, string> = {}): Promise<string> {
  const result = await mcp.client.getPrompt({ name, arguments: args });
  return result.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
}

async function waitingCount(daemon: TestDaemon): Promise<number> {
  const client = await daemon.client();
  return (await client.call('system.info')).counts.waiting ?? 0;
}

const methodTools = Object.values(contract as Record<string, MethodDef>).flatMap((def) => (def.mcpTool ? [def.mcpTool] : []));

describe('brains mcp over stdio', () => {
  const { daemon } = withDaemon();
  let lead: Mcp;
  let helper: Mcp;
  before(async () => {
    lead = await openMcp(daemon, { env: { BRAINS_MCP_PROGRESS_MS: '50' } });
    helper = await openMcp(daemon);
  });
  after(async () => {
    await lead?.close();
    await helper?.close();
  });

  test('lists a tool for every contract method with an mcpTool, Brainstorm names, and the ten prompts', async () => {
    const { tools } = await lead.client.listTools();
    const names = new Set(tools.map((t) => t.name));
    for (const name of methodTools) assert.ok(names.has(name), `tool ${name}`);
    for (const name of BRAINSTORM_TOOLS) assert.ok(names.has(name), `Brainstorm tool ${name}`);
    const send = tools.find((t) => t.name === 'send_message')!;
    assert.ok(send.outputSchema, 'structured output schema');
    assert.ok(!(send.inputSchema.required ?? []).includes('from_agent'), 'from_agent is optional: the binding fills it');
    assert.match(send.description ?? '', /receive_messages/);
    const listProjects = tools.find((t) => t.name === 'list_projects')!;
    assert.ok('includeArchived' in (listProjects.inputSchema.properties ?? {}), 'Brainstorm spelling accepted');
    const { prompts } = await lead.client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), [...PROMPT_NAMES].sort());
    assert.deepEqual([...PROMPT_NAMES].sort(), ['archive', 'broadcast', 'create', 'discuss', 'join', 'leave', 'list', 'review', 'share', 'status']);
  });

  test('before binding, identity-less calls fail with a hint; bad input gives tool errors, not crashes', async () => {
    const fresh = await openMcp(daemon);
    try {
      const unbound = await callError(fresh, 'send_message', { project_id: 'nowhere', to_agent: 'x', payload: 'hi' });
      assert.match(unbound, /from_agent is missing/);
      assert.match(unbound, /join_project/);
      assert.match(await callError(fresh, 'join_project', { project_id: '../etc', agent_name: 'a b' }), /project_id|agent_name/);
      assert.match(await callError(fresh, 'get_project_info', { project_id: 'missing-project' }), /NOT_FOUND/);
      assert.match(await callError(fresh, 'send_message', { project_id: 'x', from_agent: 'a', to_agent: 'b', payload: 1, bogus: true }), /bogus|Unrecognized|unrecognized/i);
      assert.match(await callError(fresh, 'no_such_tool', {}), /^NOT_FOUND: no tool no_such_tool; /);
      // Before it holds any name, the agent instance may still hold a lock as itself (its session).
      const own = await call(fresh, 'lock_acquire', { key: 'a.ts' });
      assert.deepEqual(Object.keys(own.holder), ['session_id']);
      await call(fresh, 'lock_release', { lease_id: own.lease_id, fencing_token: own.fencing_token });
      assert.equal((await call(fresh, 'version')).name, 'brains', 'the server still answers');
    } finally {
      await fresh.close();
    }
  });

  test('a realistic flow calls every tool', async () => {
    const called = new Set<string>();
    const c = async (mcp: Mcp, name: string, args: Record<string, unknown> = {}) => {
      called.add(name);
      return call(mcp, name, args);
    };
    const version = await c(lead, 'version');
    assert.match(version.version, /^\d+\.\d+\.\d+/);

    const created = await c(lead, 'create_project', { project_id: 'flow', name: 'Flow', description: 'MCP flow', context: { goal: 'test' }, agent_name: 'lead' });
    assert.equal(created.coordinator, 'lead');
    const status = await c(lead, 'status');
    assert.equal(status.projects[0].agent_name, 'lead', 'the default working directory is where brains mcp runs');
    const joined = await c(helper, 'join_project', { project_id: 'flow', agent_name: 'helper', capabilities: ['ts'] });
    assert.equal(joined.role, 'contributor');
    const info = await c(helper, 'get_project_info', { project_id: 'flow' });
    assert.deepEqual(info.members.map((m: { agent_name: string }) => m.agent_name).sort(), ['helper', 'lead']);
    assert.equal((await c(helper, 'list_projects', {})).total, 1);
    assert.equal((await c(helper, 'list_projects', { includeArchived: true })).total, 1);

    const sent = await c(helper, 'send_message', { project_id: 'flow', to_agent: 'lead', reply_expected: true, payload: { ask: 'review' } });
    assert.deepEqual(sent.recipients, ['lead']);
    assert.equal((await c(lead, 'unread_counts', { project_id: 'flow' })).total_unread, 1);
    const got = await c(lead, 'receive_messages', { project_id: 'flow' });
    assert.equal(got.count, 1);
    assert.equal(got.messages[0].from_agent, 'helper');
    assert.equal(got.acknowledged, true, 'over MCP a receive acknowledges what it returns');
    const acked = await c(lead, 'acknowledge_message', { project_id: 'flow', message_id: got.messages[0].message_id });
    assert.deepEqual(acked.refused, [{ token: got.messages[0].message_id, reason: 'already_acked' }]);
    assert.ok((await c(lead, 'list_messages', { project_id: 'flow' })).count >= 1);

    const stored = await c(helper, 'store_resource', { project_id: 'flow', resource_id: 'notes', name: 'Notes', content: '# hi' });
    assert.equal(stored.version, 1);
    assert.equal((await c(lead, 'get_resource', { project_id: 'flow', resource_id: 'notes' })).content, '# hi');
    assert.equal((await c(lead, 'list_resources', { project_id: 'flow' })).total, 1);
    assert.match(await callError(lead, 'delete_resource', { project_id: 'flow', resource_id: 'notes' }), /PERMISSION_DENIED/);
    assert.equal((await c(helper, 'delete_resource', { project_id: 'flow', resource_id: 'notes' })).deleted, true);

    const lease = await c(helper, 'lock_acquire', { key: 'src/a.ts' });
    assert.deepEqual(lease.holder, { project_id: 'flow', agent_name: 'helper' }, 'the binding fills the holder');
    const renewed = await c(helper, 'lock_renew', { lease_id: lease.lease_id, fencing_token: lease.fencing_token, ttl_seconds: 120 });
    assert.equal(renewed.lease_id, lease.lease_id);
    assert.equal((await c(lead, 'lock_list', {})).holder_count, 1);
    assert.equal((await c(helper, 'lock_release', { key: 'src/a.ts', fencing_token: lease.fencing_token })).released, true);

    const task = await c(lead, 'task_create', { project_id: 'flow', title: 'Write docs', priority: 'p1' });
    assert.equal(task.created_by, 'lead');
    const claimed = await c(helper, 'task_claim', { project_id: 'flow' });
    assert.equal(claimed.task.task_id, task.task_id);
    assert.equal((await c(helper, 'task_get', { project_id: 'flow', task_id: task.task_id })).claimed_by, 'helper');
    assert.equal((await c(helper, 'task_release', { project_id: 'flow', task_id: task.task_id })).status, 'open');
    await c(helper, 'task_claim', { project_id: 'flow', task_id: task.task_id });
    assert.equal((await c(helper, 'task_update', { project_id: 'flow', task_id: task.task_id, status: 'done', note: 'done' })).status, 'done');
    assert.equal((await c(lead, 'task_list', { project_id: 'flow' })).total, 1);

    // A coordinator schedules work over MCP: the schedule runs as lead.
    const schedule = await c(lead, 'schedule_create', { name: 'flow-triage', project_id: 'flow', when: { every_seconds: 3600 }, action: { task: { title_template: 'Triage {n}' } } });
    assert.equal(schedule.created_by, 'lead');
    assert.equal((await c(lead, 'schedule_list', { project_id: 'flow' })).schedules.length, 1);
    assert.equal((await c(lead, 'schedule_get', { name: 'flow-triage' })).enabled, true);
    assert.equal((await c(lead, 'schedule_update', { name: 'flow-triage', jitter_seconds: 5 })).jitter_seconds, 5);
    assert.equal((await c(lead, 'schedule_pause', { name: 'flow-triage' })).enabled, false);
    assert.equal((await c(lead, 'schedule_resume', { name: 'flow-triage' })).enabled, true);
    assert.equal((await c(lead, 'schedule_fire', { name: 'flow-triage' })).trigger, 'fire');
    await waitFor(async () => (await c(lead, 'schedule_runs', { name: 'flow-triage' })).runs[0]?.status === 'ok', 10_000, 'the fired run');
    assert.equal((await c(lead, 'schedule_delete', { name: 'flow-triage' })).deleted, true);

    const approval = await c(helper, 'request_approval', { project_id: 'flow', title: 'Ship it?' });
    assert.equal(approval.requested_by, 'helper');
    const waiting = c(helper, 'wait_approval', { approval_id: approval.approval_id, timeout_seconds: 30 });
    await waitFor(async () => (await waitingCount(daemon)) >= 1, 10_000, 'wait_approval to park');
    const operator = await daemon.client();
    await operator.call('approval.decide', { approval_id: approval.approval_id, decision: 'approve' });
    const decided = await waiting;
    assert.equal(decided.status, 'approved');
    assert.equal(decided.timed_out, false);
    const second = await c(helper, 'request_approval', { project_id: 'flow', title: 'Also this?' });
    assert.equal((await c(lead, 'get_approval', { approval_id: second.approval_id })).title, 'Also this?');
    assert.ok((await c(lead, 'list_approvals', { project_id: 'flow' })).total >= 2);
    // Deciding is the human's: an agent instance is refused, whatever name it gives; the operator decides on its socket.
    called.add('decide_approval');
    assert.match(await callError(lead, 'decide_approval', { approval_id: second.approval_id, decided_by: 'operator', decision: 'deny' }), /^PERMISSION_DENIED: decide_approval is the operator's/);
    assert.equal((await operator.call('approval.decide', { approval_id: second.approval_id, decision: 'deny' })).status, 'denied');
    const third = await c(helper, 'request_approval', { project_id: 'flow', title: 'Never mind' });
    assert.equal((await c(helper, 'cancel_approval', { approval_id: third.approval_id })).status, 'cancelled');
    const handoff = await c(helper, 'submit_handoff', { project_id: 'flow', title: 'Docs', summary: 'Wrote the docs' });
    assert.deepEqual(handoff.cc, ['lead']);

    assert.equal((await c(helper, 'heartbeat', { project_id: 'flow' })).ok, true);
    const session = await c(helper, 'start_session', { tool: 'other' });
    assert.ok(session.session_id);
    assert.equal((await c(lead, 'handover_coordinator', { project_id: 'flow', to_agent: 'helper' })).to_agent, 'helper');
    assert.ok((await c(helper, 'archive_project', { project_id: 'flow', archive_reason: 'done' })).archived_at);
    assert.equal((await c(lead, 'list_projects', { includeArchived: false })).total, 0);
    assert.equal((await c(lead, 'delete_project', { project_id: 'flow', agent_name: 'lead' })).deleted, true);
    await c(lead, 'create_project', { project_id: 'flow-2', name: 'Flow 2', agent_name: 'lead' });
    await c(helper, 'join_project', { project_id: 'flow-2', agent_name: 'helper' });
    assert.equal((await c(helper, 'leave_project', { project_id: 'flow-2', working_directory: helper.dir })).left, true);

    const missing = [...methodTools, 'version'].filter((name) => !called.has(name));
    assert.deepEqual(missing, [], 'every tool was called');
  });

  test('every prompt renders live state, and a join to a missing project lists those that exist', async () => {
    await call(lead, 'create_project', { project_id: 'talk', name: 'Talk', agent_name: 'lead' });
    await call(helper, 'join_project', { project_id: 'talk', agent_name: 'helper' });
    await call(helper, 'send_message', { project_id: 'talk', to_agent: 'lead', payload: { text: 'unread one' } });
    await call(helper, 'store_resource', { project_id: 'talk', resource_id: 'spec', name: 'Spec', content: 'x' });

    assert.match(await prompt(lead, 'list'), /talk: Talk/);
    assert.match(await prompt(lead, 'status'), /talk as lead: 1 unread/);
    assert.match(await prompt(lead, 'create', { name: 'Talk' }), /already exists/);
    assert.match(await prompt(lead, 'create', { name: 'New Thing' }), /"project_id":"new-thing"/);
    const join = await prompt(helper, 'join', { project_id: 'talk', agent_name: 'tester' });
    assert.match(join, /lead \(coordinator\) online/);
    assert.match(join, /Names not taken yet: frontend, backend, reviewer, tester, coordinator/);
    const missing = await prompt(helper, 'join', { project_id: 'nope' });
    assert.match(missing, /does not exist/);
    assert.match(missing, /talk: Talk/);
    assert.match(await prompt(helper, 'broadcast', { project_id: 'talk', message: 'Can someone review?' }), /"reply_expected":true/);
    const review = await prompt(lead, 'review', { project_id: 'talk' });
    assert.match(review, /unread one/);
    assert.match(review, /spec: Spec v1 by helper/);
    assert.match(await prompt(helper, 'share', { project_id: 'talk', title: 'Design Notes' }), /"resource_id":"design-notes"/);
    assert.match(await prompt(lead, 'discuss', { project_id: 'talk' }), /answer helper directly/);
    assert.match(await prompt(helper, 'leave', { project_id: 'talk' }), /leave_project/);
    assert.match(await prompt(lead, 'archive', { project_id: 'talk', reason: 'finished' }), /archive_project/);
  });

  test('a waiting receive_messages is woken by a send from another brains mcp', async () => {
    await call(lead, 'create_project', { project_id: 'wake', name: 'Wake', agent_name: 'lead' });
    await call(helper, 'join_project', { project_id: 'wake', agent_name: 'helper' });
    const before = await waitingCount(daemon);
    const parked = call(lead, 'receive_messages', { project_id: 'wake', wait: true, timeout_seconds: 60 });
    await waitFor(async () => (await waitingCount(daemon)) > before, 10_000, 'the receive to park');
    await call(helper, 'send_message', { project_id: 'wake', to_agent: 'lead', payload: { ping: 1 } });
    const got = await parked;
    assert.equal(got.count, 1);
    assert.deepEqual(got.messages[0].payload, { ping: 1 });
  });

  test('cancelling a waiting call releases the wait in the daemon', async () => {
    await call(lead, 'create_project', { project_id: 'cancel', name: 'Cancel', agent_name: 'lead' });
    const before = await waitingCount(daemon);
    const controller = new AbortController();
    const parked = lead.client.callTool({ name: 'receive_messages', arguments: { project_id: 'cancel', wait: true, timeout_seconds: 600 } }, undefined, { signal: controller.signal });
    await waitFor(async () => (await waitingCount(daemon)) > before, 10_000, 'the receive to park');
    controller.abort();
    await assert.rejects(parked);
    await waitFor(async () => (await waitingCount(daemon)) === before, 10_000, 'the daemon to release the wait');
    assert.equal((await call(lead, 'version')).name, 'brains', 'the session goes on');
  });

  test('a wait that ends by itself leaves its connection for the next wait; a cancelled one hangs it up', async () => {
    await call(lead, 'create_project', { project_id: 'reuse', name: 'Reuse', agent_name: 'lead' });
    const operator = await daemon.client();
    const connections = async () => (await operator.call('system.info')).counts.connections ?? 0;
    const base = await connections();
    for (let i = 0; i < 3; i += 1) {
      await operator.call('message.send', { project_id: 'reuse', from_agent: 'operator', to_agent: 'lead', payload: { i } });
      const got = await call(lead, 'receive_messages', { project_id: 'reuse', wait: true, timeout_seconds: 60 });
      assert.equal(got.count, 1);
      // One connection for the waits, opened by the first and kept: none opened and closed per wait.
      await waitFor(async () => (await connections()) === base + 1, 10_000, `one wait connection after wait ${i + 1}`);
    }
    const waiting = async () => (await operator.call('system.info')).counts.waiting ?? 0;
    const before = await waiting();
    const controller = new AbortController();
    const parked = lead.client.callTool({ name: 'receive_messages', arguments: { project_id: 'reuse', wait: true, timeout_seconds: 600 } }, undefined, { signal: controller.signal });
    await waitFor(async () => (await waiting()) > before, 10_000, 'the receive to park');
    assert.equal(await connections(), base + 1, 'the parked wait took the kept connection');
    controller.abort();
    await assert.rejects(parked);
    await waitFor(async () => (await connections()) === base, 10_000, 'the cancelled wait to hang up its connection');
    await operator.call('message.send', { project_id: 'reuse', from_agent: 'operator', to_agent: 'lead', payload: 'after' });
    assert.equal((await call(lead, 'receive_messages', { project_id: 'reuse', wait: true, timeout_seconds: 60 })).count, 1, 'the next wait connects again');
  });

  test('progress notifications arrive while a call waits with a progressToken', async () => {
    await call(lead, 'create_project', { project_id: 'prog', name: 'Prog', agent_name: 'lead' });
    const before = await waitingCount(daemon);
    const progress: Array<{ progress: number; message?: string }> = [];
    const parked = lead.client.callTool({ name: 'receive_messages', arguments: { project_id: 'prog', wait: true, timeout_seconds: 60 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    await waitFor(async () => (await waitingCount(daemon)) > before, 10_000, 'the receive to park');
    await waitFor(() => progress.length >= 2, 10_000, 'two progress notifications');
    assert.ok(progress[1]!.progress > progress[0]!.progress, 'progress increases');
    assert.match(progress[0]!.message ?? '', /receive_messages: still waiting/);
    const operator = await daemon.client();
    await operator.call('message.send', { project_id: 'prog', from_agent: 'operator', to_agent: 'lead', payload: 'wake up' });
    assert.equal(((await parked).structuredContent as Structured).count, 1);
  });

  test('identity binding: after join_project, send_message without from_agent sends as the bound agent', async () => {
    const a = await openMcp(daemon);
    const b = await openMcp(daemon);
    try {
      await call(a, 'create_project', { project_id: 'bind', name: 'Bind' });
      await call(a, 'join_project', { project_id: 'bind', agent_name: 'alpha' });
      await call(b, 'join_project', { project_id: 'bind', agent_name: 'beta' });
      await call(a, 'send_message', { project_id: 'bind', to_agent: 'beta', payload: 'from alpha' });
      const got = await call(b, 'receive_messages', { project_id: 'bind' });
      assert.equal(got.messages[0].from_agent, 'alpha');
      assert.equal(got.messages[0].to_agent, 'beta');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
