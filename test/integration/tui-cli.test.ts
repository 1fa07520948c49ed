// brains tui and brains start as commands: wrong, missing, oversized and hostile flags get a short usage error and start
// nothing; without a terminal the cockpit refuses and points at the headless faces, and npm start falls back to brains up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome, withEmptyHome } from '../helpers/daemon.js';

test('brains tui refuses bad flags with the nearest valid one and starts no daemon', async () => {
  await withEmptyHome(async (home) => {
    const typo = await runCli(['tui', '--pane', 'aprovals'], { home });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no pane "aprovals"; did you mean approvals\? \(panes: sessions, conversation, inbox, locks, approvals, tasks\)/);
    const hostile = await runCli(['tui', '--pane', `../../${'x'.repeat(10_000)}\u001b[2J`], { home });
    assert.equal(hostile.code, 2);
    assert.ok(hostile.stderr.length < 400 && hostile.stderr.includes('panes: sessions'), `a short answer that lists the panes, not ${hostile.stderr.length} characters`);
    assert.ok(!hostile.stderr.includes('\u001b'), 'the escape sequence is not echoed raw');
    const missing = await runCli(['tui', '--agent', 'backend'], { home });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--agent needs --project/);
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
