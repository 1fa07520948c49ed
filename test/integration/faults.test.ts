// Faults are normal: another process holding the database's write lock, a full disk, a database the daemon cannot write.
// The daemon stays up (or, at start, exits cleanly), tells the calls that could not write why, and recovers by itself.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDaemon, envFor, CLI, waitFor } from '../helpers/daemon.js';
import { arrived, refusedWith } from '../helpers/rpc-assert.js';

/** Mount a small tmpfs (root, where the sandbox permits it); null with the reason when it cannot. */
function smallTmpfs(sizeKb: number): { dir: string; remount(opts: string): void; unmount(): void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'bf-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `mounting a tmpfs is not permitted here (${(mounted.stderr || mounted.error?.message || 'mount failed').trim()})`;
  }
  return {
    dir,
    remount: (opts) => execFileSync('mount', ['-o', `remount,${opts}`, dir]),
    unmount: () => {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const tmpfs = smallTmpfs(64);
const mountSkip = typeof tmpfs === 'string' ? tmpfs : false;
if (typeof tmpfs !== 'string') tmpfs.unmount();

describe('another process holding the write lock', () => {
  test('a writer outside the daemon for 8 s: the calls that could not write hear why; the daemon stays up and writes again after', async () => {
    const daemon = await startDaemon();
    try {
      const c = await daemon.client();
      await c.call('project.create', { project_id: 'held', name: 'held' });
      await c.call('project.join', { project_id: 'held', agent_name: 'a', client_id: 'held-a' });
      const outsider = new Database(daemon.paths.db);
      outsider.prepare('BEGIN IMMEDIATE').run();
      const releaseAt = Date.now() + 8000;
      const release = setTimeout(() => {
        outsider.prepare('COMMIT').run();
        outsider.close();
      }, 8000);
      try {
        const refused = await refusedWith(c.call('message.send', { project_id: 'held', from_agent: 'a', to_agent: 'operator', payload: 'while locked' }), 'UNAVAILABLE');
        assert.match(refused.message, /the database is locked by another process/);
        assert.deepEqual((refused.data as { cause: string }).cause, 'locked');
        assert.equal((await c.call('system.ping')).pong, true, 'reads still answer');
      } finally {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, releaseAt - Date.now() + 100)));
        clearTimeout(release);
      }
      assert.equal(daemon.proc.exitCode, null, 'the daemon is still running');
      const sent = await c.call('message.send', { project_id: 'held', from_agent: 'a', to_agent: 'operator', payload: 'after' });
      assert.equal(sent.deduplicated, false);
      assert.deepEqual((await c.call('message.receive', { project_id: 'held', limit: 10 } as never)).messages.map((m) => m.payload), ['after'], 'the refused send stored nothing');
      assert.equal((await c.call('audit.verify', {})).ok, true);
    } finally {
      await daemon.cleanup();
    }
  });
});

describe('waiting for an outside writer without freezing', () => {
  test('while another process holds BEGIN IMMEDIATE, writes wait asynchronously: pings, reads and other calls answer meanwhile, and every waiting write lands exactly once after', async () => {
    const daemon = await startDaemon();
    const outsider = new Database(daemon.paths.db);
    try {
      const c = await daemon.client();
      const other = await daemon.client();
      await c.call('config.set', { key: 'db_lock_wait_seconds', value: 300 });
      await c.call('project.create', { project_id: 'wait', name: 'wait' });
      for (const agent of ['a', 'b']) await c.call('project.join', { project_id: 'wait', agent_name: agent, client_id: `wait-${agent}` });
      const holder = (agent: string) => ({ project_id: 'wait', agent_name: agent });
      const held = await arrived(c.call('lock.acquire', { key: 'src/held.ts', holder: holder('a') }));
      const waiter = other.call('lock.acquire', { key: 'src/held.ts', holder: holder('b'), wait: true, timeout_seconds: 300 });
      await waitFor(async () => (await c.call('lock.list', { key_prefix: 'src/held.ts' })).waiter_count === 1, 10_000, 'the waiter to park');

      outsider.prepare('BEGIN IMMEDIATE').run();
      const settled: string[] = [];
      const track = <T>(what: string, p: Promise<T>) => p.finally(() => settled.push(what));
      // Sent together, so they share a group commit: the whole group waits and lands once.
      const sends = Array.from({ length: 20 }, (_, i) => track(`send ${i}`, c.call('message.send', { project_id: 'wait', from_agent: 'a', to_agent: 'b', payload: `waiting ${i}` })));
      const release = track('release', c.call('lock.release', { lease_id: held.lease_id, fencing_token: held.fencing_token }));
      const setting = track('config.set', c.call('config.set', { key: 'session_idle_seconds', value: 90 }));
      const waited = track('waiter', waiter);

      // With the writes parked, the daemon answers everything that need not write, on every connection.
      for (let i = 0; i < 5; i += 1) assert.equal((await other.call('system.ping')).pong, true);
      assert.equal((await other.call('lock.list', { key_prefix: 'src/held.ts' })).holder_count, 1, 'the lease is still held: its release waits');
      assert.equal((await other.call('config.get', { key: 'session_idle_seconds' })).settings.session_idle_seconds, 60, 'a waiting config.set has changed nothing yet');
      assert.deepEqual(settled, [], 'no write was answered while the outside writer held the lock');

      outsider.prepare('COMMIT').run();
      const answers = await Promise.all(sends);
      assert.ok(answers.every((a) => a.deduplicated === false));
      await release;
      assert.deepEqual(await setting, { key: 'session_idle_seconds', value: 90, previous: 60 }, 'the setting changed once, with its true previous value');
      const granted = await waited;
      assert.equal(granted.timed_out, false);

      const inbox = await other.call('message.receive', { project_id: 'wait', agent_name: 'b', limit: 100 } as never);
      assert.deepEqual(inbox.messages.map((m: { payload: unknown }) => m.payload).sort(), Array.from({ length: 20 }, (_, i) => `waiting ${i}`).sort(), 'each waiting send stored exactly once');
      const events = await c.call('events.list', { after: 0, types: ['message.sent', 'lock.acquired', 'config.changed'], limit: 1000 } as never);
      const count = (type: string) => events.events.filter((e: { type: string }) => e.type === type).length;
      assert.equal(count('message.sent'), 20);
      assert.equal(count('lock.acquired'), 2, 'the first lease and the hand-over, once each');
      assert.equal(count('config.changed'), 2);
      const listed = await c.call('lock.list', { key_prefix: 'src/held.ts' });
      assert.deepEqual(listed.locks.flatMap((l) => l.holders.map((h) => (h.holder as { agent_name?: string }).agent_name)), ['b']);
      assert.equal((await c.call('audit.verify', {})).ok, true);
      assert.equal(daemon.proc.exitCode, null);
    } finally {
      if (outsider.inTransaction) outsider.prepare('ROLLBACK').run();
      outsider.close();
      await daemon.cleanup();
    }
  });

  test('a write that cannot get the lock within db_lock_wait_seconds is answered UNAVAILABLE naming the cause, and stored nothing', async () => {
    const daemon = await startDaemon();
    const outsider = new Database(daemon.paths.db);
    try {
      const c = await daemon.client();
      await c.call('config.set', { key: 'db_lock_wait_seconds', value: 0.2 });
      await c.call('project.create', { project_id: 'short', name: 'short' });
      await c.call('project.join', { project_id: 'short', agent_name: 'a', client_id: 'short-a' });
      outsider.prepare('BEGIN IMMEDIATE').run();
      const refused = await refusedWith(c.call('project.create', { project_id: 'late', name: 'late' }), 'UNAVAILABLE');
      assert.match(refused.message, /the database is locked by another process.*close it/);
      outsider.prepare('ROLLBACK').run();
      await refusedWith(c.call('project.info', { project_id: 'late' } as never), 'NOT_FOUND');
      await c.call('project.create', { project_id: 'late', name: 'late' });
      assert.equal((await c.call('audit.verify', {})).ok, true);
    } finally {
      if (outsider.inTransaction) outsider.prepare('ROLLBACK').run();
      outsider.close();
      await daemon.cleanup();
    }
  });
});

describe('a full disk', { skip: mountSkip }, () => {
  test('writes on a full small tmpfs are refused with the cause; the daemon stays up; freeing space lets it write again', async () => {
    const fs = smallTmpfs(4096);
    if (typeof fs === 'string') return;
    const home = join(fs.dir, 'home');
    mkdirSync(home);
    const daemon = await startDaemon({ home });
    try {
      const c = await daemon.client();
      await c.call('project.create', { project_id: 'disk', name: 'disk' });
      await c.call('project.join', { project_id: 'disk', agent_name: 'a', client_id: 'disk-a' });
      await c.call('message.send', { project_id: 'disk', from_agent: 'a', to_agent: 'operator', payload: 'before' });
      const filler = join(fs.dir, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=100000'], { stdio: 'ignore' });
      const big = 'x'.repeat(200 * 1024);
      let refused = null;
      for (let i = 0; i < 50 && !refused; i += 1) {
        refused = await c.call('message.send', { project_id: 'disk', from_agent: 'a', to_agent: 'operator', payload: big }).then(
          () => null,
          (error: unknown) => error,
        );
      }
      assert.ok(refused, 'a write failed once the disk was full');
      const error = refused as { appCode?: string; message: string };
      assert.equal(error.appCode, 'UNAVAILABLE');
      assert.match(error.message, /no space left on the device holding the brains state directory/);
      assert.equal((await c.call('system.ping')).pong, true);
      assert.equal(daemon.proc.exitCode, null, 'the daemon is still running');

      rmSync(filler);
      const after = await c.call('message.send', { project_id: 'disk', from_agent: 'a', to_agent: 'operator', payload: 'after' });
      assert.equal(after.deduplicated, false);
      assert.equal((await c.call('audit.verify', {})).ok, true);
      const integrity = new Database(daemon.paths.db, { readonly: true });
      assert.equal(integrity.pragma('integrity_check', { simple: true }), 'ok');
      integrity.close();
    } finally {
      await daemon.cleanup().catch(() => {});
      fs.unmount();
    }
  });
});

describe('a database the daemon cannot write', { skip: mountSkip }, () => {
  test('the start stops before any socket exists: exit 1, the cause on stderr, no socket or pidfile left', async () => {
    const fs = smallTmpfs(4096);
    if (typeof fs === 'string') return;
    const home = join(fs.dir, 'home');
    const socketDir = mkdtempSync(join(tmpdir(), 'bs-'));
    try {
      mkdirSync(home);
      const first = await startDaemon({ home });
      await first.stop();
      // A WAL left behind, as after a crash, then the file system turned read-only.
      const db = new Database(join(home, 'brains.db'));
      db.pragma('wal_autocheckpoint = 0');
      db.exec("INSERT INTO meta (key, value) VALUES ('fault-test', 'x')");
      db.close();
      writeFileSync(join(home, 'brains.db-wal'), '', { flag: 'a' });
      fs.remount('ro');
      const socket = join(socketDir, 's.sock');
      const run = spawnSync(process.execPath, [CLI, 'daemon'], { env: envFor(home, { BRAINS_SOCKET: socket }), encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /cannot use its state directory|cannot open|cannot be written|could not start/);
      assert.equal(existsSync(socket), false, 'no socket answers pings for a daemon that is not running');
      assert.equal(existsSync(join(home, 'daemon.pid')), false);
    } finally {
      try {
        fs.remount('rw');
      } catch {
        /* unmounted below anyway */
      }
      fs.unmount();
      rmSync(socketDir, { recursive: true, force: true });
    }
  });

  test('brains up and brains rpc on a read-only state dir say so and what to do, at once, even with a start lock left behind', async () => {
    const fs = smallTmpfs(4096);
    if (typeof fs === 'string') return;
    const home = join(fs.dir, 'home');
    try {
      mkdirSync(home);
      const first = await startDaemon({ home });
      await first.stop();
      // A start lock left by a client that died while starting the daemon; on a read-only disk it cannot be cleared.
      writeFileSync(join(home, 'start.lock'), '999999');
      fs.remount('ro');
      for (const args of [['up'], ['rpc', 'system.ping']]) {
        const run = spawnSync(process.execPath, [CLI, ...args], { env: envFor(home), encoding: 'utf8', timeout: 60_000 });
        assert.notEqual(run.status, 0, run.stderr);
        assert.match(run.stderr, /state directory .*home is on a read-only file system; make it writable, or set BRAINS_HOME/, `brains ${args.join(' ')}`);
        assert.doesNotMatch(run.stderr, /timed out|EROFS:/);
      }
    } finally {
      try {
        fs.remount('rw');
      } catch {
        /* unmounted below anyway */
      }
      fs.unmount();
    }
  });

  test('only the database file read-only (the state directory writable): exit 1 naming the cause, no socket left behind', async () => {
    const fs = smallTmpfs(4096);
    if (typeof fs === 'string') return;
    const home = join(fs.dir, 'home');
    const dbFile = join(home, 'brains.db');
    let bound = false;
    try {
      mkdirSync(home);
      const first = await startDaemon({ home });
      await first.stop();
      execFileSync('mount', ['--bind', dbFile, dbFile]);
      bound = true;
      execFileSync('mount', ['-o', 'remount,bind,ro', dbFile]);
      const run = spawnSync(process.execPath, [CLI, 'daemon'], { env: envFor(home), encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /cannot be written|cannot open|could not start/);
      assert.equal(existsSync(join(home, 'brains.sock')), false, 'no socket answers pings for a daemon that is not running');
      assert.equal(existsSync(join(home, 'daemon.pid')), false);
    } finally {
      if (bound) spawnSync('umount', [dbFile]);
      fs.unmount();
    }
  });
});
