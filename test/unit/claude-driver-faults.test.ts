// Why this exists: when claude hangs, crashes, floods, is missing or is overloaded, the driver must say so as an outcome, leave no process behind and never hang itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DriverStartError } from '../../daemon/agents/driver.js';
import { processAlive } from '../../rpc/process-alive.js';
import { eventLog, fakeClaude, until } from '../helpers/fake-claude.js';

const GUARD = { timeout: 30_000 };

test('kill() ends a hanging turn at once and takes the whole process tree with it', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  const claudePid = session.pid!;
  const pidFile = join(fake.state, 'grandchild.pid');
  const turn = session.turn('[hang-tree]', () => {});
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(processAlive(grandchild));
  session.kill('turn ran out of time');
  const outcome = await turn;
  assert.deepEqual([outcome.status, outcome.error, outcome.text], ['error', 'turn ran out of time', '']);
  await until(() => !processAlive(grandchild) && !processAlive(claudePid));
  const next = await session.turn('again', () => {});
  assert.deepEqual([next.status, next.transient], ['error', true]);
  assert.match(next.error!, /gone \(turn ran out of time\)/);
});

test('a crash mid-turn is a transient error with stderr, and the dead session says so at once', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  const { events, onEvent } = eventLog();
  const outcome = await session.turn('say something [crash]', onEvent);
  assert.deepEqual([outcome.status, outcome.transient], ['error', true]);
  assert.equal(outcome.error, 'claude exited (code 1): fake-claude: crashing mid-turn, as asked');
  assert.ok(events.some((e) => e.type === 'text'));
  assert.ok(outcome.text.length > 0);
  assert.equal(session.pid, null);
  const next = await session.turn('hello?', () => {});
  assert.deepEqual([next.status, next.transient], ['error', true]);
  assert.match(next.error!, /^the claude session is gone \(claude exited \(code 1\)\)/);
  await session.stop(1000);
});

test('a turn that prints more than maxOutputBytes is cut and its process killed', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec({ maxOutputBytes: 64 * 1024 }));
  const pid = session.pid!;
  const outcome = await session.turn('[flood 1024]', () => {});
  assert.deepEqual([outcome.status, outcome.error], ['error', 'output over 65536 bytes']);
  assert.ok(outcome.text.length <= 64 * 1024);
  await until(() => !processAlive(pid));
  const next = await session.turn('more', () => {});
  assert.deepEqual([next.status, next.transient], ['error', true]);
});

test('an overloaded API is a transient failure; the same prompt succeeds on the next attempt', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  try {
    const first = await session.turn('[transient] go', () => {});
    assert.deepEqual([first.status, first.transient], ['error', true]);
    assert.match(first.error!, /^API Error: 529 /);
    const second = await session.turn('[transient] go', () => {});
    assert.deepEqual([second.status, second.text], ['done', 'You said: go']);
  } finally {
    await session.stop(2000);
  }
});

test('a missing binary is NOT_FOUND with a sentence a person can act on', GUARD, async () => {
  for (const fake of [fakeClaude({ binaryPath: '/nonexistent/claude' }), fakeClaude({ binaryPath: null })]) {
    await assert.rejects(fake.driver.start(fake.spec()), (error: unknown) => {
      assert.ok(error instanceof DriverStartError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.message, 'claude not found: install Claude Code or set BRAINS_CLAUDE_PATH');
      return true;
    });
  }
});

test('a CLI that exits before answering initialize fails start() with why; a missing directory is INVALID', GUARD, async () => {
  const refusing = fakeClaude({ binaryPath: '/bin/false' });
  await assert.rejects(refusing.driver.start(refusing.spec()), (error: unknown) => {
    assert.ok(error instanceof DriverStartError);
    assert.deepEqual([error.code, error.message], ['UNAVAILABLE', 'claude exited (code 1)']);
    return true;
  });
  const fake = fakeClaude();
  await assert.rejects(fake.driver.start(fake.spec({ workingDirectory: join(fake.state, 'nope') })), { code: 'INVALID' });
  assert.deepEqual(fake.records(), []);
});

test('stop() closes stdin and the CLI exits on its own, with its own exit code', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  const pid = session.pid!;
  await session.turn('one turn', () => {});
  await session.stop(10_000);
  assert.equal(session.pid, null);
  assert.ok(!processAlive(pid));
  assert.deepEqual(
    fake.records('exit').map((r) => r.code),
    [0],
  );
  await session.stop(10_000);
});

test('stop() on a hanging turn escalates to signals and the turn resolves, not hangs', GUARD, async () => {
  const fake = fakeClaude();
  const session = await fake.driver.start(fake.spec());
  const pid = session.pid!;
  const turn = session.turn('[hang]', () => {});
  await session.stop(400);
  const outcome = await turn;
  assert.deepEqual([outcome.status, outcome.error, outcome.transient], ['error', 'claude was stopped', false]);
  assert.ok(!processAlive(pid));
});
