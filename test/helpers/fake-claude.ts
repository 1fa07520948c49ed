// Runs the claude driver against test/fixtures/fake-claude.mjs in a temp dir, and reads back what the fake was sent.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentSpec, DriverEvent } from '../../daemon/agents/driver.js';
import { ClaudeDriver } from '../../daemon/agents/drivers/claude.js';

export const FAKE_CLAUDE = fileURLToPath(new URL('../../../test/fixtures/fake-claude.mjs', import.meta.url));

export interface FakeRecord {
  pid: number;
  kind: 'argv' | 'stdin' | 'exit';
  argv?: string[];
  message?: any;
  code?: number;
}

export interface FakeClaude {
  state: string;
  driver: ClaudeDriver;
  logs: string[];
  spec(over?: Partial<AgentSpec>): AgentSpec;
  records(kind?: FakeRecord['kind']): FakeRecord[];
}

export function fakeClaude(options: { binaryPath?: string | null } = {}): FakeClaude {
  const state = mkdtempSync(join(tmpdir(), 'brains-fake-claude-'));
  const logs: string[] = [];
  const driver = new ClaudeDriver({ binaryPath: options.binaryPath === null ? undefined : (options.binaryPath ?? FAKE_CLAUDE), log: (msg) => logs.push(msg) });
  return {
    state,
    driver,
    logs,
    spec: (over = {}) => ({
      agentName: 'ada',
      workingDirectory: state,
      model: null,
      systemPrompt: null,
      addDirs: [],
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: state, FAKE_CLAUDE_STATE: state },
      nativeSessionId: null,
      mcpConfigPath: null,
      command: null,
      maxOutputBytes: 4 * 1024 * 1024,
      ...over,
    }),
    records(kind) {
      const file = join(state, 'log.jsonl');
      if (!existsSync(file)) return [];
      const all = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FakeRecord);
      return kind ? all.filter((record) => record.kind === kind) : all;
    },
  };
}

/** Collects a turn's events, and lets a test wait for one. */
export function eventLog(onEach?: (event: DriverEvent) => void): { events: DriverEvent[]; onEvent: (event: DriverEvent) => void; next(type: DriverEvent['type']): Promise<DriverEvent> } {
  const events: DriverEvent[] = [];
  const waiters: { type: DriverEvent['type']; resolve: (event: DriverEvent) => void }[] = [];
  return {
    events,
    onEvent(event) {
      events.push(event);
      onEach?.(event);
      for (const waiter of waiters.filter((w) => w.type === event.type)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    next(type) {
      const seen = events.find((event) => event.type === type);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

/** Polls until the condition holds; the test's own timeout is the hang guard. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
