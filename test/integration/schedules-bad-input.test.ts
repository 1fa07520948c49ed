// Bad input to every schedule method: wrong, missing, oversized and hostile params are refused with an error naming the
// field (never -32603), and nothing is stored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure, invalidParams, refusedWith } from '../helpers/rpc-assert.js';
import { scratchDir } from '../helpers/agents.js';
import { MAX_BODY_TEMPLATE_BYTES, MAX_TITLE_TEMPLATE_CHARS } from '../../rpc/contract/schedules.js';
import { MAX_TURN_TEXT_BYTES } from '../../rpc/contract/agents.js';

const { client: c } = withDaemon();
const FAR = '2099-01-01T00:00:00Z';
const turn = { agent_name: 'a', prompt: 'hi' };

async function refusedNaming(promise: Promise<unknown>, code: string, field: string, pattern?: RegExp): Promise<void> {
  const error = await refusedWith(promise, code);
  assert.equal((error.data as { field?: string }).field, field, error.message);
  if (pattern) assert.match(error.message, pattern);
}

describe('schedule methods refuse bad input', () => {
  test('schedule.create: each field', async () => {
    await c.call('agent.create', { agent_name: 'a', backend: 'echo', working_directory: scratchDir() });
    await c.call('project.create', { project_id: 'p', name: 'p' });
    const create = (params: Record<string, unknown>) => c.callRaw('schedule.create', { name: 'x', when: { at: FAR }, action: turn, ...params });
    await refusedNaming(create({ when: { cron: '0 25 * * *' } }), 'INVALID', 'when.cron', /hour field \(25\)/);
    await refusedNaming(create({ when: { cron: 'every day' } }), 'INVALID', 'when.cron', /2 fields/);
    await refusedNaming(create({ when: { cron: '0 9 * * *', tz: 'Nowhere/Atlantis' } }), 'INVALID', 'when.tz', /unknown time zone/);
    await refusedNaming(create({ when: { at: '2001-01-01T00:00:00Z' } }), 'INVALID', 'when.at', /in the past/);
    await refusedNaming(create({ when: { every_seconds: 0 } }), 'INVALID', 'when.every_seconds', /below 1/);
    await refusedNaming(create({ when: {} }), 'INVALID', 'when');
    await invalidParams(create({ when: { every_seconds: 1.5 } }));
    await invalidParams(create({ when: { hourly: true } }));
    await invalidParams(create({ when: 'tomorrow' }));
    await refusedWith(create({ action: { agent_name: 'nobody', prompt: 'hi' } }), 'NOT_FOUND');
    await refusedNaming(create({ action: { agent_name: 'a' } }), 'INVALID', 'action.prompt');
    await refusedNaming(create({ action: { prompt: 'hi', task: { title_template: 't' } }, project_id: 'p' }), 'INVALID', 'action', /not turn and task/);
    await refusedNaming(create({ action: {} }), 'INVALID', 'action');
    await refusedWith(create({ project_id: 'nope', action: { task: { title_template: 't' } } }), 'NOT_FOUND');
    await refusedNaming(create({ action: { task: { title_template: 't' } } }), 'INVALID', 'project_id');
    await refusedNaming(create({ project_id: 'p', action: { task: { title_template: 't'.repeat(MAX_TITLE_TEMPLATE_CHARS + 1) } } }), 'LIMIT_EXCEEDED', 'action.task.title_template');
    await refusedNaming(create({ project_id: 'p', action: { task: { title_template: 't', body: 'b'.repeat(MAX_BODY_TEMPLATE_BYTES + 1) } } }), 'LIMIT_EXCEEDED', 'action.task.body');
    await refusedNaming(create({ action: { agent_name: 'a', prompt: 'p'.repeat(MAX_TURN_TEXT_BYTES + 1) } }), 'LIMIT_EXCEEDED', 'action.prompt');
    await refusedNaming(create({ project_id: 'p', action: { message: { payload: 'x' } } }), 'INVALID', 'action.message');
    await refusedNaming(create({ project_id: 'p', action: { message: { to_agent: 'ghost', payload: 'x' } } }), 'NOT_FOUND', 'action.message.to_agent');
    await refusedWith(create({ project_id: 'p', action: { message: { broadcast: true, payload: 'x'.repeat(300 * 1024) } } }), 'LIMIT_EXCEEDED');
    await refusedNaming(create({ project_id: 'p' }), 'INVALID', 'project_id', /agents, not p/);
    await invalidParams(create({ name: '../../etc' }));
    await invalidParams(create({ name: 'a b' }));
    await invalidParams(create({ name: 'x'.repeat(101) }));
    await invalidParams(create({ name: 'evil\u202Eexe' }));
    await invalidParams(create({ project_id: 'p', action: { task: { title_template: 'hidden\u200Btext' } } }));
    await invalidParams(create({ jitter_seconds: -1 }));
    await invalidParams(create({ catch_up: 'always' }));
    await invalidParams(create({ lock: { key: 'a\nb' } }));
    await invalidParams(create({ lock: { key: 'k', wait_seconds: 99_999 } }));
    await invalidParams(c.callRaw('schedule.create', JSON.parse(`{"name":"x","when":{"at":"${FAR}"},"action":{"agent_name":"a","prompt":"hi","__proto__":{"polluted":true}}}`)));
    await invalidParams(c.callRaw('schedule.create', { when: { at: FAR }, action: turn }));
    await invalidParams(c.callRaw('schedule.create', { name: 'x', action: turn }));
    await invalidParams(c.callRaw('schedule.create', { name: 'x', when: { at: FAR } }));
    await invalidParams(create({ unknown_field: 1 }));
    await refusedWith(create({ created_by: 'ghost', project_id: 'p', action: { task: { title_template: 't' } } }), 'NOT_FOUND');
    assert.deepEqual((await c.call('schedule.list', {})).schedules, [], 'nothing was stored');
    await c.call('schedule.create', { name: 'x', when: { at: FAR }, action: turn });
    await refusedWith(create({}), 'CONFLICT');
  });

  test('the other methods: unknown names, bad limits, bad changes', async () => {
    for (const method of ['schedule.get', 'schedule.pause', 'schedule.resume', 'schedule.delete', 'schedule.fire', 'schedule.runs', 'schedule.update']) {
      await refusedWith(c.callRaw(method, { name: 'missing' }), 'NOT_FOUND');
      await invalidParams(c.callRaw(method, {}));
      await invalidParams(c.callRaw(method, { name: 'x/../y' }));
      await invalidParams(c.callRaw(method, { name: 'x', extra: true }));
    }
    await invalidParams(c.callRaw('schedule.runs', { name: 'x', limit: 0 }));
    await invalidParams(c.callRaw('schedule.runs', { name: 'x', limit: 100_000 }));
    await invalidParams(c.callRaw('schedule.list', { project_id: 'a b' }));
    await refusedNaming(c.callRaw('schedule.update', { name: 'x', when: { every_seconds: 0 } }), 'INVALID', 'when.every_seconds');
    await refusedWith(c.callRaw('schedule.update', { name: 'x', project_id: 'nope', action: { task: { title_template: 't' } } }), 'NOT_FOUND');
    await refusedNaming(c.callRaw('schedule.update', { name: 'x', project_id: 'p' }), 'INVALID', 'project_id', /agents, not p/);
    await refusedWith(c.callRaw('schedule.update', { name: 'x', action: { agent_name: 'ghost', prompt: 'p' } }), 'NOT_FOUND');
    const updated = await c.call('schedule.update', { name: 'x', when: { every_seconds: 3600 }, lock: { key: 'k' }, jitter_seconds: 5 });
    assert.deepEqual([updated.when, updated.lock, updated.jitter_seconds], [{ every_seconds: 3600 }, { key: 'k', wait_seconds: 0, ttl_seconds: 900 }, 5]);
    assert.equal((await c.call('schedule.update', { name: 'x', lock: null })).lock, null);
    const error = await failure(c.callRaw('schedule.runs', { name: 'x', before: -1 }));
    assert.notEqual(error.code, -32603);
  });
});
