// Services: started in order and stopped in reverse; one that fails to start stops those before it; a failing background
// job is logged with its service's name, backs off, retries, and never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceRegistry, ServiceStartError } from '../../daemon/services/registry.js';
import { JobGuard, repeatingJob } from '../../daemon/services/backoff.js';
import type { Logger } from '../../daemon/log.js';

function recordingLog(): Logger & { lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

test('services start in order and stop in reverse; a failing start stops the ones already running and names itself', async () => {
  const log = recordingLog();
  const order: string[] = [];
  const service = (name: string, failStart = false) => ({
    name,
    start: async () => {
      order.push(`start ${name}`);
      if (failStart) throw new Error('port taken');
    },
    stop: () => void order.push(`stop ${name}`),
  });
  const ok = new ServiceRegistry(log);
  for (const name of ['reaper', 'lock expiry', 'socket']) ok.add(service(name));
  assert.throws(() => ok.add(service('socket')), /two services are named socket/);
  await ok.startAll();
  await ok.stopAll();
  assert.deepEqual(order, ['start reaper', 'start lock expiry', 'start socket', 'stop socket', 'stop lock expiry', 'stop reaper']);
  assert.throws(() => ok.add(service('late')), /registered after start/);

  order.length = 0;
  const failing = new ServiceRegistry(log);
  for (const [name, fail] of [['reaper', false], ['socket', false], ['mcp-http', true], ['never', false]] as const) failing.add(service(name, fail));
  await assert.rejects(failing.startAll(), (error: unknown) => error instanceof ServiceStartError && error.service === 'mcp-http' && /mcp-http service could not start: port taken/.test(error.message));
  assert.deepEqual(order, ['start reaper', 'start socket', 'start mcp-http', 'stop socket', 'stop reaper']);
});

test('a service that fails to stop is logged and the others still stop', async () => {
  const log = recordingLog();
  const stopped: string[] = [];
  const registry = new ServiceRegistry(log);
  registry.add({ name: 'first', start() {}, stop: () => void stopped.push('first') });
  registry.add({ name: 'broken', start() {}, stop: () => { throw new Error('stuck'); } });
  await registry.startAll();
  await registry.stopAll();
  assert.deepEqual(stopped, ['first']);
  assert.ok(log.lines.some((l) => l.level === 'error' && l.fields?.service === 'broken'));
});

test('a failing job is logged with its service name and backs off 1 s, 2 s, 4 s ... up to a minute; one success resets it', () => {
  const log = recordingLog();
  const guard = new JobGuard('reaper', log);
  const delays: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    assert.equal(guard.run(() => { throw new Error('SQLITE_BUSY: database is locked'); }), false);
    delays.push(guard.retryDelayMs());
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  const failure = log.lines.find((l) => l.level === 'error')!;
  assert.equal(failure.fields?.service, 'reaper');
  assert.match(String(failure.fields?.error), /database is locked/);
  assert.equal(guard.run(() => {}), true);
  assert.equal(guard.retryDelayMs(), 0);
  assert.ok(log.lines.some((l) => l.msg === 'background job recovered' && l.fields?.after_failures === 8));
});

test('a job that finds the database locked by another process retries at 100 ms, 200 ms ... up to a second, and says so once as a warning', () => {
  const log = recordingLog();
  const guard = new JobGuard('lock hand-over', log);
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  const delays: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    assert.equal(guard.run(() => { throw busy; }), false);
    delays.push(guard.retryDelayMs());
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  assert.equal(log.lines.filter((l) => l.level === 'error').length, 0);
  assert.equal(log.lines.filter((l) => l.level === 'warn' && l.fields?.service === 'lock hand-over').length, 1);
  assert.equal(guard.run(() => {}), true);
  assert.equal(guard.retryDelayMs(), 0);
});

test('a repeating job keeps running through failures, never throwing, and stops when stopped', async () => {
  const log = recordingLog();
  let runs = 0;
  const job = repeatingJob('housekeeping', log, () => 5, () => {
    runs += 1;
    if (runs === 2) throw new Error('disk full');
  });
  job.start();
  // It runs again after the failure (1 s later); on a loaded machine that may take longer, so wait for it, not a time.
  for (let waited = 0; runs < 3; waited += 20) {
    assert.ok(waited < 60_000, `it ran again after the failure (${runs} runs)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  job.stop();
  const after = runs;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(runs, after, 'no run after stop');
  assert.equal(log.lines.filter((l) => l.level === 'error' && l.fields?.service === 'housekeeping').length, 1);
});
