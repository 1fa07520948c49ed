// Why this exists: the daemon's lifecycle (up/down/status, one instance per home, stale sockets, auto-start races, graceful stop, schema guard) only shows through real processes.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { answers, envFor, runCli, startDaemon, tempHome, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { statePaths } from '../../rpc/paths.js';
import { RpcCallError } from '../../rpc/errors.js';

const LONG_WAIT = 30_000;

/** Alive and not a zombie (PID 1 in a container may be slow to reap orphans, and kill(pid, 0) succeeds on a zombie). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(pid, 0)
  }
}

function isBrainsDaemon(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((arg) => arg.endsWith('brains.js')) && argv.includes('daemon');
  } catch {
    return false;
  }
}

function readPid(home: string): number | null {
  try {
    const pid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Stop any detached daemon `brains up` or auto-start left in this home (only brains daemons we started), then remove the home. */
async function cleanupHome(home: string, extraPids: Iterable<number> = []): Promise<void> {
  const pids = new Set<number>(extraPids);
  const fromFile = readPid(home);
  if (fromFile !== null) pids.add(fromFile);
  for (const pid of pids) {
    if (!alive(pid) || !isBrainsDaemon(pid)) continue;
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(() => !alive(pid), 15_000, `daemon ${pid} to stop`);
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(home, { recursive: true, force: true });
}

function userVersion(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('brains up / status / down', () => {
  test('up starts a detached daemon, status reports it, down stops it and cleans up', async () => {
    const home = tempHome();
    const paths = statePaths(envFor(home));
    try {
      const up = await runCli(['up'], { home });
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /started/);
      assert.ok(await answers(paths.socket), 'the socket answers once brains up returns');
      const pid = readPid(home);
      assert.ok(pid !== null, 'daemon.pid exists');
      assert.ok(alive(pid), `pid ${pid} from daemon.pid is alive`);

      const again = await runCli(['up'], { home });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already running/);
      assert.equal(readPid(home), pid, 'a second up does not start another daemon');

      const status = await runCli(['status'], { home });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /running/);
      assert.match(status.stdout, new RegExp(`pid\\s+${pid}\\b`));
      assert.ok(status.stdout.includes(paths.socket), `status shows the socket: ${status.stdout}`);
      assert.ok(status.stdout.includes(paths.db), `status shows the db: ${status.stdout}`);
      assert.match(status.stdout, /version\s+\d+\.\d+\.\d+/);

      const statusJson = await runCli(['status', '--json'], { home });
      assert.equal(statusJson.code, 0, statusJson.stderr);
      const info = JSON.parse(statusJson.stdout);
      assert.equal(info.running, true);
      assert.equal(info.pid, pid);
      assert.equal(info.socket, paths.socket);

      const down = await runCli(['down'], { home });
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /stopped/);
      await waitFor(() => !alive(pid), LONG_WAIT, 'the daemon process to be gone');
      assert.equal(existsSync(paths.socket), false, 'socket file removed');
      assert.equal(existsSync(paths.pidfile), false, 'pidfile removed');

      const stopped = await runCli(['status'], { home });
      assert.equal(stopped.code, 3);
      assert.match(stopped.stdout, /not running/);
      const stoppedJson = await runCli(['status', '--json'], { home });
      assert.equal(stoppedJson.code, 3);
      assert.equal(JSON.parse(stoppedJson.stdout).running, false);

      const downAgain = await runCli(['down'], { home });
      assert.equal(downAgain.code, 0, downAgain.stderr);
      assert.match(downAgain.stdout, /not running/);
    } finally {
      await cleanupHome(home);
    }
  });
});

describe('state dir and single instance', () => {
  test('the state dir is made owner-only (0700) and the socket is 0600', async () => {
    const home = tempHome();
    chmodSync(home, 0o755); // the daemon must tighten it, not rely on mkdtemp
    const daemon = await startDaemon({ home });
    try {
      assert.equal(statSync(home).mode & 0o777, 0o700);
      assert.equal(statSync(daemon.paths.socket).mode & 0o777, 0o600);
      assert.equal(statSync(daemon.paths.db).mode & 0o777, 0o600);
    } finally {
      await daemon.cleanup();
    }
  });

  test('a second daemon on the same home is refused with exit 4 and the first keeps answering', async () => {
    const daemon = await startDaemon();
    try {
      const second = await runCli(['daemon'], { home: daemon.home });
      assert.equal(second.code, 4, second.stderr);
      assert.match(second.stderr, /already running/);
      assert.ok(second.stderr.includes(`pid ${daemon.proc.pid}`), `stderr names the running pid: ${second.stderr}`);
      assert.ok(await answers(daemon.paths.socket), 'the first daemon still answers');
      const client = await daemon.client();
      const info = await client.call('system.info');
      assert.equal(info.pid, daemon.proc.pid);
    } finally {
      await daemon.cleanup();
    }
  });

  test('a stale socket from a SIGKILLed daemon is replaced and committed events survive', async () => {
    const daemon = await startDaemon();
    const home = daemon.home;
    try {
      const client = await daemon.client();
      const { seqs } = await client.call('events.publish', { events: [{ type: 'user.marker', data: { n: 1 } }] });
      assert.equal(seqs.length, 1);
      await daemon.kill();
      assert.ok(lstatSync(daemon.paths.socket).isSocket(), 'the killed daemon left its socket file behind');
      assert.equal(await answers(daemon.paths.socket), false, 'nobody answers on the stale socket');

      const up = await runCli(['up'], { home });
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /started/);
      const list = await runCli(['rpc', 'events.list', 'after=0', 'limit=100'], { home });
      assert.equal(list.code, 0, list.stderr);
      const { events } = JSON.parse(list.stdout) as { events: Array<{ seq: number; type: string; data: unknown }> };
      const marker = events.find((e) => e.type === 'user.marker');
      assert.ok(marker, `user.marker survived the SIGKILL: ${list.stdout}`);
      assert.equal(marker.seq, seqs[0]);
      assert.deepEqual(marker.data, { n: 1 });

      const down = await runCli(['down'], { home });
      assert.equal(down.code, 0, down.stderr);
    } finally {
      await cleanupHome(home);
      await daemon.cleanup();
    }
  });

  test('concurrent auto-starts from six clients make exactly one daemon', async () => {
    const home = tempHome();
    const reported = new Set<number>();
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['rpc', 'system.info'], { home })));
      for (const result of results) {
        assert.equal(result.code, 0, result.stderr);
        reported.add((JSON.parse(result.stdout) as { pid: number }).pid);
      }
      assert.equal(reported.size, 1, `every client reached the same daemon: ${[...reported].join(', ')}`);
      const [pid] = [...reported] as [number];
      assert.equal(readPid(home), pid, 'daemon.pid names the daemon every client reached');
      assert.ok(alive(pid));

      // Every detached daemon process running for this home: exactly one, the reported one.
      const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
      const daemonsHere = ps
        .split('\n')
        .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && /brains\.js daemon --detached/.test(m[2]!))
        .map((m) => Number(m[1]))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`BRAINS_HOME=${home}`);
          } catch {
            return reported.has(p); // no /proc: fall back to the reported pids
          }
        })
        .filter(alive);
      assert.deepEqual(daemonsHere, [pid]);

      const down = await runCli(['down'], { home });
      assert.equal(down.code, 0, down.stderr);
    } finally {
      await cleanupHome(home, reported);
    }
  });
});

describe('graceful stop', () => {
  /** Park two waits on one connection (one no event will match, one on every type) and run `brains down`. */
  async function waitsThroughDown(daemon: TestDaemon) {
    const client = await daemon.client();
    const watcher = await daemon.client();
    // Attach handlers at once so a settled promise is never reported as unhandled.
    const settle = <T>(p: Promise<T>) =>
      p.then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    const filtered = settle(client.call('events.wait', { types: ['user.*'], timeout_seconds: 60 }));
    const unfiltered = settle(client.call('events.wait', { timeout_seconds: 60 }));
    await waitFor(async () => ((await watcher.call('system.info')).counts.waiting ?? 0) >= 2, LONG_WAIT, 'both waits to be parked');
    await watcher.close();
    const down = await runCli(['down'], { home: daemon.home });
    assert.equal(down.code, 0, down.stderr);
    return { filtered: await filtered, unfiltered: await unfiltered };
  }

  test('brains down ends waits in flight (none hangs) and the daemon exits 0', async () => {
    const daemon = await startDaemon();
    try {
      const { filtered, unfiltered } = await waitsThroughDown(daemon);
      // A wait on every type is answered with the daemon's own daemon.stopping event.
      assert.ok(unfiltered.ok, `the unfiltered wait should be answered, got ${!unfiltered.ok ? String(unfiltered.error) : ''}`);
      assert.equal(unfiltered.result.event?.type, 'daemon.stopping');
      // A wait nothing matches settles too (it does not hang until its 60 s timeout).
      assert.equal(filtered.ok, false);
      assert.equal(await daemon.exited, 0);
      assert.equal(existsSync(daemon.paths.socket), false);
    } finally {
      await daemon.cleanup();
    }
  });

  test(
    'brains down answers a wait in flight with an UNAVAILABLE error, not a bare disconnect',
    async () => {
      const daemon = await startDaemon();
      try {
        const { filtered } = await waitsThroughDown(daemon);
        assert.ok(!filtered.ok && filtered.error instanceof RpcCallError, `expected an RpcCallError, got ${filtered.ok ? 'a result' : String(filtered.error)}`);
        assert.equal((filtered.error as RpcCallError).appCode, 'UNAVAILABLE');
        assert.equal(await daemon.exited, 0);
      } finally {
        await daemon.cleanup();
      }
    },
  );

  test('SIGTERM stops the daemon with exit 0 and logs "stopped"', async () => {
    const daemon = await startDaemon();
    try {
      assert.equal(await daemon.stop(), 0);
      assert.match(daemon.stderr(), /stopped/);
      assert.equal(existsSync(daemon.paths.socket), false);
      assert.equal(existsSync(daemon.paths.pidfile), false);
    } finally {
      await daemon.cleanup();
    }
  });
});

describe('refusals and errors', () => {
  test('a database from a newer schema is refused and left as it was', async () => {
    const home = tempHome();
    try {
      const dbPath = join(home, 'brains.db');
      const db = new Database(dbPath);
      db.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('keep me');");
      db.pragma('user_version = 999');
      db.close();
      const bytesBefore = readFileSync(dbPath);
      const modeBefore = statSync(dbPath).mode;

      const result = await runCli(['daemon'], { home });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /newer/);
      assert.match(result.stderr, /upgrade brains/);
      assert.ok(readFileSync(dbPath).equals(bytesBefore), 'the refused database is byte for byte as it was');
      assert.equal(statSync(dbPath).mode, modeBefore, 'and its mode is unchanged');
      assert.equal(userVersion(dbPath), 999);
      const check = new Database(dbPath, { readonly: true });
      try {
        assert.deepEqual(check.prepare('SELECT x FROM future').all(), [{ x: 'keep me' }]);
        const tables = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
        assert.deepEqual(tables, ['future'], 'no brains tables were added');
      } finally {
        check.close();
      }
      assert.equal(existsSync(join(home, 'brains.sock')), false);
    } finally {
      await cleanupHome(home);
    }
  });

  test('brains rpc --no-start exits 3 and does not start a daemon', async () => {
    const home = tempHome();
    const paths = statePaths(envFor(home));
    try {
      const result = await runCli(['rpc', '--no-start', 'system.ping'], { home });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /cannot reach the daemon/);
      assert.equal(result.stdout, '');
      assert.equal(existsSync(paths.socket), false, 'no socket appeared');
      assert.equal(existsSync(paths.pidfile), false, 'no pidfile appeared');
    } finally {
      await cleanupHome(home);
    }
  });

  test('a BRAINS_HOME too long for a Unix socket path gives a clear error', async () => {
    const base = tempHome();
    const home = join(base, 'x'.repeat(110));
    try {
      const up = await runCli(['up'], { home });
      assert.notEqual(up.code, 0);
      assert.match(up.stderr, /BRAINS_HOME|BRAINS_SOCKET/);
      assert.match(up.stderr, /107/);

      const daemon = await runCli(['daemon'], { home });
      assert.notEqual(daemon.code, 0);
      assert.match(daemon.stderr, /BRAINS_HOME|BRAINS_SOCKET/);
    } finally {
      await cleanupHome(base);
    }
  });

  test('--log-format json writes one JSON object per stderr line', async () => {
    const daemon = await startDaemon({ args: ['--log-format', 'json'] });
    try {
      assert.equal(await daemon.stop(), 0);
      const lines = daemon.stderr().split('\n').filter((line) => line !== '');
      assert.ok(lines.length >= 2, `expected log lines, got ${daemon.stderr()}`);
      for (const line of lines) {
        const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
        assert.equal(typeof entry.level, 'string', line);
        assert.equal(typeof entry.msg, 'string', line);
      }
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      assert.ok(messages.includes('listening'), messages.join(' | '));
      assert.ok(messages.includes('stopped'), messages.join(' | '));
    } finally {
      await daemon.cleanup();
    }
  });

  test('an unknown daemon flag or a bad flag value exits 2 with a message', async () => {
    const home = tempHome();
    try {
      const unknown = await runCli(['daemon', '--bogus'], { home });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown option --bogus/);
      const bad = await runCli(['daemon', '--log-format', 'xml'], { home });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--log-format/);
      assert.equal(existsSync(join(home, 'brains.sock')), false);
    } finally {
      await cleanupHome(home);
    }
  });
});
