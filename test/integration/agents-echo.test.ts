// Managed agents on the echo backend through a real daemon: a turn from agent.send to its answer, the events in order
// (live output included), list and info, project membership, and env values that never leave the store.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith } from '../helpers/rpc-assert.js';
import { EventTap, finished, scratchDir, turns } from '../helpers/agents.js';

const { daemon, client: c } = withDaemon({ env: { BRAINS_LOG_LEVEL: 'debug' } });

describe('an echo agent', () => {
  test('answers what it is typed, with the turn events in order and the output live', async () => {
    const dir = scratchDir();
    const tap = await EventTap.open(await daemon.client());
    const created = await c.call('agent.create', { agent_name: 'a', backend: 'echo', working_directory: dir });
    assert.equal(created.agent_name, 'a');
    assert.equal(created.backend, 'echo');
    assert.equal(created.working_directory, dir);
    assert.equal(created.project_id, 'agents');
    assert.equal(created.state, 'idle');
    assert.deepEqual(created.env_names, []);
    assert.equal(created.native_session_id, null);
    assert.equal(created.queued_turns, 0);

    const sent = await c.call('agent.send', { agent_name: 'a', text: 'hi' });
    assert.equal(sent.command, null);
    assert.equal(sent.reply, null);
    assert.match(sent.turn_id!, /^turn-\d+$/);
    assert.match(sent.user_turn_id!, /^turn-\d+$/);
    assert.equal(sent.queued_ahead, 0);
    const answer = await finished(c, 'a', sent.turn_id!);
    assert.equal(answer.status, 'done');
    assert.equal(answer.text, 'hi');
    assert.equal(answer.error, null);
    assert.equal(answer.source, 'operator');
    assert.equal(answer.attempts, 1);
    assert.ok(answer.started_at && answer.finished_at);

    const history = await turns(c, 'a');
    assert.deepEqual(
      history.map((t) => [t.turn_id, t.role, t.text, t.status]),
      [
        [sent.user_turn_id, 'user', 'hi', 'done'],
        [sent.turn_id, 'assistant', 'hi', 'done'],
      ],
    );

    await tap.until((events) => events.some((e) => e.type === 'agent.state_changed' && (e.data as { state: string }).state === 'idle'), 'a to be idle again');
    const mine = tap.of('a');
    const kinds = mine.map((e) => (e.type === 'agent.state_changed' ? `state:${(e.data as { state: string }).state}` : e.type));
    const outputs = mine.filter((e) => e.type === 'agent.output');
    assert.ok(outputs.length >= 1, 'the answer streamed');
    assert.ok(outputs.every((e) => e.live === true && (e.data as { turn_id: string }).turn_id === sent.turn_id));
    assert.equal(outputs.map((e) => (e.data as { delta: string }).delta).join(''), 'hi');
    assert.deepEqual(
      kinds.filter((k) => k !== 'agent.output'),
      ['agent.created', 'agent.turn_queued', 'agent.turn_started', 'state:working', 'agent.turn_finished', 'state:idle'],
    );
    const first = kinds.indexOf('agent.output');
    const last = kinds.lastIndexOf('agent.output');
    assert.ok(kinds.indexOf('agent.turn_started') < first && last < kinds.indexOf('agent.turn_finished'), `output inside the turn: ${kinds.join(' ')}`);
    const finishedEvent = mine.find((e) => e.type === 'agent.turn_finished')!;
    assert.deepEqual(
      { ...(finishedEvent.data as object), usage: undefined, cost_usd: undefined },
      { agent_name: 'a', project_id: 'agents', turn_id: sent.turn_id, status: 'done', text: 'hi', error: null, usage: undefined, cost_usd: undefined },
    );
    const queued = mine.find((e) => e.type === 'agent.turn_queued')!;
    assert.deepEqual(queued.data, { agent_name: 'a', project_id: 'agents', turn_id: sent.turn_id, user_turn_id: sent.user_turn_id, text: 'hi', source: 'operator', from_agent: null });
    // Live output is never kept in the log.
    const kept = (await c.call('events.list', { after: 0, types: ['agent.*'], limit: 1000 })).events;
    assert.equal(kept.filter((e) => e.type === 'agent.output').length, 0);
  });

  test('agent.list and agent.info show it; it is a member of agents by default, or of the project given', async () => {
    const dir = scratchDir();
    await c.call('project.create', { project_id: 'own', name: 'own' });
    const b = await c.call('agent.create', { agent_name: 'b', backend: 'echo', working_directory: dir, project_id: 'own', model: 'm-1', system_prompt: 'be brief', add_dirs: [dir] });
    assert.equal(b.project_id, 'own');
    assert.equal(b.model, 'm-1');
    assert.equal(b.system_prompt, 'be brief');
    assert.deepEqual(b.add_dirs, [dir]);
    const info = await c.call('agent.info', { agent_name: 'b' });
    assert.deepEqual({ ...info, updated_at: b.updated_at }, b);
    const all = (await c.call('agent.list', {})).agents.map((x) => x.agent_name).sort();
    assert.deepEqual(all, ['a', 'b']);
    assert.deepEqual(
      (await c.call('agent.list', { project_id: 'own' })).agents.map((x) => x.agent_name),
      ['b'],
    );
    assert.deepEqual(
      (await c.call('agent.list', { project_id: 'agents' })).agents.map((x) => x.agent_name),
      ['a'],
    );
    const own = await c.call('project.info', { project_id: 'own' });
    assert.ok(!own.timed_out);
    const member = own.members.find((m) => m.agent_name === 'b');
    assert.ok(member, 'b is a member of own');
    const agents = await c.call('project.info', { project_id: 'agents' });
    assert.ok(!agents.timed_out);
    assert.ok(agents.members.some((m) => m.agent_name === 'a'), 'a is a member of agents');
    assert.ok(!agents.members.some((m) => m.agent_name === 'b'));

    await refusedWith(c.call('agent.create', { agent_name: 'b', backend: 'echo', working_directory: dir }), 'CONFLICT');
    await refusedWith(c.call('agent.create', { agent_name: 'c', backend: 'echo', working_directory: dir, project_id: 'nowhere' }), 'NOT_FOUND');
    await refusedWith(c.call('agent.info', { agent_name: 'ghost' }), 'NOT_FOUND');

    const removed = await c.call('agent.remove', { agent_name: 'b' });
    assert.deepEqual(removed, { agent_name: 'b', removed: true, worktree_removed: null, branch: null, worktree_error: null });
    const after = await c.call('project.info', { project_id: 'own' });
    assert.ok(!after.timed_out);
    assert.ok(!after.members.some((m) => m.agent_name === 'b'), 'b left own');
    await refusedWith(c.call('agent.history', { agent_name: 'b' }), 'NOT_FOUND');
  });

  test('env values are never shown: not in agent.info, events, the audit trail or the daemon log', async () => {
    const dir = scratchDir();
    const secrets = ['sekrit-create-7f3a9c', 'sekrit-update-51bd02', 'sekrit-refused-c0ffee'];
    const tap = await EventTap.open(await daemon.client(), ['*']);
    const created = await c.call('agent.create', { agent_name: 'env-a', backend: 'echo', working_directory: dir, env: { API_KEY: secrets[0]!, OTHER: 'plain' } });
    assert.deepEqual(created.env_names, ['API_KEY', 'OTHER']);
    const updated = await c.call('agent.update', { agent_name: 'env-a', env: { NEW_KEY: secrets[1]! } });
    assert.deepEqual(updated.env_names, ['NEW_KEY']);
    await refusedWith(c.call('agent.create', { agent_name: 'env-b', backend: 'echo', working_directory: `${dir}/missing`, env: { K: secrets[2]! } }), 'INVALID');
    await refusedWith(c.call('agent.update', { agent_name: 'env-a', env: { BRAINS_AGENT_TOKEN: secrets[2]! } }), 'INVALID');
    const sent = await c.call('agent.send', { agent_name: 'env-a', text: 'hello' });
    await finished(c, 'env-a', sent.turn_id!);
    await tap.until((events) => events.some((e) => e.type === 'agent.turn_finished' && (e.data as { agent_name: string }).agent_name === 'env-a'), 'the turn event');

    const shown = [
      JSON.stringify(await c.call('agent.info', { agent_name: 'env-a' })),
      JSON.stringify(await c.call('agent.list', {})),
      JSON.stringify(await c.call('agent.history', { agent_name: 'env-a' })),
      JSON.stringify((await c.call('events.list', { after: 0, limit: 1000 })).events),
      JSON.stringify(tap.events),
      JSON.stringify((await c.call('audit.list', { limit: 1000 })).rows),
      JSON.stringify((await c.call('agent.send', { agent_name: 'env-a', text: '#status' })).reply),
      daemon.stderr(),
    ];
    for (const secret of secrets) for (const [i, text] of shown.entries()) assert.ok(!text.includes(secret), `secret ${secret} shown in output ${i}`);
    const audit = (await c.call('audit.list', { method: 'agent.create', limit: 1000 })).rows;
    assert.ok(audit.some((r) => r.outcome === 'ok') && audit.some((r) => r.outcome !== 'ok'), 'both creates were audited');
  });
});
