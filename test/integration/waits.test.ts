// One answer for a wait that runs out, across every waiting method: a normal result with timed_out: true and how long it
// waited (never an error); the MCP tools keep answering as agents were told before (a TIMEOUT error, `timeout: true`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { call, callError, openMcp } from '../helpers/mcp-stdio.js';

describe('a wait that runs out', () => {
  const { daemon, client: c } = withDaemon();

  test('every waiting method answers timed_out: true with waited_ms, and timed_out: false when it did not wait in vain', async () => {
    await c.call('project.create', { project_id: 'w', name: 'w' });
    await c.call('project.join', { project_id: 'w', agent_name: 'a', client_id: 'w-a' });
    await c.call('project.join', { project_id: 'w', agent_name: 'b', client_id: 'w-b' });
    const held = await c.call('lock.acquire', { key: 'w/busy', project_id: 'w', agent_name: 'b', ttl_seconds: 600 });
    const approval = await c.call('approval.request', { project_id: 'w', agent_name: 'a', title: 'Ship?' });
    const head = (await c.call('system.info')).event_seq;
    const short = { wait: true, timeout_seconds: 0.2 } as const;
    const outcomes: Array<[string, { timed_out: boolean; waited_ms: number }]> = [
      ['message.receive', await c.call('message.receive', { project_id: 'w', agent_name: 'a', ...short })],
      ['events.wait', await c.call('events.wait', { types: ['user.never'], after: head, timeout_seconds: 0.2 })],
      ['approval.wait', await c.call('approval.wait', { approval_id: approval.approval_id, timeout_seconds: 0.2 })],
      ['task.claim', await c.call('task.claim', { project_id: 'w', agent_name: 'a', ...short })],
      ['lock.acquire', await c.call('lock.acquire', { key: 'w/busy', project_id: 'w', agent_name: 'a', ...short })],
      ['resource.get', await c.call('resource.get', { project_id: 'w', resource_id: 'later', agent_name: 'a', ...short })],
      ['project.info', await c.call('project.info', { project_id: 'later', ...short })],
    ];
    for (const [method, outcome] of outcomes) {
      assert.equal(outcome.timed_out, true, method);
      assert.ok(outcome.waited_ms >= 150, `${method} waited (${outcome.waited_ms} ms)`);
    }
    assert.equal('lease_id' in outcomes[4]![1], false, 'a timed-out acquire holds no lease');
    await c.call('message.send', { project_id: 'w', from_agent: 'b', to_agent: 'a', payload: 'x' });
    assert.equal((await c.call('message.receive', { project_id: 'w', agent_name: 'a', ...short })).timed_out, false);
    assert.equal((await c.call('project.info', { project_id: 'w', ...short })).timed_out, false);
    await c.call('lock.release', { lease_id: held.timed_out ? '' : held.lease_id, fencing_token: held.timed_out ? 1 : held.fencing_token });
    assert.equal((await c.call('lock.acquire', { key: 'w/busy', project_id: 'w', agent_name: 'a', ...short })).timed_out, false);
  });

  test('the MCP tools answer in Brainstorm\'s shape: timeout: true and retry: true where a wait found nothing; lock_acquire keeps its TIMEOUT error', async () => {
    const agent = await openMcp(daemon);
    try {
      await c.call('project.create', { project_id: 'wm', name: 'wm' });
      await call(agent, 'join_project', { project_id: 'wm', agent_name: 'mia' });
      await c.call('project.join', { project_id: 'wm', agent_name: 'other', client_id: 'wm-other' });
      // In the agent's own directory: one repository, so the two holders contend for one lock.
      await c.call('lock.acquire', { key: 'wm/busy', project_id: 'wm', agent_name: 'other', ttl_seconds: 600, working_directory: agent.dir });
      const received = await call(agent, 'receive_messages', { project_id: 'wm', wait: true, timeout_seconds: 0.2 });
      assert.equal(received.timeout, true);
      assert.equal(received.retry, true);
      assert.equal('timed_out' in received, false);
      const claimed = await call(agent, 'task_claim', { project_id: 'wm', wait: true, timeout_seconds: 0.2 });
      assert.deepEqual(Object.keys(claimed).sort(), ['task', 'waited_ms']);
      assert.match(await callError(agent, 'lock_acquire', { key: 'wm/busy', project_id: 'wm', wait: true, timeout_seconds: 0.2 }), /^TIMEOUT: lock wm\/busy did not come free/);
      const resource = await call(agent, 'get_resource', { project_id: 'wm', resource_id: 'later', wait: true, timeout_seconds: 0.2 });
      assert.equal(resource.timeout, true);
      assert.equal(resource.retry, true);
      assert.match(resource.message, /^resource later was not stored/);
      const project = await call(agent, 'get_project_info', { project_id: 'later', wait: true, timeout_seconds: 0.2 });
      assert.deepEqual([project.timeout, project.retry, project.project_id], [true, true, 'later']);
      assert.match(project.message, /^project later was not created/);
      const { tools } = await agent.client.listTools();
      const lock = tools.find((t) => t.name === 'lock_acquire')!;
      assert.ok('lease_id' in ((lock.outputSchema as { properties: object }).properties ?? {}), 'the tool still describes the lease it returns');
    } finally {
      await agent.close();
    }
  });
});
