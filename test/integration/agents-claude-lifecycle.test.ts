// Claude agents (the fake CLI) across daemon stops and starts: the native session resumed after a restart, a turn the
// stopped daemon was running marked interrupted while queued ones run, no agent process outliving the daemon, and a
// missing claude binary reported as such.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type StartDaemonOptions, type TestDaemon } from '../helpers/daemon.js';
import { AGENT_WAIT_MS, FAKE_CLAUDE, agentWhen, alive, ask, fakeLog, finished, gone, info, killGroup, scratchDir, turnOf, userLines } from '../helpers/agents.js';

const started: TestDaemon[] = [];
const leftovers: number[] = [];
after(async () => {
  const problems: unknown[] = [];
  for (const d of started) await d.cleanup().catch((error: unknown) => problems.push(error));
  for (const pid of leftovers) killGroup(pid);
  if (problems.length > 0) throw problems[0];
});

async function daemonWith(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  const d = await startDaemon({ ...options, env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE, BRAINS_AGENT_BACKOFF_MS: '50', ...options.env } });
  started.push(d);
  return d;
}

const argvs = (state: string) => fakeLog(state).filter((l) => l.kind === 'argv').map((l) => l.argv!);

/** Waits until the fake has read the turn's text (so it is really running in the CLI). */
async function heard(state: string, text: string): Promise<number> {
  let pid = 0;
  await waitFor(
    () => {
      pid = userLines(state).find((u) => u.text === text)?.pid ?? 0;
      return pid !== 0;
    },
    AGENT_WAIT_MS,
    `the fake to read ${text}`,
  );
  return pid;
}

describe('claude agents across daemon restarts', () => {
  test('a stopped daemon: the running turn is interrupted, queued turns run after the restart, resuming the native session', async () => {
    const first = await daemonWith();
    const c = await first.client();
    const state = scratchDir();
    await c.call('agent.create', { agent_name: 'res', backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state } });
    const one = await ask(c, 'res', 'turn one');
    assert.equal(one.status, 'done');
    assert.equal(one.text, 'You said: turn one');
    const sessionId = (await info(c, 'res')).native_session_id;
    assert.ok(sessionId, 'turn 1 stored the native session id');
    assert.ok(!argvs(state)[0]!.some((a) => a.startsWith('--resume')), 'the first process starts a session');

    const hang = await c.call('agent.send', { agent_name: 'res', text: '[hang] still going' });
    const queued = await c.call('agent.send', { agent_name: 'res', text: 'turn three' });
    assert.equal(queued.queued_ahead, 1);
    const pid = await heard(state, '[hang] still going');
    leftovers.push(pid);
    assert.equal((await info(c, 'res')).pid, pid);

    assert.equal(await first.stop(), 0, `the daemon stopped cleanly: ${first.stderr()}`);
    assert.ok(!/ERROR/.test(first.stderr()), `no errors while stopping:\n${first.stderr()}`);
    await gone(pid, 'the claude process after the daemon stopped', 5000);

    const second = await daemonWith({ home: first.home });
    const c2 = await second.client();
    const interrupted = await turnOf(c2, 'res', hang.turn_id!);
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.error, 'the daemon stopped while this turn ran; send it again if it is still wanted');
    const three = await finished(c2, 'res', queued.turn_id!);
    assert.equal(three.status, 'done');
    assert.equal(three.text, 'You said: turn three');
    const last = argvs(state).at(-1)!;
    assert.ok(last.includes(`--resume=${sessionId}`), `the new process resumed the session: ${last.join(' ')}`);
    assert.equal((await info(c2, 'res')).native_session_id, sessionId);
    assert.equal((await info(c2, 'res')).state, 'idle');
  });

  test('a killed daemon: on its restart the turn it ran is marked interrupted with a clear error and queued turns run', async () => {
    const first = await daemonWith();
    const c = await first.client();
    const state = scratchDir();
    await c.call('agent.create', { agent_name: 'crash', backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state } });
    const hang = await c.call('agent.send', { agent_name: 'crash', text: '[hang] before the crash' });
    const queued = await c.call('agent.send', { agent_name: 'crash', text: 'after the crash' });
    leftovers.push(await heard(state, '[hang] before the crash'));
    const sessionId = (await agentWhen(c, 'crash', (a) => a.native_session_id !== null, 'the session id')).native_session_id;
    await first.kill();

    const second = await daemonWith({ home: first.home });
    const c2 = await second.client();
    const interrupted = await turnOf(c2, 'crash', hang.turn_id!);
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.error, 'the daemon stopped while this turn ran; send it again if it is still wanted');
    const next = await finished(c2, 'crash', queued.turn_id!);
    assert.equal(next.status, 'done');
    assert.ok(argvs(state).at(-1)!.includes(`--resume=${sessionId}`));
  });

  test('a daemon stopped while a turn waits out its retry backoff stops at once and the turn is interrupted', async () => {
    const first = await daemonWith({ env: { BRAINS_AGENT_BACKOFF_MS: '600000' } });
    const c = await first.client();
    const state = scratchDir();
    await c.call('agent.create', { agent_name: 'wait', backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state, FAKE_CLAUDE_TRANSIENT_FAILS: '5' } });
    const sent = await c.call('agent.send', { agent_name: 'wait', text: '[transient] soon' });
    await waitFor(() => /trying again/.test(first.stderr()), AGENT_WAIT_MS, 'the first attempt to fail');
    assert.equal((await turnOf(c, 'wait', sent.turn_id!)).status, 'running');
    assert.equal(await first.stop(), 0);
    assert.ok(!/ERROR/.test(first.stderr()), `no errors while stopping:\n${first.stderr()}`);
    const second = await daemonWith({ home: first.home });
    const turn = await turnOf(await second.client(), 'wait', sent.turn_id!);
    assert.equal(turn.status, 'interrupted');
    assert.equal(turn.error, 'the daemon stopped while this turn ran; send it again if it is still wanted');
    assert.equal(turn.attempts, 1);
  });

  test('stopping the daemon ends every agent process and what they started', async () => {
    const d = await daemonWith();
    const c = await d.client();
    const busy = scratchDir();
    const idle = scratchDir();
    await c.call('agent.create', { agent_name: 'busy', backend: 'claude', working_directory: busy, env: { FAKE_CLAUDE_STATE: busy } });
    await c.call('agent.create', { agent_name: 'lazy', backend: 'claude', working_directory: idle, env: { FAKE_CLAUDE_STATE: idle } });
    assert.equal((await ask(c, 'lazy', 'hello')).status, 'done');
    const lazyPid = (await info(c, 'lazy')).pid;
    assert.ok(lazyPid && alive(lazyPid), 'the idle claude process stays up between turns');
    await c.call('agent.send', { agent_name: 'busy', text: '[hang-tree] working' });
    const busyPid = await heard(busy, '[hang-tree] working');
    let grandchild = 0;
    await waitFor(() => {
      try {
        grandchild = Number(readFileSync(join(busy, 'grandchild.pid'), 'utf8'));
      } catch {
        return false;
      }
      return grandchild > 0;
    }, AGENT_WAIT_MS, 'the grandchild pid');
    leftovers.push(busyPid, lazyPid, grandchild);
    assert.equal((await info(c, 'busy')).pid, busyPid);
    assert.ok(alive(grandchild));

    assert.equal(await d.stop(), 0);
    for (const [pid, what] of [[busyPid, 'the busy claude'], [lazyPid, 'the idle claude'], [grandchild, "the busy claude's child"]] as const) {
      await gone(pid, what, 5000);
    }
  });
});

describe('no claude binary', () => {
  const NOT_FOUND = 'claude not found: install Claude Code or set BRAINS_CLAUDE_PATH';

  test('BRAINS_CLAUDE_PATH naming nothing: the turn fails saying so and the agent is in error', async () => {
    const d = await daemonWith({ env: { BRAINS_CLAUDE_PATH: '/nonexistent' } });
    const c = await d.client();
    await c.call('agent.create', { agent_name: 'nope', backend: 'claude', working_directory: scratchDir() });
    const turn = await ask(c, 'nope', 'hello?');
    assert.equal(turn.status, 'error');
    assert.equal(turn.error, NOT_FOUND);
    assert.equal(turn.attempts, 1, 'a missing binary is not retried');
    const agent = await agentWhen(c, 'nope', (a) => a.state === 'error', 'state error');
    assert.equal(agent.state_detail, NOT_FOUND);
  });

  test('no claude on the agent PATH', async () => {
    const d = await daemonWith({ env: { BRAINS_CLAUDE_PATH: '' } });
    const c = await d.client();
    const empty = scratchDir();
    await c.call('agent.create', { agent_name: 'nopath', backend: 'claude', working_directory: empty, env: { PATH: empty } });
    const turn = await ask(c, 'nopath', 'hello?');
    assert.equal(turn.status, 'error');
    assert.equal(turn.error, NOT_FOUND);
    assert.equal((await agentWhen(c, 'nopath', (a) => a.state === 'error', 'state error')).state_detail, NOT_FOUND);
  });
});
