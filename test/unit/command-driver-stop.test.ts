// A command agent stopped in the moment between its turn starting and its process spawning: no process may start after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandDriver } from '../../daemon/agents/drivers/command.js';
import type { AgentSpec } from '../../daemon/agents/driver.js';

function spec(dir: string): AgentSpec {
  const marker = join(dir, 'ran');
  return {
    agentName: 'a',
    workingDirectory: dir,
    model: null,
    systemPrompt: null,
    addDirs: [],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    nativeSessionId: null,
    mcpConfigPath: null,
    command: ['sh', '-c', `touch ${marker}; cat`],
    maxOutputBytes: 1_000_000,
  };
}

for (const [how, end] of [
  ['stopped', (s: { stop(ms: number): Promise<void> }) => void s.stop(1000)],
  ['interrupted', (s: { interrupt(): Promise<void> }) => void s.interrupt()],
] as const) {
  test(`a turn ${how} before its process spawned starts no process and ends at once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcd-'));
    try {
      const session = await new CommandDriver().start(spec(dir));
      const turn = session.turn('hello', () => {});
      end(session as never);
      const outcome = await turn;
      assert.equal(outcome.status, 'interrupted');
      assert.equal(session.pid, null);
      assert.equal(existsSync(join(dir, 'ran')), false, 'the command never ran');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a turn left alone still runs its command and answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcd-'));
  try {
    const session = await new CommandDriver().start(spec(dir));
    const outcome = await session.turn('hello', () => {});
    assert.deepEqual([outcome.status, outcome.text], ['done', 'hello']);
    assert.equal(existsSync(join(dir, 'ran')), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
