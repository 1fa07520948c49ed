// Bad input to every agent.* method through a real daemon: wrong types, missing or unknown params, oversized and hostile
// values, and callers that are not the operator. Each is a short clear error with the right code (never an internal
// error), and a refused call writes nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrainsClient } from '../../rpc/client.js';
import { RpcCallError } from '../../rpc/errors.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure } from '../helpers/rpc-assert.js';
import { scratchDir, turns } from '../helpers/agents.js';

const { daemon, client: c } = withDaemon();
const INVALID_PARAMS = -32602;

/** The call is refused with this code (-32602 or an application code), in a short message; never -32603. */
async function refused(promise: Promise<unknown>, expected: number | string, label: string): Promise<RpcCallError> {
  const error = await failure(promise).catch((e: unknown) => {
    throw new Error(`${label}: ${String(e)}`);
  });
  assert.notEqual(error.code, -32603, `${label}: an internal error: ${error.message}`);
  if (typeof expected === 'number') assert.equal(error.code, expected, `${label}: expected ${expected}, got ${error.code} ${error.appCode}: ${error.message}`);
  else assert.equal(error.appCode, expected, `${label}: expected ${expected}, got ${error.appCode}: ${error.message}`);
  assert.ok(error.message.length > 0 && error.message.length < 400, `${label}: a short message, got ${error.message.length} chars: ${error.message.slice(0, 200)}…`);
  return error;
}

const snapshot = async (client: BrainsClient = c) => JSON.stringify((await client.call('agent.list', {})).agents);

describe('agent.* refuse bad input', () => {
  const dir = scratchDir();
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'sub'));
  const ok = { agent_name: 'good', backend: 'echo', working_directory: dir };

  test('agent.create: wrong types, missing, unknown, oversized and hostile params; nothing is written', async () => {
    const before = await snapshot();
    const cases: [string, unknown, number | string][] = [
      ['no params', {}, INVALID_PARAMS],
      ['no agent_name', { backend: 'echo', working_directory: dir }, INVALID_PARAMS],
      ['no backend', { agent_name: 'x', working_directory: dir }, INVALID_PARAMS],
      ['no working_directory', { agent_name: 'x', backend: 'echo' }, INVALID_PARAMS],
      ['agent_name a number', { ...ok, agent_name: 5 }, INVALID_PARAMS],
      ['agent_name null', { ...ok, agent_name: null }, INVALID_PARAMS],
      ['agent_name empty', { ...ok, agent_name: '' }, INVALID_PARAMS],
      ['agent_name with a space', { ...ok, agent_name: 'a b' }, INVALID_PARAMS],
      ['agent_name with a slash', { ...ok, agent_name: '../x' }, INVALID_PARAMS],
      ['agent_name with a control character', { ...ok, agent_name: 'a\u0007b' }, INVALID_PARAMS],
      ['agent_name with a bidi override', { ...ok, agent_name: 'a\u202eb' }, INVALID_PARAMS],
      ['agent_name too long', { ...ok, agent_name: 'a'.repeat(257) }, INVALID_PARAMS],
      ['agent_name operator', { ...ok, agent_name: 'operator' }, 'INVALID'],
      ['backend unknown', { ...ok, backend: 'bogus' }, INVALID_PARAMS],
      ['backend a number', { ...ok, backend: 1 }, INVALID_PARAMS],
      ['working_directory relative', { ...ok, working_directory: 'rel/dir' }, INVALID_PARAMS],
      ['working_directory ../', { ...ok, working_directory: '../up' }, INVALID_PARAMS],
      ['working_directory with .. inside', { ...ok, working_directory: `${dir}/sub/..` }, 'INVALID'],
      ['working_directory with . inside', { ...ok, working_directory: `${dir}/./sub` }, 'INVALID'],
      ['working_directory missing', { ...ok, working_directory: `${dir}/missing` }, 'INVALID'],
      ['working_directory a file', { ...ok, working_directory: file }, 'INVALID'],
      ['working_directory with NUL', { ...ok, working_directory: `${dir}\u0000x` }, 'INVALID'],
      ['working_directory a number', { ...ok, working_directory: 7 }, INVALID_PARAMS],
      ['working_directory too long', { ...ok, working_directory: `/${'a'.repeat(5000)}` }, INVALID_PARAMS],
      ['model empty', { ...ok, model: '' }, INVALID_PARAMS],
      ['model with a space', { ...ok, model: 'a b' }, INVALID_PARAMS],
      ['model with a control character', { ...ok, model: 'm\u001b[31m' }, INVALID_PARAMS],
      ['model too long', { ...ok, model: 'm'.repeat(201) }, INVALID_PARAMS],
      ['system_prompt over 64 KiB (chars)', { ...ok, system_prompt: 'x'.repeat(64 * 1024 + 1) }, INVALID_PARAMS],
      ['system_prompt over 64 KiB (bytes)', { ...ok, system_prompt: 'é'.repeat(40_000) }, 'LIMIT_EXCEEDED'],
      ['system_prompt with NUL', { ...ok, system_prompt: 'be\u0000bad' }, 'INVALID'],
      ['system_prompt a number', { ...ok, system_prompt: 1 }, INVALID_PARAMS],
      ['env an array', { ...ok, env: ['A=1'] }, INVALID_PARAMS],
      ['env over 100 variables', { ...ok, env: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) }, INVALID_PARAMS],
      ['env name with =', { ...ok, env: { 'A=B': 'x' } }, INVALID_PARAMS],
      ['env name starting with a digit', { ...ok, env: { '1A': 'x' } }, INVALID_PARAMS],
      ['env name empty', { ...ok, env: { '': 'x' } }, INVALID_PARAMS],
      ['env value a number', { ...ok, env: { A: 1 } }, INVALID_PARAMS],
      ['env value over 32 KiB', { ...ok, env: { A: 'x'.repeat(32 * 1024 + 1) } }, INVALID_PARAMS],
      ['env value with NUL', { ...ok, env: { A: 'a\u0000b' } }, 'INVALID'],
      ['env BRAINS_AGENT_TOKEN', { ...ok, env: { BRAINS_AGENT_TOKEN: 'forged' } }, 'INVALID'],
      ['env BRAINS_HOME', { ...ok, env: { BRAINS_HOME: '/tmp' } }, 'INVALID'],
      ['env BRAINS_SOCKET', { ...ok, env: { BRAINS_SOCKET: '/tmp/other.sock' } }, 'INVALID'],
      ['auto_reply a string', { ...ok, auto_reply: 'yes' }, INVALID_PARAMS],
      ['add_dirs relative', { ...ok, add_dirs: ['rel'] }, INVALID_PARAMS],
      ['add_dirs with ..', { ...ok, add_dirs: [`${dir}/sub/../sub`] }, 'INVALID'],
      ['add_dirs missing', { ...ok, add_dirs: [`${dir}/missing`] }, 'INVALID'],
      ['add_dirs too many', { ...ok, add_dirs: Array.from({ length: 33 }, () => dir) }, INVALID_PARAMS],
      ['command for echo', { ...ok, command: ['cat'] }, 'INVALID'],
      ['command backend without command', { ...ok, backend: 'command' }, 'INVALID'],
      ['command empty', { ...ok, backend: 'command', command: [] }, INVALID_PARAMS],
      ['command with an empty program', { ...ok, backend: 'command', command: [''] }, INVALID_PARAMS],
      ['command with NUL', { ...ok, backend: 'command', command: ['cat', 'a\u0000'] }, 'INVALID'],
      ['command too many arguments', { ...ok, backend: 'command', command: Array.from({ length: 65 }, () => 'a') }, INVALID_PARAMS],
      ['project_id bad', { ...ok, project_id: 'a b' }, INVALID_PARAMS],
      ['project_id unknown', { ...ok, project_id: 'nowhere' }, 'NOT_FOUND'],
      ['an unknown key', { ...ok, colour: 'red' }, INVALID_PARAMS],
      ['a key trying to set state', { ...ok, state: 'working' }, INVALID_PARAMS],
      ['params an array', [ok], INVALID_PARAMS],
    ];
    for (const [label, params, code] of cases) await refused(c.callRaw('agent.create', params), code, label);
    assert.equal(await snapshot(), before, 'agent.list unchanged');
    const projects = (await c.call('project.list', {})).projects.map((p) => p.project_id);
    assert.ok(!projects.includes('agents'), 'no refused create made the default project');
    assert.equal((await c.call('events.list', { after: 0, types: ['agent.*', 'project.*'], limit: 1000 })).events.length, 0, 'no event for a refused create');

    await c.call('project.create', { project_id: 'old', name: 'old' });
    await c.call('project.archive', { project_id: 'old' });
    await refused(c.callRaw('agent.create', { ...ok, project_id: 'old' }), 'CONFLICT', 'an archived project');
    await c.call('project.create', { project_id: 'held', name: 'held' });
    await c.call('project.join', { project_id: 'held', agent_name: 'taken', client_id: 'held-taken' });
    await refused(c.callRaw('agent.create', { ...ok, agent_name: 'taken', project_id: 'held' }), 'CONFLICT', 'a name an outside agent holds');
    assert.equal(await snapshot(), before, 'agent.list unchanged');
    await c.call('agent.create', ok as never);
    await refused(c.callRaw('agent.create', ok), 'CONFLICT', 'the same name twice');
  });

  test('agent.update, agent.send and the conversation commands refuse the same, changing nothing', async () => {
    const before = await snapshot();
    const cases: [string, string, unknown, number | string][] = [
      ['update: no params', 'agent.update', {}, INVALID_PARAMS],
      ['update: unknown agent', 'agent.update', { agent_name: 'ghost', model: 'm' }, 'NOT_FOUND'],
      ['update: project_id is not settable', 'agent.update', { agent_name: 'good', project_id: 'held' }, INVALID_PARAMS],
      ['update: backend unknown', 'agent.update', { agent_name: 'good', backend: 'x' }, INVALID_PARAMS],
      ['update: backend command without command', 'agent.update', { agent_name: 'good', backend: 'command' }, 'INVALID'],
      ['update: working_directory relative', 'agent.update', { agent_name: 'good', working_directory: 'x' }, INVALID_PARAMS],
      ['update: working_directory with ..', 'agent.update', { agent_name: 'good', working_directory: `${dir}/..` }, 'INVALID'],
      ['update: env reserved', 'agent.update', { agent_name: 'good', env: { BRAINS_AGENT_TOKEN: 'x' } }, 'INVALID'],
      ['update: env with NUL', 'agent.update', { agent_name: 'good', env: { A: '\u0000' } }, 'INVALID'],
      ['update: system_prompt too big', 'agent.update', { agent_name: 'good', system_prompt: 'é'.repeat(40_000) }, 'LIMIT_EXCEEDED'],
      ['update: model a number', 'agent.update', { agent_name: 'good', model: 3 }, INVALID_PARAMS],
      ['update: command for echo', 'agent.update', { agent_name: 'good', command: ['cat'] }, 'INVALID'],
      ['send: no params', 'agent.send', {}, INVALID_PARAMS],
      ['send: no text', 'agent.send', { agent_name: 'good' }, INVALID_PARAMS],
      ['send: empty text', 'agent.send', { agent_name: 'good', text: '' }, INVALID_PARAMS],
      ['send: text a number', 'agent.send', { agent_name: 'good', text: 42 }, INVALID_PARAMS],
      ['send: text over 256 KiB', 'agent.send', { agent_name: 'good', text: 'x'.repeat(256 * 1024 + 1) }, 'LIMIT_EXCEEDED'],
      ['send: text over 256 KiB in bytes', 'agent.send', { agent_name: 'good', text: '€'.repeat(90_000) }, 'LIMIT_EXCEEDED'],
      ['send: an unknown key', 'agent.send', { agent_name: 'good', text: 'hi', priority: 1 }, INVALID_PARAMS],
      ['send: unknown agent', 'agent.send', { agent_name: 'ghost', text: 'hi' }, 'NOT_FOUND'],
      ['#workspace relative', 'agent.send', { agent_name: 'good', text: '#workspace tmp' }, 'INVALID'],
      ['#workspace with ..', 'agent.send', { agent_name: 'good', text: `#workspace ${dir}/sub/..` }, 'INVALID'],
      ['#add-dir with ..', 'agent.send', { agent_name: 'good', text: `#add-dir ${dir}/../..` }, 'INVALID'],
      ['#add-dir a file', 'agent.send', { agent_name: 'good', text: `#add-dir ${file}` }, 'INVALID'],
      ['#model with a control character', 'agent.send', { agent_name: 'good', text: '#model a\u0007' }, 'INVALID'],
      ['#model too long', 'agent.send', { agent_name: 'good', text: `#model ${'m'.repeat(201)}` }, 'INVALID'],
      ['#system-prompt too big', 'agent.send', { agent_name: 'good', text: `#system-prompt ${'é'.repeat(40_000)}` }, 'LIMIT_EXCEEDED'],
      ['#system-prompt with NUL', 'agent.send', { agent_name: 'good', text: '#system-prompt a\u0000b' }, 'INVALID'],
      ['#backend unknown', 'agent.send', { agent_name: 'good', text: '#backend gpt' }, 'INVALID'],
      ['#stauts', 'agent.send', { agent_name: 'good', text: '#stauts' }, 'INVALID'],
    ];
    for (const [label, method, params, code] of cases) await refused(c.callRaw(method, params), code, label);
    assert.equal(await snapshot(), before, 'nothing changed');
    assert.deepEqual(await turns(c, 'good'), [], 'no turn queued');
  });

  test('agent.list, info, remove, history, interrupt and reset refuse bad params', async () => {
    const cases: [string, string, unknown, number | string][] = [
      ['list: project_id a number', 'agent.list', { project_id: 5 }, INVALID_PARAMS],
      ['list: project_id hostile', 'agent.list', { project_id: '../etc' }, INVALID_PARAMS],
      ['list: unknown key', 'agent.list', { state: 'idle' }, INVALID_PARAMS],
      ['info: no params', 'agent.info', {}, INVALID_PARAMS],
      ['info: name a number', 'agent.info', { agent_name: 1 }, INVALID_PARAMS],
      ['info: unknown', 'agent.info', { agent_name: 'ghost' }, 'NOT_FOUND'],
      ['info: unknown key', 'agent.info', { agent_name: 'good', verbose: true }, INVALID_PARAMS],
      ['remove: no params', 'agent.remove', {}, INVALID_PARAMS],
      ['remove: unknown', 'agent.remove', { agent_name: 'ghost' }, 'NOT_FOUND'],
      ['remove: hostile name', 'agent.remove', { agent_name: "good'; DROP TABLE agents; --" }, INVALID_PARAMS],
      ['history: no params', 'agent.history', {}, INVALID_PARAMS],
      ['history: limit 0', 'agent.history', { agent_name: 'good', limit: 0 }, INVALID_PARAMS],
      ['history: limit 501', 'agent.history', { agent_name: 'good', limit: 501 }, INVALID_PARAMS],
      ['history: limit a string', 'agent.history', { agent_name: 'good', limit: '5' }, INVALID_PARAMS],
      ['history: before not a turn id', 'agent.history', { agent_name: 'good', before: 'msg-1' }, INVALID_PARAMS],
      ['history: before turn-0', 'agent.history', { agent_name: 'good', before: 'turn-0' }, INVALID_PARAMS],
      ['history: unknown', 'agent.history', { agent_name: 'ghost' }, 'NOT_FOUND'],
      ['interrupt: no params', 'agent.interrupt', {}, INVALID_PARAMS],
      ['interrupt: unknown', 'agent.interrupt', { agent_name: 'ghost' }, 'NOT_FOUND'],
      ['interrupt: unknown key', 'agent.interrupt', { agent_name: 'good', turn_id: 'turn-1' }, INVALID_PARAMS],
      ['reset: no params', 'agent.reset', {}, INVALID_PARAMS],
      ['reset: unknown', 'agent.reset', { agent_name: 'ghost' }, 'NOT_FOUND'],
      ['reset: name with newline', 'agent.reset', { agent_name: 'good\n' }, INVALID_PARAMS],
    ];
    for (const [label, method, params, code] of cases) await refused(c.callRaw(method, params), code, label);
    assert.equal((await c.call('agent.info', { agent_name: 'good' })).agent_name, 'good', 'still there');
  });

  test('callers that are not the operator are refused every agent.* method, and the refusals are audited', async () => {
    await c.call('project.join', { project_id: 'held', agent_name: 'member', client_id: 'held-member' });
    const { token } = await c.call('mcp.token', { project_id: 'held', agent_name: 'member' });
    const asToken = await daemon.client();
    await asToken.call('session.authenticate', { token });
    const asInstance = await daemon.client();
    await asInstance.call('session.start', { tool: 'other', client_id: 'held-member', bind: true });
    const before = await snapshot();
    const calls: [string, unknown][] = [
      ['agent.create', { agent_name: 'sneaky', backend: 'echo', working_directory: dir, project_id: 'held' }],
      ['agent.list', {}],
      ['agent.info', { agent_name: 'good' }],
      ['agent.update', { agent_name: 'good', model: 'stolen' }],
      ['agent.remove', { agent_name: 'good' }],
      ['agent.send', { agent_name: 'good', text: 'do my bidding' }],
      ['agent.history', { agent_name: 'good' }],
      ['agent.interrupt', { agent_name: 'good' }],
      ['agent.reset', { agent_name: 'good' }],
    ];
    for (const [who, client] of [['token', asToken], ['instance', asInstance]] as const) {
      for (const [method, params] of calls) await refused(client.callRaw(method, params), 'PERMISSION_DENIED', `${method} as ${who}`);
    }
    assert.equal(await snapshot(), before, 'nothing changed');
    assert.deepEqual(await turns(c, 'good'), []);
    const denied = (await c.call('audit.list', { actor: 'token:held/member', limit: 1000 })).rows.filter((r) => r.method.startsWith('agent.'));
    assert.ok(denied.length >= 5 && denied.every((r) => r.outcome === 'PERMISSION_DENIED'), `the token's refusals are audited: ${JSON.stringify(denied.map((r) => [r.method, r.outcome]))}`);
  });
});
