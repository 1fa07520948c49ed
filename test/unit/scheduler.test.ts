// The scheduler in-process on a real store, bus and mutate, with a fake clock: one timer to the earliest due run,
// pause and resume, catch-up (once or skip) after downtime, exactly once across a restart and a clock step, a run that
// fails (recorded, the next still scheduled), and the run log's retention.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate } from '../../daemon/events/mutate.js';
import { RuntimeSettings } from '../../daemon/settings.js';
import { createHooks } from '../../daemon/planes/shared/hooks.js';
import { schedulesHandlers } from '../../daemon/planes/schedules/handlers.js';
import type { PlaneDeps } from '../../daemon/planes/shared/deps.js';
import { Access } from '../../daemon/principals/access.js';
import { OPERATOR_PRINCIPAL } from '../../daemon/principals/principal.js';
import { outsideCall } from '../../daemon/principals/call-scope.js';
import { createLogger } from '../../daemon/log.js';
import { Scheduler } from '../../daemon/scheduler/scheduler.js';
import type { SchedulerClock } from '../../daemon/scheduler/clock.js';
import type { CallContext } from '../../daemon/planes/shared/call.js';
import type { ScheduleRecord } from '../../rpc/contract/schedules.js';

const dir = mkdtempSync(join(tmpdir(), 'bsch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const T0 = Date.parse('2026-06-01T10:00:00Z');

/** A clock that moves only when told; its one timer fires when time passes it. */
class FakeClock implements SchedulerClock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private ids = 0;
  constructor(public time: number) {}
  now = () => this.time;
  setTimer = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimer = (handle: unknown) => void this.timers.delete(handle as number);
  get armed(): number {
    return this.timers.size;
  }
  /** Move time forward, firing timers in order as their moments pass. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
      await settle();
    }
    this.time = end;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Rig {
  store: Store;
  clock: FakeClock;
  scheduler: Scheduler;
  calls: Array<{ method: string; params: Record<string, unknown> }>;
  handlers: ReturnType<typeof schedulesHandlers>;
  failNext: { value: boolean };
  /** A daemon restart: a new scheduler on the same database, at this time. */
  restart(at: number): Promise<Rig>;
}

async function rig(file = join(dir, `s${++files}.sqlite`), clock = new FakeClock(T0)): Promise<Rig> {
  const store = Store.open(file);
  const bus = new EventBus();
  const log = createLogger({ format: 'human', level: 'error', color: false, write: () => {} });
  const deps = {
    store,
    bus,
    mutate: createMutate(store, bus, { checkEvents: true }),
    log,
    access: new Access(store),
    addService: () => {},
    settings: new RuntimeSettings(join(dir, `config-${files}.json`)),
    hooks: createHooks(),
  } as unknown as PlaneDeps;
  const calls: Rig['calls'] = [];
  const failNext = { value: false };
  const scheduler = new Scheduler(deps, {
    clock,
    call: async (_principal, method, params) => {
      calls.push({ method, params });
      if (failNext.value) {
        failNext.value = false;
        throw new Error('the project is archived');
      }
      return { task_id: `task-${calls.length}`, title: String(params.title) };
    },
  });
  deps.scheduler = scheduler;
  const handlers = schedulesHandlers(deps);
  if (!store.projects.exists('p')) {
    outsideCall(() =>
      deps.mutate(() => store.projects.insert({ project_id: 'p', name: 'p', description: null, context: '{}', created_by: 'operator', created_at: new Date(T0).toISOString(), archived_at: null, archive_reason: null })),
    );
  }
  scheduler.start();
  await settle();
  return {
    store,
    clock,
    scheduler,
    calls,
    handlers,
    failNext,
    async restart(at: number) {
      await scheduler.stop();
      store.close();
      clock.time = at;
      return rig(file, new FakeClock(at));
    },
  };
}

const ctx = { signal: new AbortController().signal, principal: OPERATOR_PRINCIPAL, within: <T>(fn: () => T) => fn() } as CallContext;
const task = { task: { title_template: 'Audit {date} #{n}' } };

async function create(r: Rig, name: string, when: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<ScheduleRecord> {
  return outsideCall(() => r.handlers['schedule.create']({ name, when, action: task, project_id: 'p', ...extra } as never, ctx)) as ScheduleRecord;
}
const runs = (r: Rig, name: string) => outsideCall(() => r.handlers['schedule.runs']({ name, limit: 500 }, ctx) as { runs: Array<{ n: number; status: string; trigger: string; due_at: string; error: string | null; output: string | null }> }).runs;
const get = (r: Rig, name: string) => outsideCall(() => r.handlers['schedule.get']({ name }, ctx)) as ScheduleRecord;

test('an interval runs on its due times from one timer, and nothing runs before', async () => {
  const r = await rig();
  const made = await create(r, 'every-minute', { every_seconds: 60 });
  assert.equal(made.next_run_at, new Date(T0 + 60_000).toISOString());
  assert.equal(r.clock.armed, 1, 'one timer');
  await r.clock.advance(59_999);
  assert.equal(r.calls.length, 0);
  await r.clock.advance(1);
  await r.clock.advance(120_000);
  assert.deepEqual(runs(r, 'every-minute').map((run) => [run.n, run.status, run.trigger, run.due_at]), [
    [3, 'ok', 'due', new Date(T0 + 180_000).toISOString()],
    [2, 'ok', 'due', new Date(T0 + 120_000).toISOString()],
    [1, 'ok', 'due', new Date(T0 + 60_000).toISOString()],
  ]);
  assert.equal(r.calls[0]!.method, 'task.create');
  assert.equal(r.calls[0]!.params.title, 'Audit 2026-06-01 #1');
  assert.equal(r.clock.armed, 1, 'still one timer');
  await r.scheduler.stop();
});

test('a one-shot runs once; pause stops runs, resume starts again from the next due time after now', async () => {
  const r = await rig();
  await create(r, 'once', { at: new Date(T0 + 5000).toISOString() });
  await create(r, 'tick', { every_seconds: 10 });
  await r.clock.advance(10_000);
  assert.equal(runs(r, 'once').length, 1);
  assert.equal(get(r, 'once').next_run_at, null);
  outsideCall(() => r.handlers['schedule.pause']({ name: 'tick' }, ctx));
  await r.clock.advance(60_000);
  assert.equal(runs(r, 'tick').length, 1, 'no runs while paused');
  assert.equal(get(r, 'tick').next_run_at, null);
  const resumed = outsideCall(() => r.handlers['schedule.resume']({ name: 'tick' }, ctx)) as ScheduleRecord;
  assert.equal(resumed.next_run_at, new Date(T0 + 80_000).toISOString(), 'the next due time after now, no catch-up of paused runs');
  await r.clock.advance(10_000);
  assert.equal(runs(r, 'tick').length, 2);
  assert.equal(runs(r, 'once').length, 1, 'the one-shot never ran again');
  await r.scheduler.stop();
});

test('after downtime a missed run fires once on start with catch_up once, and is recorded skipped with skip', async () => {
  let r = await rig();
  await create(r, 'catch', { every_seconds: 600 });
  await create(r, 'skip', { every_seconds: 600 }, { catch_up: 'skip' });
  // Down for three hours: 18 due times of each passed.
  r = await r.restart(T0 + 3 * 3600_000 + 1000);
  await settle();
  assert.deepEqual(runs(r, 'catch').map((run) => [run.n, run.status, run.trigger]), [[1, 'ok', 'catch_up']]);
  const skipped = runs(r, 'skip');
  assert.deepEqual(skipped.map((run) => [run.n, run.status]), [[1, 'skipped']]);
  assert.match(skipped[0]!.error!, /missed.*catch_up is skip/);
  assert.equal(get(r, 'catch').next_run_at, new Date(T0 + 3 * 3600_000 + 600_000).toISOString(), 'next from now on');
  await r.scheduler.stop();
});

test('no run twice: a restart that finds a claimed run leaves it interrupted, and a clock step back repeats nothing', async () => {
  let r = await rig();
  await create(r, 'step', { every_seconds: 60 });
  await r.clock.advance(60_000);
  assert.equal(runs(r, 'step').length, 1);
  // A run claimed by a daemon that stopped before it finished (its claim is in the database).
  const schedule = r.store.schedules.byName('step')!;
  r.store.schedules.claim(schedule.schedule_no, T0 + 90_000, 'due', 'running', new Date(T0 + 90_000).toISOString());
  r = await r.restart(T0 + 100_000);
  const log = runs(r, 'step');
  assert.deepEqual(log.map((run) => [run.n, run.status]), [[2, 'interrupted'], [1, 'ok']]);
  assert.match(log[0]!.error!, /daemon stopped during this run/);
  // The clock steps back a minute: the due time already run is not claimed again.
  r = await r.restart(T0 + 40_000);
  await r.clock.advance(90_000);
  const dues = runs(r, 'step').map((run) => run.due_at);
  assert.equal(new Set(dues).size, dues.length, 'every due time ran at most once');
  assert.deepEqual(
    runs(r, 'step').filter((run) => run.status === 'ok').map((run) => run.due_at),
    [new Date(T0 + 120_000).toISOString(), new Date(T0 + 60_000).toISOString()],
  );
  // The clock steps forward two hours (no timer fired meanwhile): one run, not 120.
  r.clock.time += 2 * 3600_000;
  await r.clock.advance(0);
  const after = runs(r, 'step');
  assert.equal(after.length, 4, 'a step forward runs once, not once per missed minute');
  assert.equal(after[0]!.trigger, 'catch_up', 'more than a minute late: a missed run, caught up once');
  await r.scheduler.stop();
});

test('a run that fails is recorded with why, and the next run is still scheduled', async () => {
  const r = await rig();
  await create(r, 'flaky', { every_seconds: 30 });
  r.failNext.value = true;
  await r.clock.advance(30_000);
  await r.clock.advance(30_000);
  const log = runs(r, 'flaky');
  assert.deepEqual(log.map((run) => [run.n, run.status]), [[2, 'ok'], [1, 'failed']]);
  assert.match(log[1]!.error!, /archived/);
  assert.ok(get(r, 'flaky').next_run_at);
  await r.scheduler.stop();
});

test('cron in a time zone runs right after the spring-forward change, and the run log keeps the last N', async () => {
  const r = await rig(undefined, new FakeClock(Date.parse('2026-03-29T00:00:00Z')));
  await create(r, 'nightly', { cron: '30 2 * * *', tz: 'Europe/Berlin' });
  assert.equal(get(r, 'nightly').next_run_at, '2026-03-29T01:00:00.000Z');
  await r.clock.advance(3 * 86400_000);
  assert.deepEqual(runs(r, 'nightly').map((run) => run.due_at).reverse(), ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  r.store.schedules.prune(r.store.schedules.byName('nightly')!.schedule_no, 2);
  assert.deepEqual(runs(r, 'nightly').map((run) => run.n), [3, 2]);
  await r.scheduler.stop();
});

test('1,000 armed schedules, none due: one timer, no wakes', async () => {
  const r = await rig();
  for (let i = 0; i < 1000; i += 1) await create(r, `idle-${i}`, { every_seconds: 86400 });
  const wakes = r.scheduler.counts.wakes;
  await r.clock.advance(60_000);
  assert.equal(r.scheduler.counts.wakes, wakes, 'nothing woke the scheduler');
  assert.equal(r.clock.armed, 1);
  await r.scheduler.stop();
});
