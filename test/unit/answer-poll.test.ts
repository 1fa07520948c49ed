// A client polls for a quick call's answer while it is awaited, within a budget, and never for a call that parks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerPoll, isQuickCall } from '../../rpc/answer-poll.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await turn();
}

test('polls while a quick call is awaited and stops on the turn after its answer', async () => {
  let awaited = true;
  const poll = new AnswerPoll(() => awaited, 60_000);
  assert.equal(poll.active, false);
  poll.begin();
  assert.equal(poll.active, true);
  await turns(5);
  assert.equal(poll.active, true, 'still awaited: still polling');
  awaited = false;
  await turns(2);
  assert.equal(poll.active, false);
});

test('stops once the budget since the latest write is spent, though the answer is still awaited', async () => {
  let clock = 0;
  const poll = new AnswerPoll(() => true, 10, () => clock);
  poll.begin();
  clock = 9;
  await turns(3);
  assert.equal(poll.active, true);
  poll.begin(); // a second quick call, written at 9: the budget now runs to 19
  clock = 15;
  await turns(3);
  assert.equal(poll.active, true, 'the latest write restarted the budget');
  clock = 19;
  await turns(2);
  assert.equal(poll.active, false);
  poll.begin();
  assert.equal(poll.active, true, 'a later call polls again');
  clock = 40;
  await turns(2);
  assert.equal(poll.active, false);
});

test('a budget of 0 (one CPU, or turned off) never polls', async () => {
  for (const budget of [0, -1, Number.NaN]) {
    const poll = new AnswerPoll(() => true, budget);
    poll.begin();
    assert.equal(poll.active, false, `budget ${budget}`);
  }
});

test('timers and I/O still run while it polls', async () => {
  let awaited = true;
  const poll = new AnswerPoll(() => awaited, 60_000);
  poll.begin();
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(poll.active, true, 'the timer fired while polling');
  awaited = false;
  await turns(2);
  assert.equal(poll.active, false);
});

test('only a call with wait: true is not quick', () => {
  assert.equal(isQuickCall({ wait: true, timeout_seconds: 5 }), false);
  for (const params of [{ wait: false }, { wait: 'true' }, {}, undefined, null, [], 'x', { nested: { wait: true } }]) assert.equal(isQuickCall(params), true, JSON.stringify(params));
});
