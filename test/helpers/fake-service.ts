// A fake systemctl or launchctl first on PATH, a temp HOME for the files brains service writes, and what the fake recorded.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

export interface FakeServiceManager {
  /** The temp HOME: ~/.config/systemd/user and ~/Library/LaunchAgents live under it. */
  home: string;
  /** HOME, PATH (the fake first), the fake's log and state, BRAINS_SERVICE_MANAGER; add BRAINS_HOME with envFor. */
  env: NodeJS.ProcessEnv;
  /** Every call the fake received, as its argv. */
  calls(): string[][];
  /** Forget the calls so far. */
  clearCalls(): void;
  /** Kill whatever the fake started (tests must not leave daemons behind) and remove the temp dirs. */
  cleanup(): Promise<void>;
}

export function fakeServiceManager(kind: 'systemd' | 'launchd', extraEnv: NodeJS.ProcessEnv = {}): FakeServiceManager {
  // Short: BRAINS_HOME under it must keep the socket path under 107 bytes.
  const root = mkdtempSync(join(tmpdir(), 'bs-'));
  const home = join(root, 'h');
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  const log = join(root, 'calls.jsonl');
  for (const dir of [home, bin, state]) mkdirSync(dir, { recursive: true });
  const tool = kind === 'systemd' ? 'systemctl' : 'launchctl';
  const wrapper = join(bin, tool);
  writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${join(FIXTURES, `fake-${tool}.mjs`)}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    FAKE_SERVICE_LOG: log,
    FAKE_SERVICE_STATE: state,
    BRAINS_SERVICE_MANAGER: kind,
    XDG_CONFIG_HOME: '',
    ...extraEnv,
  };
  return {
    home,
    env,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (JSON.parse(line) as { argv: string[] }).argv),
    clearCalls: () => writeFileSync(log, ''),
    cleanup: async () => {
      for (const file of readdirSync(state).filter((f) => f.startsWith('run-'))) {
        const run = JSON.parse(readFileSync(join(state, file), 'utf8')) as { pid?: number };
        if (run.pid) await killAndWait(run.pid);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function killAndWait(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive()) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
