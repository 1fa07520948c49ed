// `brains down` stays down: agents' brains mcp and hooks do not start the daemon again (their tool calls say it is stopped)
// until `brains up`; a command a person types still starts it and says so. Real daemons, the real CLI, a real brains mcp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { answers, envFor, runCli, tempHome, waitFor } from '../helpers/daemon.js';
import { call, callError, openMcp } from '../helpers/mcp-stdio.js';
import { statePaths } from '../../rpc/paths.js';
import { connectOrStart } from '../../rpc/autostart.js';
import { DaemonStoppedError } from '../../rpc/stopped.js';
import { socketConnector } from '../../tui/main.js';

const STOPPED = /^UNAVAILABLE: brains is stopped; run brains up$/;

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = tempHome();
  try {
    await fn(home);
  } finally {
    await runCli(['down'], { home });
    rmSync(home, { recursive: true, force: true });
  }
}

async function cli(home: string, args: string[]) {
  const result = await runCli(args, { home });
  assert.equal(result.code, 0, `brains ${args.join(' ')}: ${result.stderr}`);
  return result;
}

test('after brains down a connected brains mcp answers "brains is stopped; run brains up" and starts nothing; after brains up it carries on', async () => {
  await withHome(async (home) => {
    const socket = statePaths(envFor(home)).socket;
    await cli(home, ['up', '--quiet']);
    const mcp = await openMcp({ home }, { start: true });
    try {
      assert.equal((await call(mcp, 'version')).name, 'brains');
      await cli(home, ['down']);
      assert.match(await callError(mcp, 'version'), STOPPED);
      assert.match(await callError(mcp, 'list_projects'), STOPPED);
      assert.equal(await answers(socket), false, 'no tool call started the daemon again');

      await cli(home, ['up', '--quiet']);
      assert.equal((await call(mcp, 'version')).name, 'brains', 'the same brains mcp reaches the daemon again');
      assert.ok(Array.isArray((await call(mcp, 'list_projects')).projects));
    } finally {
      await mcp.close();
    }
  });
});

test('brains mcp started while the daemon is stopped stays up, says it is stopped, and registers once brains up runs', async () => {
  await withHome(async (home) => {
    const socket = statePaths(envFor(home)).socket;
    const down = await cli(home, ['down']);
    assert.match(down.stdout, /not running; it stays stopped until brains up/);
    const mcp = await openMcp({ home }, { start: true });
    try {
      assert.match(await callError(mcp, 'version'), STOPPED);
      assert.equal(await answers(socket), false, 'brains mcp did not start the daemon');
      assert.match(mcp.stderr(), /stopped with brains down/);

      await cli(home, ['up', '--quiet']);
      assert.ok(Array.isArray((await call(mcp, 'list_projects')).projects));
      const listed = JSON.parse((await cli(home, ['rpc', 'session.list', '--compact'])).stdout) as { sessions: Array<{ label: string }> };
      assert.deepEqual(listed.sessions.map((s) => s.label), ['brains mcp'], 'its instance registered on the first call after brains up');
    } finally {
      await mcp.close();
    }
  });
});

test("after brains down an agent's session-start hook does not start the daemon; after brains up it does again", async () => {
  await withHome(async (home) => {
    const paths = statePaths(envFor(home));
    const socket = paths.socket;
    const input = JSON.stringify({ session_id: 'cc-down', cwd: '/w/down', hook_event_name: 'SessionStart', source: 'startup' });
    await cli(home, ['down']);
    const hook = await runCli(['hook', 'session-start'], { home, input });
    assert.equal(hook.code, 0, hook.stderr);
    assert.equal(hook.stdout, '');
    assert.equal(await answers(socket), false, 'the hook left the daemon stopped');

    await cli(home, ['up', '--quiet']);
    await cli(home, ['rpc', 'daemon.shutdown', '--no-start']);
    await waitFor(async () => !existsSync(paths.pidfile) && !(await answers(paths.socket)), 15_000, 'the daemon to stop');
    // Stopped by itself (not by brains down): an automatic start is still allowed.
    const started = await runCli(['hook', 'session-start'], { home, input: input.replace('cc-down', 'cc-up') });
    assert.equal(started.code, 0, started.stderr);
    assert.equal(await answers(socket), true, 'a daemon that stopped without brains down is started by the hook as before');
  });
});

test('a person\'s brains rpc starts a stopped daemon and says so on stderr; with --no-start it says it is stopped', async () => {
  await withHome(async (home) => {
    const paths = statePaths(envFor(home));
    await cli(home, ['down']);
    assert.equal(existsSync(paths.stoppedMarker), true, 'brains down leaves its mark in the state dir');

    const refused = await runCli(['rpc', 'system.ping', '--no-start'], { home });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /the daemon is stopped \(brains down\); start it with brains up, or drop --no-start/);
    assert.equal(await answers(paths.socket), false);

    const ping = await cli(home, ['rpc', 'system.ping']);
    assert.match(ping.stderr, /^brains: starting the daemon, which was stopped with brains down\n$/);
    assert.equal(existsSync(paths.stoppedMarker), false, 'the daemon that started cleared the mark');
    const again = await cli(home, ['rpc', 'system.ping']);
    assert.equal(again.stderr, '', 'a running daemon is not announced');
  });
});

test("the cockpit's connector starts a stopped daemon and tells the person; an automatic client gets DaemonStoppedError", async () => {
  await withHome(async (home) => {
    const env = envFor(home);
    const paths = statePaths(env);
    await cli(home, ['down']);
    await assert.rejects(connectOrStart(paths, { autoStart: true, env }), DaemonStoppedError);
    await assert.rejects(connectOrStart(paths, { autoStart: false, env, onStartingStopped: () => {} }), DaemonStoppedError);
    assert.equal(await answers(paths.socket), false);

    let told = 0;
    const client = await socketConnector(true, env, () => (told += 1)).connect(true);
    try {
      assert.equal((await client.call('system.ping')).pong, true);
      assert.equal(told, 1);
    } finally {
      await client.close();
    }
  });
});

test('brains status says the daemon was stopped with brains down', async () => {
  await withHome(async (home) => {
    await cli(home, ['down']);
    const status = await runCli(['status'], { home });
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not running \(stopped with brains down, state dir /);
  });
});
