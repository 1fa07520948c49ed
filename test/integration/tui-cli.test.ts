// brains tui and brains start as commands: wrong, missing, oversized and hostile flags get a short usage error and start
// nothing; without a terminal the cockpit refuses and points at the headless faces, and npm start falls back to brains up.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, tempHome, waitFor, withEmptyHome } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';

test('brains tui refuses bad flags with the nearest valid one and starts no daemon', async () => {
  await withEmptyHome(async (home) => {
    const typo = await runCli(['tui', '--pane', 'aprovals'], { home });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no pane "aprovals"; did you mean approvals\? \(panes: sessions, conversation, inbox, locks, approvals, tasks, schedules, usage\)/);
    const hostile = await runCli(['tui', '--pane', `../../${'x'.repeat(10_000)}\u001b[2J`], { home });
    assert.equal(hostile.code, 2);
    assert.ok(hostile.stderr.length < 400 && hostile.stderr.includes('panes: sessions'), `a short answer that lists the panes, not ${hostile.stderr.length} characters`);
    assert.ok(!hostile.stderr.includes('\u001b'), 'the escape sequence is not echoed raw');
    const badName = await runCli(['tui', '--agent', 'back end', '--project', 'x'], { home });
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /--agent takes an agent name \(letters, digits, _ or -\), not "back end"/);
    const noDaemon = await runCli(['tui', '--agent', 'backend', '--no-start'], { home });
    assert.equal(noDaemon.code, 3, 'the names cannot be checked without the daemon');
    assert.match(noDaemon.stderr, /cannot reach the daemon: .*drop --no-start/);
    assert.equal(existsSync(join(home, 'brains.sock')), false);
    const noValue = await runCli(['tui', '--pane'], { home });
    assert.equal(noValue.code, 2);
    assert.match(noValue.stderr, /usage: brains tui/);
    const unknown = await runCli(['tui', '--colour'], { home });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage: brains tui/);
  });
});

test('brains tui without a terminal says where to look instead, and starts nothing', async () => {
  await withEmptyHome(async (home) => {
    const result = await runCli(['tui'], { home });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /needs a terminal; .*brains watch.*brains status.*brains inbox/);
  });
});

test('brains start (npm start) without a terminal does what brains up does: starts the daemon, prints its status, no demo', async () => {
  const home = tempHome();
  try {
    const result = await runCli(['start'], { home });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /running/);
    assert.equal(existsSync(join(home, 'demo.pid')), false, 'no demo without a terminal');
    assert.equal((await runCli(['status'], { home })).code, 0, 'the daemon answers');
  } finally {
    await runCli(['down'], { home });
    rmSync(home, { recursive: true, force: true });
  }
});

describe('brains tui --agent / --project are checked against the daemon before the cockpit starts', () => {
  const { daemon, client: c } = withDaemon();
  const tui = (...args: string[]) => runCli(['tui', '--pane', 'conversation', ...args], { home: daemon.home });
  const hasTmux = spawnSync('tmux', ['-V']).status === 0;

  before(async () => {
    const at = { working_directory: '/tmp' };
    await c.call('project.create', { project_id: 'tc-api', name: 'tc-api', agent_name: 'backend', ...at });
    await c.call('project.join', { project_id: 'tc-api', agent_name: 'frontend', ...at });
    await c.call('project.create', { project_id: 'tc-web', name: 'tc-web', agent_name: 'frontend', ...at });
  });

  test('a wrong project or agent is refused at once, naming the nearest valid one, with the exit code of a usage error', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['--agent', 'backnd', '--project', 'tc-api'], /^brains tui: backnd is not in tc-api; did you mean backend\?\n$/],
      [['--agent', 'zed', '--project', 'tc-api'], /^brains tui: zed is not in tc-api; members: backend, frontend\n$/],
      [['--agent', 'backend', '--project', 'tc-apj'], /^brains tui: no project tc-apj; did you mean tc-api\?\n$/],
      [['--project', 'tc-wbe'], /^brains tui: no project tc-wbe; did you mean tc-web\?\n$/],
      [['--agent', 'backnd'], /^brains tui: no agent named backnd in any project; did you mean backend\?\n$/],
      [['--agent', 'frontend'], /^brains tui: frontend is in tc-api and tc-web; pass --project\n$/],
    ];
    for (const [args, message] of refusals) {
      const result = await tui(...args);
      assert.equal(result.code, 2, `brains tui ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  test('right names pass the check (here, without a terminal, the cockpit then says it needs one)', async () => {
    for (const args of [['--agent', 'backend', '--project', 'tc-api'], ['--agent', 'backend'], ['--project', 'tc-web']]) {
      const result = await tui(...args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^brains tui: needs a terminal/, `brains tui ${args.join(' ')}`);
    }
  });

  test('--agent alone opens the conversation in the one project the agent is in', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
    const server = `brains-tui-agent-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
    try {
      const env = `BRAINS_HOME='${daemon.home}' NO_COLOR=1 TERM=xterm-256color`;
      tmux('new-session', '-d', '-s', 'tui', '-x', '100', '-y', '20', `env ${env} '${process.execPath}' '${CLI}' tui --no-bell --pane conversation --agent backend`);
      tmux('set-option', '-t', 'tui', 'remain-on-exit', 'on');
      const screen = () => tmux('capture-pane', '-p', '-t', 'tui');
      await waitFor(() => screen().includes('backend in tc-api'), 15_000, 'the conversation of backend in tc-api').catch((error: Error) => {
        throw new Error(`${error.message}; the screen was:\n${screen()}`);
      });
    } finally {
      spawnSync('tmux', ['-L', server, 'kill-server']);
    }
  });
});
