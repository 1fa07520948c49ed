// A lock holder that dies is noticed at once, not at the reaper's next sweep: its connection closing (a bound session) or its pid exiting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrainsClient } from '../../rpc/client.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { startDaemon, tempHome, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { arrived, failure, headSeq } from '../helpers/rpc-assert.js';

const CLIENT_MODULE = fileURLToPath(new URL('../../rpc/client.js', import.meta.url));
const HOUR = 3600;

/** A daemon whose sweep runs once an hour: only the paths under test can free a dead holder's lock within the test. */
async function daemonWithSlowSweep(): Promise<TestDaemon> {
  const home = tempHome();
  writeFileSync(join(home, 'config.json'), JSON.stringify({ reaper_interval_seconds: HOUR }));
  return startDaemon({ home });
}

/** Events after `after` of these types, in log order. */
async function eventsAfter(c: BrainsClient, after: number, types: string[]): Promise<EventRecord[]> {
  return (await c.call('events.list', { after, types, limit: 1000 })).events;
}

/**
 * A real process that registers as an agent instance bound to its connection (as brains mcp does), naming a process
 * that stays alive as its tool (this test's), takes a lock, says so on stdout, then sits until killed.
 */
function boundHolder(socket: string, key: string, clientId: string): Promise<{ child: ChildProcess; sessionId: string }> {
  const script = `
    const { BrainsClient } = await import(${JSON.stringify(CLIENT_MODULE)});
    const c = await BrainsClient.connect(${JSON.stringify(socket)});
    const s = await c.call('session.start', { tool: 'other', client_id: ${JSON.stringify(clientId)}, pid: process.ppid, bind: true });
    await c.call('lock.acquire', { key: ${JSON.stringify(key)}, session_id: s.session_id, ttl_seconds: ${HOUR} });
    process.stdout.write(s.session_id + '\\n');
    setInterval(() => {}, 60000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, sessionId: out.trim() });
    });
    child.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)));
  });
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Park an acquire for `key` as a fresh session on its own connection; resolves once lock.list shows it waiting. */
async function parkedWaiter(daemon: TestDaemon, observer: BrainsClient, key: string) {
  const waiter = await daemon.client();
  const sessionId = (await waiter.call('session.start', { tool: 'other', client_id: `waiter-${key.replace(/\W/g, '-')}` })).session_id;
  const granted = arrived(waiter.call('lock.acquire', { key, session_id: sessionId, wait: true, timeout_seconds: 60 }));
  granted.catch(() => {});
  await waitFor(async () => (await observer.call('lock.list', { key_prefix: key })).locks.some((l) => l.key === key && l.waiters.length > 0), 10_000, 'the waiter to park');
  return { sessionId, granted };
}

describe('a dead lock holder is noticed at once', () => {
  test('a pid-only session (a hook\'s) whose process is SIGKILLed: ended with session.gone, then its lock goes to the waiter, with the sweep an hour away', async () => {
    const daemon = await daemonWithSlowSweep();
    const tool = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const c = await daemon.client();
      assert.equal((await c.call('config.get', { key: 'reaper_interval_seconds' })).settings.reaper_interval_seconds, HOUR);
      const holder = (await c.call('session.start', { tool: 'claude-code', client_id: 'pid-holder', pid: tool.pid! })).session_id;
      await arrived(c.call('lock.acquire', { key: 'gone/pid', session_id: holder, ttl_seconds: HOUR }));
      const waiter = await parkedWaiter(daemon, c, 'gone/pid');
      const before = await headSeq(c);
      await killed(tool);
      const lease = await waiter.granted;
      assert.equal(lease.key, 'gone/pid');
      const events = await eventsAfter(c, before, ['session.gone', 'lock.released', 'lock.acquired']);
      const gone = events.find((e) => e.type === 'session.gone' && e.subject === holder)!;
      assert.match((gone.data as { reason: string }).reason, new RegExp(`process ${tool.pid} exited`));
      const released = events.find((e) => e.type === 'lock.released')!;
      assert.equal((released.data as { reason: string }).reason, 'holder_gone');
      const granted = events.find((e) => e.type === 'lock.acquired')!;
      assert.deepEqual((granted.data as { holder: unknown }).holder, { session_id: waiter.sessionId });
      assert.ok(released.seq < granted.seq, 'released before granted to the waiter');
    } finally {
      await killed(tool);
      await daemon.cleanup();
    }
  });

  test('a process bound to its connection (as brains mcp) is SIGKILLed while its tool lives: ended after the grace, its lock goes to the waiter', async () => {
    const daemon = await daemonWithSlowSweep();
    let holder: ChildProcess | undefined;
    try {
      const c = await daemon.client();
      const started = await boundHolder(daemon.paths.socket, 'gone/bound', 'bound-holder');
      holder = started.child;
      const waiter = await parkedWaiter(daemon, c, 'gone/bound');
      const before = await headSeq(c);
      await killed(holder);
      await waiter.granted;
      const events = await eventsAfter(c, before, ['session.ended', 'session.gone', 'lock.released', 'lock.acquired']);
      const ended = events.find((e) => e.subject === started.sessionId);
      assert.equal(ended?.type, 'session.ended');
      assert.match((ended!.data as { reason: string }).reason, /disconnected/);
      const released = events.findIndex((e) => e.type === 'lock.released');
      const granted = events.findIndex((e) => e.type === 'lock.acquired');
      assert.ok(released >= 0 && released < granted, `released, then granted: ${events.map((e) => e.type).join(', ')}`);
    } finally {
      if (holder) await killed(holder);
      await daemon.cleanup();
    }
  });

  test('session_disconnect_grace_seconds: a reconnect within it keeps the session and its lock; without one it ends', async () => {
    const daemon = await daemonWithSlowSweep();
    try {
      const c = await daemon.client();
      await c.callRaw('config.set', { key: 'session_disconnect_grace_seconds', value: 600 });
      const first = await daemon.client();
      const started = await first.call('session.start', { tool: 'other', client_id: 'reconnecting', pid: process.pid, bind: true });
      await arrived(first.call('lock.acquire', { key: 'gone/grace', session_id: started.session_id, ttl_seconds: HOUR }));
      await first.close();
      // Its only connection is closed; the same instance comes back on a new one, as brains mcp does after a drop.
      const second = await daemon.client();
      const back = await second.call('session.authenticate', { secret: started.secret! });
      assert.equal(back.session_id, started.session_id);
      const waiter = await parkedWaiter(daemon, c, 'gone/grace');
      const live = (await c.call('session.list', {})).sessions.find((s) => s.session_id === started.session_id);
      assert.notEqual(live?.state, 'gone');
      assert.deepEqual((await c.call('lock.list', { key_prefix: 'gone/grace' })).locks[0]!.holders.map((h) => h.holder), [{ session_id: started.session_id }]);
      // Now a short grace, and no reconnect: it ends and the waiter gets the lock.
      await c.callRaw('config.set', { key: 'session_disconnect_grace_seconds', value: 0.1 });
      await second.close();
      await waiter.granted;
      const ended = (await c.call('session.list', { state: 'gone' })).sessions.find((s) => s.session_id === started.session_id);
      assert.match(ended?.end_reason ?? '', /disconnected/);
    } finally {
      await daemon.cleanup();
    }
  });

  test('session_disconnect_grace_seconds refuses wrong, missing, oversized and hostile values, and keeps its value', async () => {
    const daemon = await startDaemon();
    try {
      const c = await daemon.client();
      const key = 'session_disconnect_grace_seconds';
      for (const value of [0, -1, 601, 1e308]) {
        const error = await failure(c.callRaw('config.set', { key, value }));
        assert.match(error.message, /session_disconnect_grace_seconds/, error.message);
      }
      for (const params of [{ key }, { key, value: '2' }, { key, value: null }, { key, value: { __proto__: null } }, { key, value: [1] }, { key: `${key}x`, value: 1 }]) {
        const error = await failure(c.callRaw('config.set', params));
        assert.equal(error.code, -32602, error.message);
      }
      assert.deepEqual(await c.callRaw('config.get', { key }), { settings: { [key]: 1 }, defaults: { [key]: 1 } });
    } finally {
      await daemon.cleanup();
    }
  });
});
