// Text that could spoof the operator's views: invisible characters are refused in one-line fields and kept (shown escaped)
// in bodies; `__proto__` is refused as a key in every param, at any depth, the same way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcCallError } from '../../rpc/errors.js';
import { runCli } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure, headSeq, projectWith } from '../helpers/rpc-assert.js';

/** A refusal as invalid params whose message names the field and says what to do. */
async function refusedAt(promise: Promise<unknown>, field: string, says: RegExp): Promise<RpcCallError> {
  const error = await failure(promise);
  assert.equal(error.code, -32602, `${field}: expected invalid params, got ${error.code}: ${error.message}`);
  assert.ok(error.message.includes(`${field}: `), `${field} is named: ${error.message}`);
  assert.match(error.message, says, field);
  return error;
}

describe('invisible characters', () => {
  const { daemon, client: c } = withDaemon();

  test('one-line fields refuse control, bidi and zero-width characters, naming the field and the code point; nothing is stored', async () => {
    await projectWith(c, 'inv', ['alpha']);
    const session = await c.call('session.start', { tool: 'other', client_id: 'inv-session' });
    const pending = await c.call('approval.request', { project_id: 'inv', agent_name: 'alpha', title: 'fine title' });
    const before = await headSeq(c);
    const cases: Array<[string, (bad: string) => Promise<unknown>]> = [
      ['name', (bad) => c.callRaw('project.create', { project_id: 'inv2', name: bad })],
      ['archive_reason', (bad) => c.callRaw('project.archive', { project_id: 'inv', archive_reason: bad })],
      ['capabilities.0', (bad) => c.callRaw('project.join', { project_id: 'inv', agent_name: 'beta', capabilities: [bad] })],
      ['labels.team', (bad) => c.callRaw('project.join', { project_id: 'inv', agent_name: 'beta', labels: { team: bad } })],
      ['labels', (bad) => c.callRaw('project.join', { project_id: 'inv', agent_name: 'beta', labels: { [bad]: 'x' } })],
      ['name', (bad) => c.callRaw('resource.store', { project_id: 'inv', resource_id: 'doc', agent_name: 'alpha', name: bad, content: 'x' })],
      ['title', (bad) => c.callRaw('task.create', { project_id: 'inv', title: bad })],
      ['labels.0', (bad) => c.callRaw('task.create', { project_id: 'inv', title: 'ok', labels: [bad] })],
      ['title', (bad) => c.callRaw('approval.request', { project_id: 'inv', agent_name: 'alpha', title: bad })],
      ['options.0', (bad) => c.callRaw('approval.request', { project_id: 'inv', agent_name: 'alpha', title: 'ok', options: [bad, 'no'] })],
      ['title', (bad) => c.callRaw('handoff.submit', { project_id: 'inv', agent_name: 'alpha', title: bad, summary: 'done' })],
      ['reason', (bad) => c.callRaw('approval.cancel', { approval_id: pending.approval_id, reason: bad })],
      ['label', (bad) => c.callRaw('session.start', { tool: 'other', client_id: 'inv-other', label: bad })],
      ['reason', (bad) => c.callRaw('session.end', { session_id: session.session_id, reason: bad })],
      ['events.0.subject', (bad) => c.callRaw('events.publish', { events: [{ type: 'user.note', subject: bad }] })],
      ['key', (bad) => c.callRaw('lock.acquire', { key: bad, project_id: 'inv', agent_name: 'alpha' })],
    ];
    const hidden: Array<[string, string]> = [
      ['\u202e', 'U+202E'],
      ['\u2066', 'U+2066'],
      ['\u200b', 'U+200B'],
      ['\ufeff', 'U+FEFF'],
      ['\u0000', 'U+0000'],
      ['\u001b', 'U+001B'],
      ['\u0085', 'U+0085'],
    ];
    for (const [field, call] of cases) {
      for (const [char, name] of hidden) {
        await refusedAt(call(`ab${char}cd`), field, new RegExp(`${name.replace('+', '\\+')} at character 3.*use plain visible text on one line`));
      }
    }
    assert.equal(await headSeq(c), before, 'no refused call stored anything');
    assert.equal((await c.call('session.list', {})).sessions.find((s) => s.session_id === session.session_id)?.state, 'active');
    assert.equal((await c.call('approval.get', { approval_id: pending.approval_id })).status, 'pending');
    // Visible text of every kind still passes.
    const fine = await c.call('task.create', { project_id: 'inv', title: 'Ümlauts, 日本語, — dashes and 😀', labels: ['ui'] });
    assert.equal(fine.title, 'Ümlauts, 日本語, — dashes and 😀');
  });

  test('bodies keep them as sent; brains inbox shows them escaped', async () => {
    await projectWith(c, 'body', ['writer']);
    const spoof = 'pay to \u202eexe.txt\u200b and \u001b[31mred';
    await c.call('message.send', { project_id: 'body', from_agent: 'writer', to_agent: 'operator', payload: spoof });
    const task = await c.call('task.create', { project_id: 'body', title: 'with a body', body: `line one\n${spoof}` });
    assert.equal((await c.call('task.get', { project_id: 'body', task_id: task.task_id })).body, `line one\n${spoof}`);
    const received = await c.call('message.list', { project_id: 'body' });
    assert.equal(received.messages.at(-1)?.payload, spoof, 'the payload is stored as sent');
    const shown = await runCli(['inbox', '--project', 'body'], { home: daemon.home });
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes('pay to \\u202Eexe.txt\\u200B and \\u001B[31mred'), shown.stdout);
    assert.ok(!/[\u202e\u200b\u001b]/.test(shown.stdout), 'nothing invisible reaches the terminal');
  });
});

describe('__proto__ as a key', () => {
  const { client: c } = withDaemon();

  test('refused in every field and at any depth, the same way, naming where; nothing is stored', async () => {
    await projectWith(c, 'proto', ['alpha', 'beta']);
    const hostile = (json: string) => JSON.parse(json) as Record<string, unknown>;
    const before = await headSeq(c);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['metadata.__proto__', () => c.callRaw('message.send', { project_id: 'proto', from_agent: 'alpha', to_agent: 'beta', payload: 'x', metadata: hostile('{"__proto__":{"admin":true}}') })],
      ['payload.__proto__', () => c.callRaw('message.send', { project_id: 'proto', from_agent: 'alpha', to_agent: 'beta', payload: hostile('{"__proto__":1}') })],
      ['payload.a.1.__proto__', () => c.callRaw('message.send', { project_id: 'proto', from_agent: 'alpha', to_agent: 'beta', payload: { a: [0, hostile('{"__proto__":null}')] } })],
      ['context.__proto__', () => c.callRaw('project.create', { project_id: 'proto2', name: 'p', context: hostile('{"goal":"x","__proto__":{"polluted":1}}') })],
      ['labels.__proto__', () => c.callRaw('project.join', { project_id: 'proto', agent_name: 'gamma', labels: hostile('{"__proto__":"x"}') })],
      ['events.0.data.__proto__', () => c.callRaw('events.publish', { events: [{ type: 'user.note', data: hostile('{"__proto__":1}') }] })],
      ['__proto__', () => c.callRaw('task.create', hostile('{"project_id":"proto","title":"t","__proto__":{"priority":"p0"}}'))],
    ];
    for (const [path, call] of cases) await refusedAt(call(), path, /'__proto__' is not allowed as a key; rename it/);
    const error = await failure(cases[0]![1]());
    assert.deepEqual((error.data as { issues: unknown }).issues, [{ path: ['metadata', '__proto__'], code: 'forbidden_key', message: "'__proto__' is not allowed as a key; rename it" }]);
    assert.equal(await headSeq(c), before, 'nothing was stored');
    assert.equal((await c.call('message.list', { project_id: 'proto' })).messages.length, 0);
    // Keys that only look alike are ordinary keys, kept everywhere.
    const sent = await c.call('message.send', { project_id: 'proto', from_agent: 'alpha', to_agent: 'beta', payload: { constructor: 1, __proto: 2 }, metadata: { prototype: 3 } });
    const listed = (await c.call('message.list', { project_id: 'proto' })).messages.find((m) => m.message_id === sent.message_id);
    assert.deepEqual(listed?.payload, { constructor: 1, __proto: 2 });
    assert.deepEqual(listed?.metadata, { prototype: 3 });
  });
});
