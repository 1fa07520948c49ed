// Why this exists: the demo runs for hours on a newcomer's machine; what it adds must come from a fixed stock (each task idea
// and each handoff once), while a task stays there to claim and a handoff waits until every one has been decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterWork, handoffToSubmit, tasksToCreate, type TaskFact } from '../../bin/commands/demo-plan.js';
import { LINES, TASK_IDEAS } from '../../bin/commands/demo-cast.js';

const task = (title: string, status: string): TaskFact => ({ title, status, labels: [TASK_IDEAS.find((idea) => idea.title === title)!.label] });
const titles = (label: string) => TASK_IDEAS.filter((idea) => idea.label === label).map((idea) => idea.title);

test('the planner adds ideas it never added, up to two open per area, and nothing once every idea was made', () => {
  const first = tasksToCreate([], TASK_IDEAS, 2);
  assert.deepEqual(first.map((idea) => idea.title), [...titles('api').slice(0, 2), ...titles('web').slice(0, 2)]);

  // api: one done, one claimed, none open: two more; web: one open, one claimed: one more.
  const [api1, api2, api3, api4] = titles('api');
  const [web1, web2, web3] = titles('web');
  const later = [task(api1!, 'done'), task(api2!, 'claimed'), task(web1!, 'open'), task(web2!, 'claimed')];
  assert.deepEqual(tasksToCreate(later, TASK_IDEAS, 2).map((idea) => idea.title), [api3, api4, web3]);

  const everyDone = TASK_IDEAS.map((idea) => task(idea.title, 'done'));
  assert.deepEqual(tasksToCreate(everyDone, TASK_IDEAS, 2), [], 'a done task is never made again');
  const cancelled = TASK_IDEAS.map((idea) => task(idea.title, 'cancelled'));
  assert.deepEqual(tasksToCreate(cancelled, TASK_IDEAS, 2), [], 'nor one you cancelled');
});

test('a worker finishes its task while its area has other work, and gives the last one back to be claimed again', () => {
  const api = titles('api');
  const some = [task(api[0]!, 'claimed'), task(api[1]!, 'open')];
  assert.equal(afterWork('api', some, TASK_IDEAS), 'done', 'another task is open');
  assert.equal(afterWork('api', [task(api[0]!, 'claimed')], TASK_IDEAS), 'done', 'ideas are left to add');
  const last = api.map((title, i) => task(title, i === 0 ? 'claimed' : 'done'));
  assert.equal(afterWork('api', last, TASK_IDEAS), 'release', 'the area has nothing else: back in the queue');
  assert.equal(afterWork('web', [...last, ...titles('web').map((title) => task(title, 'done'))], TASK_IDEAS), 'release');
});

test('the same rounds played many times end with every idea made once, and a task always left to claim', () => {
  let tasks: TaskFact[] = [];
  for (let round = 0; round < 100; round += 1) {
    tasks = [...tasks, ...tasksToCreate(tasks, TASK_IDEAS, 2).map((idea) => ({ title: idea.title, labels: [idea.label], status: 'open' }))];
    for (const area of ['api', 'web']) {
      const claimed = tasks.find((t) => t.status === 'open' && t.labels.includes(area));
      if (!claimed) continue;
      claimed.status = 'claimed';
      claimed.status = afterWork(area, tasks, TASK_IDEAS) === 'done' ? 'done' : 'open';
    }
  }
  assert.deepEqual(tasks.map((t) => t.title).sort(), TASK_IDEAS.map((idea) => idea.title).sort(), 'each idea once');
  for (const area of ['api', 'web']) assert.equal(tasks.filter((t) => t.status === 'open' && t.labels.includes(area)).length, 1, `one ${area} task to claim`);
});

test('one handoff waits at a time; one decided is never handed in again; after the last decision none follows', () => {
  const [first, second] = LINES.handoffs;
  assert.equal(handoffToSubmit([], LINES.handoffs), first);
  assert.equal(handoffToSubmit([{ title: first.title, status: 'pending' }], LINES.handoffs), null, 'one already waits');
  assert.equal(handoffToSubmit([{ title: first.title, status: 'approved' }], LINES.handoffs), second, 'the next, not the approved one again');
  assert.equal(handoffToSubmit([{ title: first.title, status: 'denied' }], LINES.handoffs), second, 'nor the denied one');
  assert.equal(handoffToSubmit([{ title: first.title, status: 'cancelled' }], LINES.handoffs), first, 'a withdrawn one may come back');
  const decided = LINES.handoffs.map((h) => ({ title: h.title, status: 'approved' }));
  assert.equal(handoffToSubmit(decided, LINES.handoffs), null);
});
