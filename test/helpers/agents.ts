// Helpers for managed-agent integration tests: temp dirs, waiting on turns and states, the fake claude's log, process checks.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import type { BrainsClient, SubscribedEvent } from '../../rpc/client.js';
import type { AgentRecord, TurnRecord } from '../../rpc/contract/agents.js';
import type { ApprovalSummary } from '../../rpc/contract/approvals.js';
import { waitFor } from './daemon.js';

/** The fake claude CLI (run from its source: it is plain JS). */
export const FAKE_CLAUDE = fileURLToPath(new URL('../../../test/fixtures/fake-claude.mjs', import.meta.url));

/** A generous guard for anything an agent process does on a loaded 2-core machine. */
export const AGENT_WAIT_MS = 60_000;

/** A temp dir removed after the file's tests. */
export function scratchDir(prefix = 'ba-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every turn of the agent, oldest first. */
export async function turns(c: BrainsClient, agentName: string): Promise<TurnRecord[]> {
  return (await c.call('agent.history', { agent_name: agentName, limit: 500 })).turns;
}

export async function turnOf(c: BrainsClient, agentName: string, turnId: string): Promise<TurnRecord> {
  const turn = (await turns(c, agentName)).find((t) => t.turn_id === turnId);
  if (!turn) throw new Error(`no turn ${turnId} of ${agentName}`);
  return turn;
}

const OPEN = new Set(['queued', 'running']);

/** Waits until the turn has ended (any status but queued or running) and returns it. */
export async function finished(c: BrainsClient, agentName: string, turnId: string, timeoutMs = AGENT_WAIT_MS): Promise<TurnRecord> {
  let turn: TurnRecord | undefined;
  await waitFor(
    async () => {
      turn = await turnOf(c, agentName, turnId);
      return !OPEN.has(turn.status);
    },
    timeoutMs,
    `${agentName}'s ${turnId} to finish`,
  );
  return turn!;
}

/** Sends text and waits for the answer turn to end. */
export async function ask(c: BrainsClient, agentName: string, text: string): Promise<TurnRecord> {
  const sent = await c.call('agent.send', { agent_name: agentName, text });
  if (!sent.turn_id) throw new Error(`${text} ran as command ${sent.command}`);
  return finished(c, agentName, sent.turn_id);
}

export async function info(c: BrainsClient, agentName: string): Promise<AgentRecord> {
  return c.call('agent.info', { agent_name: agentName });
}

/** Waits until the agent's record satisfies the check; returns it. */
export async function agentWhen(c: BrainsClient, agentName: string, check: (a: AgentRecord) => boolean, what: string, timeoutMs = AGENT_WAIT_MS): Promise<AgentRecord> {
  let agent: AgentRecord | undefined;
  await waitFor(
    async () => {
      agent = await info(c, agentName);
      return check(agent);
    },
    timeoutMs,
    `${agentName}: ${what}`,
  );
  return agent!;
}

/** One line of the fake claude's log.jsonl: its argv at start, each stdin message, its exit. */
export interface FakeLine {
  pid: number;
  kind: 'argv' | 'stdin' | 'exit';
  argv?: string[];
  message?: any;
  code?: number;
}

export function fakeLog(stateDir: string): FakeLine[] {
  const file = join(stateDir, 'log.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FakeLine);
}

/** The user turns the fake was sent, with the pid of the process that read each. */
export function userLines(stateDir: string): { pid: number; text: string }[] {
  return fakeLog(stateDir)
    .filter((l) => l.kind === 'stdin' && l.message?.type === 'user')
    .map((l) => ({ pid: l.pid, text: String(l.message.message.content) }));
}

/** The control responses the fake was sent for its permission requests (not the SDK handshakes). */
export function permissionAnswers(stateDir: string): any[] {
  return fakeLog(stateDir)
    .filter((l) => l.kind === 'stdin' && l.message?.type === 'control_response')
    .map((l) => l.message);
}

/** Whether a process runs (a zombie nobody reaped yet counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function gone(pid: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => !alive(pid), timeoutMs, `${what} (pid ${pid}) to end`);
}

/** Kill a process group left behind by a test that killed its daemon (best effort). */
export function killGroup(pid: number | null | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** A subscription's events as they arrive (log and live), for order checks. */
export class EventTap {
  readonly events: SubscribedEvent[] = [];
  private constructor() {}

  static async open(c: BrainsClient, types: string[] = ['agent.*']): Promise<EventTap> {
    const tap = new EventTap();
    c.onEvent((event) => tap.events.push(event));
    await c.call('events.subscribe', { types });
    return tap;
  }

  of(agentName: string): SubscribedEvent[] {
    return this.events.filter((e) => (e.data as { agent_name?: string }).agent_name === agentName);
  }

  async until(check: (events: SubscribedEvent[]) => boolean, what: string, timeoutMs = AGENT_WAIT_MS): Promise<void> {
    await waitFor(() => check(this.events), timeoutMs, what);
  }
}

/** Runs the config change for the test and puts the old value back after it. */
export async function withSetting<T>(c: BrainsClient, key: string, value: number, fn: () => Promise<T>): Promise<T> {
  const { previous } = (await c.callRaw('config.set', { key, value })) as { previous: number };
  try {
    return await fn();
  } finally {
    await c.callRaw('config.set', { key, value: previous });
  }
}

/** The agent's pending permission approval, once it is there. */
export async function pendingPermission(c: BrainsClient, agentName: string): Promise<ApprovalSummary> {
  let found: ApprovalSummary | undefined;
  await waitFor(
    async () => {
      found = (await c.call('approval.list', { status: 'pending', requested_by: agentName })).approvals.find((a) => a.kind === 'permission');
      return found !== undefined;
    },
    AGENT_WAIT_MS,
    `${agentName}'s permission request`,
  );
  return found!;
}
