// The small parts of the agent runtime on their own: conversation commands read, the slot limit, the turn clock, echo's pieces.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentInput } from '../../rpc/agent-commands.js';
import { Slots } from '../../daemon/agents/slots.js';
import { TurnClock } from '../../daemon/agents/turn-clock.js';
import { piecesOf } from '../../daemon/agents/drivers/echo.js';
import { agentEnvironment } from '../../daemon/agents/spec.js';
import type { AgentRow } from '../../daemon/store/agents.js';

test('a known #command is a command with its argument; ## sends one #; a near miss is refused; other # text is a prompt', () => {
  assert.deepEqual(parseAgentInput('#model claude-sonnet-4-5'), { kind: 'command', name: 'model', arg: 'claude-sonnet-4-5' });
  assert.deepEqual(parseAgentInput('  #NEW  '), { kind: 'command', name: 'new', arg: '' });
  assert.deepEqual(parseAgentInput('#system-prompt be brief\nand kind'), { kind: 'command', name: 'system-prompt', arg: 'be brief\nand kind' });
  assert.deepEqual(parseAgentInput('##model is a word'), { kind: 'text', text: '#model is a word' });
  assert.deepEqual(parseAgentInput('#modle x'), { kind: 'mistyped', typed: 'modle', nearest: 'model' });
  assert.deepEqual(parseAgentInput('#include <stdio.h> fails to build'), { kind: 'text', text: '#include <stdio.h> fails to build' });
  assert.deepEqual(parseAgentInput('fix #12 please'), { kind: 'text', text: 'fix #12 please' });
});

test('slots: no more than the limit at once; a waiter gets the slot given back; raising the limit lets waiters in', async () => {
  let limit = 1;
  const slots = new Slots(() => limit);
  const never = new AbortController().signal;
  const first = await slots.acquire(never);
  let second: (() => void) | null = null;
  const waiting = slots.acquire(never).then((release) => (second = release));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(second, null);
  assert.equal(slots.queued, 1);
  first();
  await waiting;
  assert.equal(slots.inUse, 1);
  const third = slots.acquire(never);
  limit = 2;
  slots.admit();
  (await third)();
  second!();
  assert.equal(slots.inUse, 0);
});

test('slots: a waiter whose signal aborts leaves the queue and never takes a slot', async () => {
  const slots = new Slots(() => 1);
  const release = await slots.acquire(new AbortController().signal);
  const abort = new AbortController();
  const waiting = slots.acquire(abort.signal);
  abort.abort();
  await assert.rejects(waiting);
  assert.equal(slots.queued, 0);
  release();
  assert.equal(slots.inUse, 0);
});

test('the turn clock stands still while paused and fires only for the time it ran', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let fired = 0;
    const clock = new TurnClock(1000, () => (fired += 1));
    mock.timers.tick(600);
    clock.pause();
    mock.timers.tick(10_000);
    assert.equal(fired, 0);
    clock.resume();
    mock.timers.tick(399);
    assert.equal(fired, 0);
    mock.timers.tick(1);
    assert.equal(fired, 1);
    clock.clear();
  } finally {
    mock.timers.reset();
  }
});

test('echo cuts its answer into a few pieces that add up to the text, never inside a character', () => {
  assert.deepEqual(piecesOf('hello world!', 4).join(''), 'hello world!');
  assert.ok(piecesOf('hello world!', 4).length <= 4);
  const emoji = '👍🏽 ok 🚀';
  assert.equal(piecesOf(emoji, 3).join(''), emoji);
  for (const piece of piecesOf(emoji, 3)) assert.ok(!/[\uD800-\uDBFF]$/.test(piece));
  assert.deepEqual(piecesOf(''), []);
});

test("an agent's environment is explicit: the daemon's secrets stay out, its agent env and brains' own variables go in", () => {
  const agent = { agent_name: 'ada', env: JSON.stringify({ MY_FLAG: '1' }) } as AgentRow;
  const env = agentEnvironment(agent, {
    daemonEnv: { PATH: '/usr/bin', HOME: '/home/me', ANTHROPIC_API_KEY: 'k', AWS_SECRET_SOMETHING: 's', GITHUB_TOKEN: 'gh', SSH_AUTH_SOCK: '/tmp/ssh', BRAINS_ADMIN: 'x' },
    stateHome: '/home/me/.brains',
    socket: '/home/me/.brains/brains.sock',
    token: 'tok',
  });
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.ANTHROPIC_API_KEY, 'k');
  assert.equal(env.MY_FLAG, '1');
  assert.equal(env.BRAINS_AGENT_TOKEN, 'tok');
  assert.equal(env.BRAINS_AGENT, 'ada');
  assert.equal(env.GITHUB_TOKEN, undefined);
  assert.equal(env.SSH_AUTH_SOCK, undefined);
  assert.equal(env.BRAINS_ADMIN, undefined);
});
