// Why this exists: the claude driver must hold one CLI process across turns, stream its events, resume by id, interrupt, and pass permission answers in the protocol's exact shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverEvent, DriverSession } from '../../daemon/agents/driver.js';
import { ClaudeDriver } from '../../daemon/agents/drivers/claude.js';
import { processAlive } from '../../rpc/process-alive.js';
import { eventLog, FAKE_CLAUDE, fakeClaude, until } from '../helpers/fake-claude.js';

const GUARD = { timeout: 30_000 };

async function withSession<T>(session: DriverSession, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await session.stop(2000);
  }
}

test('a turn streams its deltas and ends with the text, usage, cost and the session id', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const { events, onEvent } = eventLog();
    const outcome = await session.turn('hello there', onEvent);
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.text, 'You said: hello there');
    const deltas = events.filter((e): e is Extract<DriverEvent, { type: 'text' }> => e.type === 'text');
    assert.ok(deltas.length >= 2);
    assert.equal(deltas.map((e) => e.delta).join(''), outcome.text);
    assert.equal(events[0]!.type, 'session');
    assert.equal(outcome.nativeSessionId, (events[0] as { nativeSessionId: string }).nativeSessionId);
    assert.deepEqual(outcome.usage, { input_tokens: 12, output_tokens: 40, cache_read_input_tokens: 3000, cache_creation_input_tokens: 0 });
    assert.equal(typeof outcome.costUsd, 'number');

    const stdin = fake.records('stdin').map((r) => r.message);
    assert.deepEqual(stdin[0].request, { subtype: 'initialize', hooks: null });
    assert.equal(stdin[0].type, 'control_request');
    assert.deepEqual(stdin[1], { type: 'user', message: { role: 'user', content: 'hello there' }, session_id: '', parent_tool_use_id: null });
    assert.deepEqual(fake.records('argv')[0]!.argv!.slice(0, 9), ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--permission-prompt-tool', 'stdio']);
  });
});

test('claude found on the agent PATH resumes the stored session, and one process serves turn after turn', GUARD, async () => {
  const fake = fakeClaude({ binaryPath: null });
  const bin = join(fake.state, 'bin');
  mkdirSync(bin);
  symlinkSync(FAKE_CLAUDE, join(bin, 'claude'));
  const base = fake.spec();
  const session = await fake.driver.start(fake.spec({ nativeSessionId: 'stored-7d1e', env: { ...base.env, PATH: `${bin}:${base.env.PATH}` } }));
  await withSession(session, async () => {
    const pid = session.pid;
    const first = eventLog();
    const one = await session.turn('first', first.onEvent);
    const two = await session.turn('second', () => {});
    assert.deepEqual([one.status, two.status, one.nativeSessionId, two.nativeSessionId], ['done', 'done', 'stored-7d1e', 'stored-7d1e']);
    assert.deepEqual(
      first.events.filter((e) => e.type === 'session'),
      [],
      'the resumed id is already stored, so no session event repeats it',
    );
    assert.equal(session.pid, pid);
    const argvs = fake.records('argv');
    assert.equal(argvs.length, 1);
    assert.ok(argvs[0]!.argv!.includes('--resume=stored-7d1e'));
    assert.ok(!argvs[0]!.argv!.includes('--continue'));
  });
});

test('an interrupt ends a hanging turn as interrupted, and the session takes the next turn', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const log = eventLog();
    const hanging = session.turn('wait for me [hang]', log.onEvent);
    await log.next('session');
    await session.interrupt();
    const outcome = await hanging;
    assert.equal(outcome.status, 'interrupted');
    const interrupt = fake.records('stdin').find((r) => r.message.type === 'control_request' && r.message.request.subtype === 'interrupt');
    assert.deepEqual(Object.keys(interrupt!.message).sort(), ['request', 'request_id', 'type']);
    assert.deepEqual(interrupt!.message.request, { subtype: 'interrupt' });
    const after = await session.turn('still there?', () => {});
    assert.deepEqual([after.status, after.text], ['done', 'You said: still there?']);
  });
});

test('an allowed permission reaches the CLI as a control_response with the updated input', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const { events, onEvent } = eventLog((event) => {
      if (event.type === 'permission') session.answerPermission(event.requestId, { behavior: 'allow', updatedInput: { ...event.input, command: 'echo changed' } });
    });
    const outcome = await session.turn('run it [permission Bash: echo hi]', onEvent);
    assert.equal(outcome.status, 'done');
    assert.match(outcome.text, /^Permission allowed: ran "echo changed"\. /);
    const permission = events.find((e) => e.type === 'permission') as Extract<DriverEvent, { type: 'permission' }>;
    const toolUse = events.find((e) => e.type === 'tool_use') as Extract<DriverEvent, { type: 'tool_use' }>;
    assert.deepEqual([permission.toolName, permission.summary, permission.toolUseId], ['Bash', 'echo hi', toolUse.toolUseId]);
    assert.deepEqual(
      events.filter((e) => e.type !== 'text' && e.type !== 'session').map((e) => e.type),
      ['tool_use', 'permission', 'tool_result'],
    );
    const answer = fake.records('stdin').find((r) => r.message.type === 'control_response');
    assert.deepEqual(answer!.message, {
      type: 'control_response',
      response: {
        subtype: 'success',
        request_id: permission.requestId,
        response: { behavior: 'allow', updatedInput: { command: 'echo changed', description: 'Run the command the prompt names' } },
      },
    });
  });
});

test('a denied permission reaches the CLI with its message, and the tool result says so', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const { events, onEvent } = eventLog((event) => {
      if (event.type === 'permission') session.answerPermission(event.requestId, { behavior: 'deny', message: 'not on main' });
    });
    const outcome = await session.turn('[permission Bash: git push --force]', onEvent);
    assert.match(outcome.text, /^Permission denied: not on main\. /);
    const result = events.find((e) => e.type === 'tool_result') as Extract<DriverEvent, { type: 'tool_result' }>;
    assert.deepEqual([result.isError, result.summary], [true, 'not on main']);
    const answer = fake.records('stdin').find((r) => r.message.type === 'control_response');
    assert.deepEqual(answer!.message.response.response, { behavior: 'deny', message: 'not on main' });
    session.answerPermission('no-such-request', { behavior: 'deny', message: 'late' });
    assert.ok(fake.logs.some((line) => line.includes('no-such-request')));
    assert.equal(fake.records('stdin').filter((r) => r.message.type === 'control_response').length, 1);
  });
});

test('a tool used without asking arrives as a tool_use and its tool_result', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const { events, onEvent } = eventLog();
    await session.turn(`[tool Read: ${join(fake.state, 'src/a.ts')}]`, onEvent);
    const [use, result] = events.filter((e) => e.type === 'tool_use' || e.type === 'tool_result');
    assert.deepEqual(use, { type: 'tool_use', toolUseId: (use as { toolUseId: string }).toolUseId, name: 'Read', summary: 'read src/a.ts' });
    assert.equal((result as { isError: boolean }).isError, false);
  });
});

test('an interrupt while a permission waits withdraws the request: the turn is interrupted and a late answer goes nowhere', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  await withSession(session, async () => {
    const log = eventLog();
    const turn = session.turn('[permission Bash: make deploy]', log.onEvent);
    const permission = (await log.next('permission')) as Extract<DriverEvent, { type: 'permission' }>;
    await session.interrupt();
    assert.equal((await turn).status, 'interrupted');
    session.answerPermission(permission.requestId, { behavior: 'allow', updatedInput: permission.input });
    assert.equal(fake.records('stdin').filter((r) => r.message.type === 'control_response').length, 0);
    assert.equal((await session.turn('next', () => {})).status, 'done');
  });
});

test('a CLI that ignores an interrupt is killed after the grace period, and the turn still ends as interrupted', GUARD, async () => {
  const fake = fakeClaude();
  const driver = new ClaudeDriver({ binaryPath: FAKE_CLAUDE, interruptGraceMs: 300, log: (msg) => fake.logs.push(msg) });
  const session = await driver.start(fake.spec());
  const pid = session.pid!;
  const log = eventLog();
  const turn = session.turn('[deaf]', log.onEvent);
  await log.next('session');
  await session.interrupt();
  const outcome = await turn;
  assert.deepEqual([outcome.status, outcome.error], ['interrupted', 'claude did not stop when interrupted; its process was killed']);
  await until(() => !processAlive(pid));
  assert.equal((await session.turn('next', () => {})).transient, true);
});
