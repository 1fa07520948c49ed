// Why this exists: `brains demo` is a detached process that sets up three managed echo agents and plays a script as them over the
// real socket; only real processes, a real daemon and its event log show that the agents are there, talk, lock, claim, hand in,
// answer you (by echo, streamed), stop cleanly and survive a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BrainsClient } from '../../rpc/client.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { processAlive } from '../../rpc/process-alive.js';
import { envFor, runCli, startDaemon, tempHome, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { refusedWith } from '../helpers/rpc-assert.js';
import { isFreshState, startDemo, stopDemo } from '../../bin/commands/demo-control.js';
import { LINES, TASK_IDEAS } from '../../bin/commands/demo-cast.js';

/** Fast enough that a whole cycle of the script passes in about a second. */
const DEMO_ENV = { BRAINS_DEMO_INTERVAL_MS: '50' };
const AGENTS = ['planner', 'backend', 'frontend'];

type DemoJson = { running: boolean; started: boolean; pid: number; project_id: string; agents: Array<{ name: string; backend: string }> };

async function demo(home: string, ...args: string[]) {
  return runCli(['demo', ...args], { home, env: DEMO_ENV });
}

async function startedDemo(home: string): Promise<DemoJson> {
  const result = await demo(home, '--json');
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as DemoJson;
}

function demoPid(home: string): number | null {
  try {
    return Number(readFileSync(join(home, 'demo.pid'), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** Whatever happened in the test, no driver outlives it. */
async function stopDriver(home: string): Promise<void> {
  const pid = demoPid(home);
  await demo(home, '--stop').catch(() => undefined);
  if (pid !== null && processAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** The first event after `after` of these types that matches; parks on events.wait, never sleeps. */
async function nextEvent(c: BrainsClient, types: string[], after: number, match: (e: EventRecord) => boolean = () => true): Promise<EventRecord> {
  let cursor = after;
  for (;;) {
    const { event } = await c.call('events.wait', { types, after: cursor, timeout_seconds: 30 });
    if (!event) throw new Error(`no ${types.join('/')} event after seq ${after} matched within 30s`);
    if (match(event)) return event;
    cursor = event.seq;
  }
}

const data = (e: EventRecord) => e.data as Record<string, any>;

/** Wait until the script has gone round `cycles` more times: frontend gives its lock back once a cycle. */
async function cyclesPass(c: BrainsClient, after: number, cycles: number): Promise<number> {
  let cursor = after;
  for (let i = 0; i < cycles; i += 1) {
    cursor = (await nextEvent(c, ['lock.released'], cursor, (e) => e.subject === 'src/web/**' && data(e).holder.agent_name === 'frontend')).seq;
  }
  return cursor;
}

async function demoAgents(c: BrainsClient) {
  return (await c.call('agent.list', { project_id: 'demo' })).agents;
}

describe('brains demo: a running demo', () => {
  let daemon: TestDaemon;
  let c: BrainsClient;
  let started: DemoJson;

  before(async () => {
    daemon = await startDaemon();
    c = await daemon.client();
    started = await startedDemo(daemon.home);
  });
  after(async () => {
    await stopDriver(daemon.home);
    await daemon.cleanup();
  });

  test('it starts a driver, creates project demo with planner as coordinator, and its agents are three managed echo agents', async () => {
    assert.equal(started.started, true);
    assert.equal(started.running, true);
    assert.equal(started.project_id, 'demo');
    assert.deepEqual(started.agents, AGENTS.map((name) => ({ name, backend: 'echo' })));
    assert.equal(demoPid(daemon.home), started.pid);
    assert.ok(processAlive(started.pid));
    assert.ok(existsSync(join(daemon.home, 'logs', 'demo.log')));

    const info = await c.call('project.info', { project_id: 'demo' });
    assert.equal(info.timed_out, false);
    if (info.timed_out) return;
    assert.equal(info.project.name, 'Demo');
    assert.equal(info.project.context.brains_demo, true);
    assert.equal(info.coordinator, 'planner');
    assert.deepEqual(info.members.map((m) => m.agent_name).sort(), [...AGENTS].sort());
    for (const m of info.members) assert.equal(m.client_id, null, `${m.agent_name} is a managed agent's member, no instance's`);

    const agents = await demoAgents(c);
    assert.deepEqual(agents.map((a) => a.agent_name).sort(), [...AGENTS].sort());
    for (const a of agents) {
      assert.equal(a.backend, 'echo');
      assert.equal(a.auto_reply, true);
      assert.equal(a.working_directory, join(daemon.home, 'demo', a.agent_name));
      assert.ok(existsSync(a.working_directory));
    }
    const { sessions } = await c.call('session.list', {});
    assert.deepEqual(sessions, [], 'the driver acts through tokens: no agent instance sessions');
    for (const name of AGENTS) await nextEvent(c, ['mcp.token_minted'], 0, (e) => e.subject === 'demo' && data(e).agent_name === name);
  });

  test('agents message each other; a question is answered in its thread, and mail is delivered and acknowledged', async () => {
    const ask = await nextEvent(c, ['message.sent'], 0, (e) => data(e).from_agent === 'planner' && data(e).to_agent === 'backend' && data(e).reply_expected === true);
    const id = data(ask).message_id as string;
    await nextEvent(c, ['message.delivered'], ask.seq, (e) => data(e).agent_name === 'backend' && data(e).deliveries.some((d: { message_id: string }) => d.message_id === id));
    await nextEvent(c, ['message.acked'], ask.seq, (e) => data(e).agent_name === 'backend' && data(e).message_ids.includes(id));
    const answer = await nextEvent(c, ['message.sent'], ask.seq, (e) => data(e).reply_to === id);
    assert.equal(data(answer).from_agent, 'backend');
    assert.equal(data(answer).to_agent, 'planner');
    const { messages } = await c.call('message.list', { project_id: 'demo', thread: id });
    assert.equal(messages.length, 2);
    for (const m of messages) assert.deepEqual(m.metadata, { no_auto_reply: true });
  });

  test('the script never starts an echo turn: what the agents send each other is marked no_auto_reply', async () => {
    const from = (await c.call('system.info')).event_seq;
    const later = await cyclesPass(c, from, 2);
    const { events } = await c.call('events.list', { after: 0, types: ['message.sent', 'agent.turn_queued'], limit: 1000 });
    const seen = events.filter((e) => e.seq <= later);
    assert.ok(seen.some((e) => e.type === 'message.sent' && AGENTS.includes(data(e).to_agent)), 'they did message each other');
    assert.deepEqual(seen.filter((e) => e.type === 'agent.turn_queued'), [], 'no turn came of it');
    for (const name of AGENTS) assert.deepEqual((await c.call('agent.history', { agent_name: name })).turns, []);
  });

  test('backend takes the lock on src/api/** and gives it back', async () => {
    const taken = await nextEvent(c, ['lock.acquired'], 0, (e) => e.subject === 'src/api/**');
    assert.deepEqual(data(taken).holder, { project_id: 'demo', agent_name: 'backend' });
    const released = await nextEvent(c, ['lock.released'], taken.seq, (e) => e.subject === 'src/api/**' && data(e).fencing_token === data(taken).fencing_token);
    assert.equal(data(released).reason, 'released');
  });

  test('workers claim tasks of their own area (as managed agents, under no session) and finish them', async () => {
    const claimed = await nextEvent(c, ['task.claimed'], 0, (e) => data(e).agent_name === 'backend');
    assert.equal(data(claimed).session_id, null);
    const task = await c.call('task.get', { project_id: 'demo', task_id: data(claimed).task_id });
    assert.deepEqual(task.labels, ['api']);
    await nextEvent(c, ['task.updated'], claimed.seq, (e) => data(e).task_id === task.task_id && data(e).status === 'done');
  });

  test('exactly one handoff waits for the operator, however many rounds pass', async () => {
    const handoff = await nextEvent(c, ['approval.requested'], 0, (e) => data(e).kind === 'handoff');
    assert.equal(data(handoff).requested_by, 'frontend');
    assert.equal(data(handoff).addressed_to, 'operator');
    await cyclesPass(c, handoff.seq, 3);
    const { approvals } = await c.call('approval.list', { project_id: 'demo', status: 'pending' });
    assert.deepEqual(
      approvals.filter((a) => a.kind === 'handoff').map((a) => a.approval_id),
      [data(handoff).approval_id],
    );
  });

  test('once the handoff is decided, its author reads the decision and a new one follows, still never two at once', async () => {
    const { approvals } = await c.call('approval.list', { project_id: 'demo', status: 'pending' });
    const pending = approvals.find((a) => a.kind === 'handoff')!;
    const from = (await c.call('system.info')).event_seq;
    await c.call('approval.decide', { approval_id: pending.approval_id, decision: 'approve', comment: 'looks good' });
    const decided = await nextEvent(c, ['approval.decided'], from, (e) => data(e).approval_id === pending.approval_id);
    const noticeIds = data(decided).message_ids as string[];
    await nextEvent(c, ['message.acked'], from, (e) => data(e).agent_name === 'frontend' && noticeIds.some((id) => data(e).message_ids.includes(id)));
    const next = await nextEvent(c, ['approval.requested'], decided.seq, (e) => data(e).kind === 'handoff');
    assert.notEqual(data(next).approval_id, pending.approval_id);
    await cyclesPass(c, next.seq, 2);
    const after = await c.call('approval.list', { project_id: 'demo', status: 'pending' });
    assert.deepEqual(
      after.approvals.filter((a) => a.kind === 'handoff').map((a) => a.approval_id),
      [data(next).approval_id],
    );
  });

  test('typed into (brains rpc agent.send, as the start text suggests), backend echoes it, streamed, into its history', async () => {
    const streamed: string[] = [];
    let finished: (turnId: string) => void = () => {};
    const done = new Promise<string>((resolve) => (finished = resolve));
    const off = c.onEvent((event) => {
      const d = event.data as { agent_name?: string; turn_id?: string; delta?: string };
      if (d.agent_name !== 'backend') return;
      if (event.type === 'agent.output') streamed.push(d.delta!);
      if (event.type === 'agent.turn_finished') finished(d.turn_id!);
    });
    try {
      await c.call('events.subscribe', { types: ['agent.output', 'agent.turn_finished'] });
      const sent = await runCli(['rpc', 'agent.send', 'agent_name=backend', 'text=hello'], { home: daemon.home });
      assert.equal(sent.code, 0, sent.stderr);
      const turnId = (JSON.parse(sent.stdout) as { turn_id: string }).turn_id;
      assert.equal(await done, turnId);
      assert.equal(streamed.join(''), 'hello');
      assert.ok(streamed.length > 1, 'the answer came in pieces');
    } finally {
      off();
    }
    const history = await runCli(['rpc', 'agent.history', 'agent_name=backend'], { home: daemon.home });
    assert.equal(history.code, 0, history.stderr);
    const turns = (JSON.parse(history.stdout) as { turns: Array<{ role: string; text: string; status: string; source: string }> }).turns;
    assert.deepEqual(
      turns.slice(-2).map((t) => [t.role, t.source, t.text, t.status]),
      [
        ['user', 'operator', 'hello', 'done'],
        ['assistant', 'operator', 'hello', 'done'],
      ],
    );
  });

  test('a message from the operator (brains rpc message.send, as the start text suggests) is answered by echo auto_reply', async () => {
    const sent = await runCli(['rpc', 'message.send', 'project_id=demo', 'to_agent=backend', 'payload="what are you working on?"'], { home: daemon.home });
    assert.equal(sent.code, 0, sent.stderr);
    const id = (JSON.parse(sent.stdout) as { message_id: string }).message_id;
    const answer = await operatorMessage(c, (m) => m.reply_to === id);
    assert.equal(answer.from_agent, 'backend');
    assert.match(String(answer.payload), /what are you working on\?$/);
    assert.equal(answer.metadata?.auto_reply, true);

    const { message_id } = await c.call('message.send', { project_id: 'demo', from_agent: 'operator', to_agent: 'frontend', payload: 'ship the settings page' });
    const second = await operatorMessage(c, (m) => m.reply_to === message_id);
    assert.equal(second.from_agent, 'frontend');
    assert.match(String(second.payload), /ship the settings page$/);
    // This message's own delivery: the running demo may have left frontend other mail meanwhile.
    const thread = await c.call('message.list', { project_id: 'demo', thread: message_id });
    const mine = thread.messages.find((m) => m.message_id === message_id);
    assert.deepEqual(
      mine?.deliveries.map((d) => [d.recipient, d.state]),
      [['frontend', 'acked']],
      'auto_reply took the message: it waits unread nowhere',
    );
  });

  test('the operator is asked a question now and then, but only while nothing from the demo waits in the inbox', async () => {
    await drainOperatorInbox(c);
    // Read without acknowledging: the question stays unread, so no other may follow.
    const got = await c.call('message.receive', { project_id: 'demo', agent_name: 'operator', wait: true, timeout_seconds: 30 });
    assert.equal(got.count, 1, 'one question after the inbox was emptied');
    const question = got.messages[0]!;
    assert.equal(question.from_agent, 'frontend');
    assert.equal(question.reply_expected, true);
    const sent = await nextEvent(c, ['message.sent'], 0, (e) => data(e).message_id === question.message_id);
    const later = await cyclesPass(c, sent.seq, 3);
    const { events } = await c.call('events.list', { after: sent.seq, types: ['message.sent'], limit: 1000 });
    const more = events.filter((e) => e.seq <= later && data(e).to_agent === 'operator');
    assert.deepEqual(more, [], 'no second question while the first is unread');
    const { total_unread } = await c.call('message.unread_counts', { project_id: 'demo', agent_name: 'operator' });
    assert.equal(total_unread, 1);
  });

  test('brains demo again says it runs, and starts no second driver; --status says so too', async () => {
    const again = await demo(daemon.home);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`already running \\(pid ${started.pid}\\)`));
    const json = await startedDemo(daemon.home);
    assert.equal(json.started, false);
    assert.equal(json.pid, started.pid);
    assert.equal(demoPid(daemon.home), started.pid);
    assert.equal((await demoAgents(c)).length, 3);

    const status = await demo(daemon.home, '--status', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(JSON.parse(status.stdout), {
      running: true,
      pid: started.pid,
      project_id: 'demo',
      pidfile: join(daemon.home, 'demo.pid'),
      log: join(daemon.home, 'logs', 'demo.log'),
    });
  });
});

describe('brains demo: left running, it stays the same size', () => {
  let daemon: TestDaemon;
  let c: BrainsClient;

  before(async () => {
    daemon = await startDaemon();
    c = await daemon.client();
    await startedDemo(daemon.home);
  });
  after(async () => {
    await stopDriver(daemon.home);
    await daemon.cleanup();
  });

  const handoffs = async () => (await c.call('approval.list', { project_id: 'demo', limit: 1000 })).approvals.filter((a) => a.kind === 'handoff');

  test('each handoff is handed in once: approve them as they come and, after the last, none follows', async () => {
    while ((await handoffs()).filter((a) => a.status !== 'pending').length < LINES.handoffs.length) {
      const from = (await c.call('system.info')).event_seq;
      const waiting = (await handoffs()).find((a) => a.status === 'pending')?.approval_id;
      const id = waiting ?? (data(await nextEvent(c, ['approval.requested'], from, (e) => data(e).kind === 'handoff')).approval_id as string);
      await c.call('approval.decide', { approval_id: id, decision: 'approve' });
    }
    const decidedAt = (await c.call('system.info')).event_seq;
    const later = await cyclesPass(c, decidedAt, 3);
    const { events } = await c.call('events.list', { after: decidedAt, types: ['approval.requested'], limit: 1000 });
    assert.deepEqual(events.filter((e) => e.seq <= later), [], 'nothing handed in again after every handoff was decided');
    const titles = (await handoffs()).map((a) => a.title);
    assert.deepEqual([...titles].sort(), LINES.handoffs.map((h) => h.title).sort(), 'each handoff once');
  });

  test('each task idea is added once; the last task of each area goes back in the queue and is claimed again', async () => {
    for (const worker of ['backend', 'frontend']) await nextEvent(c, ['task.released'], 0, (e) => data(e).agent_name === worker);
    const settled = (await c.call('system.info')).event_seq;
    const later = await cyclesPass(c, settled, 3);
    const { tasks, total } = await c.call('task.list', { project_id: 'demo', limit: 1000 });
    assert.equal(total, TASK_IDEAS.length, tasks.map((t) => `${t.status} ${t.title}`).join('\n'));
    assert.deepEqual(tasks.map((t) => t.title).sort(), TASK_IDEAS.map((idea) => idea.title).sort(), 'each idea once');
    const { events } = await c.call('events.list', { after: settled, types: ['task.created', 'task.claimed'], limit: 1000 });
    const meanwhile = events.filter((e) => e.seq <= later);
    assert.deepEqual(meanwhile.filter((e) => e.type === 'task.created'), [], 'nothing added once every idea was made');
    for (const worker of ['backend', 'frontend']) assert.ok(meanwhile.some((e) => e.type === 'task.claimed' && data(e).agent_name === worker), `${worker} still claims a task`);
  });
});

/** Read the operator's inbox (acknowledging everything read) until a message matches. */
async function operatorMessage(c: BrainsClient, match: (m: { reply_to: string | null; from_agent: string; payload: unknown; metadata: Record<string, unknown> | null }) => boolean) {
  for (;;) {
    const got = await c.call('message.receive', { project_id: 'demo', agent_name: 'operator', wait: true, timeout_seconds: 30, limit: 100 });
    if (got.count > 0) await c.call('message.ack', { project_id: 'demo', agent_name: 'operator', delivery_tokens: got.messages.map((m) => m.delivery_token) });
    const found = got.messages.find(match);
    if (found) return found;
    if (got.timed_out) throw new Error('no matching message reached the operator within 30s');
  }
}

/** Read and acknowledge whatever waits in the operator's inbox now. */
async function drainOperatorInbox(c: BrainsClient): Promise<void> {
  for (;;) {
    const got = await c.call('message.receive', { project_id: 'demo', agent_name: 'operator', limit: 100 });
    if (got.count === 0) return;
    await c.call('message.ack', { project_id: 'demo', agent_name: 'operator', delivery_tokens: got.messages.map((m) => m.delivery_token) });
  }
}

describe('brains demo: stopping, cleaning, and one driver only', () => {
  let daemon: TestDaemon;
  let c: BrainsClient;

  before(async () => {
    daemon = await startDaemon();
    c = await daemon.client();
  });
  after(async () => {
    await stopDriver(daemon.home);
    await daemon.cleanup();
  });

  test('two brains demo at once start one driver; both say the demo runs', async () => {
    const [one, two] = await Promise.all([demo(daemon.home, '--json'), demo(daemon.home, '--json')]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const results = [JSON.parse(one.stdout) as DemoJson, JSON.parse(two.stdout) as DemoJson];
    assert.deepEqual(results.map((r) => r.started).sort(), [false, true]);
    const pid = results.find((r) => r.started)!.pid;
    assert.equal(demoPid(daemon.home), pid);
    assert.equal((await demoAgents(c)).length, 3, 'one set of agents');
  });

  test('--stop ends the driver; its agents give back their locks and claimed tasks, and stay (echo still answers)', async () => {
    const pid = demoPid(daemon.home)!;
    const agents = await demoAgents(c);
    // Let it hold something first, so there is something to give back.
    const taken = await nextEvent(c, ['lock.acquired'], 0);
    await nextEvent(c, ['task.claimed'], taken.seq);

    const stopped = await demo(daemon.home, '--stop');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`stopped \\(pid ${pid}\\)`));
    assert.equal(processAlive(pid), false, 'the driver exited');
    assert.equal(existsSync(join(daemon.home, 'demo.pid')), false);
    assert.deepEqual((await c.call('lock.list', { project_id: 'demo' })).locks, []);
    assert.equal((await c.call('task.list', { project_id: 'demo', status: 'claimed' })).total, 0);
    assert.deepEqual(
      (await demoAgents(c)).map((a) => [a.agent_name, a.created_at]),
      agents.map((a) => [a.agent_name, a.created_at]),
      'the same agents are still there',
    );
    const { turn_id } = await c.call('agent.send', { agent_name: 'planner', text: 'still there?' });
    await nextEvent(c, ['agent.turn_finished'], 0, (e) => data(e).turn_id === turn_id && data(e).agent_name === 'planner');

    const status = await demo(daemon.home, '--status');
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not running/);
    const again = await demo(daemon.home, '--stop');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /was not running/);
  });

  test('a restarted demo carries on in the same project, as the same agents (their tokens minted again)', async () => {
    const before = await c.call('task.list', { project_id: 'demo', limit: 1 });
    const agents = await demoAgents(c);
    const mintedFrom = (await c.call('system.info')).event_seq;
    const restarted = await startedDemo(daemon.home);
    assert.equal(restarted.started, true);
    const info = await c.call('project.info', { project_id: 'demo' });
    if (info.timed_out) assert.fail('the project is there');
    assert.deepEqual(info.members.map((m) => m.agent_name).sort(), [...AGENTS].sort());
    assert.equal(info.coordinator, 'planner');
    assert.deepEqual(
      (await demoAgents(c)).map((a) => [a.agent_name, a.created_at]),
      agents.map((a) => [a.agent_name, a.created_at]),
    );
    const { events } = await c.call('events.list', { after: mintedFrom, types: ['mcp.token_minted'], limit: 100 });
    assert.deepEqual(events.map((e) => [data(e).agent_name, data(e).replaced]).sort(), AGENTS.map((name) => [name, true]).sort());
    const from = (await c.call('system.info')).event_seq;
    await nextEvent(c, ['task.claimed'], from);
    assert.ok((await c.call('task.list', { project_id: 'demo', limit: 1 })).total >= before.total);
  });

  test('deleting the demo project under a running demo stops it, its agents going with it (they do not come back by themselves)', async () => {
    const pid = demoPid(daemon.home)!;
    await c.call('project.delete', { project_id: 'demo' });
    await waitFor(() => !processAlive(pid), 15_000, 'the driver to exit');
    await refusedWith(c.call('project.info', { project_id: 'demo' }), 'NOT_FOUND');
    assert.deepEqual((await c.call('agent.list', {})).agents, []);
    assert.match(readFileSync(join(daemon.home, 'logs', 'demo.log'), 'utf8'), /the demo project was deleted; the demo stopped/);
  });

  test('brains demo says what to try next: plain brains watch (readable lines), never --pretty (indented JSON); typing into backend', async () => {
    const started = await demo(daemon.home);
    try {
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, /project demo with planner, backend and frontend, echo agents the daemon runs/);
      const tips = started.stdout.split('\n').filter((line) => line.startsWith('  brains '));
      assert.match(tips.find((line) => line.includes('what they do, live')) ?? '', /^ {2}brains watch +what they do, live$/);
      for (const command of ['brains rpc agent.send agent_name=backend text=hello', 'brains rpc agent.history agent_name=backend']) {
        assert.ok(tips.some((line) => line.startsWith(`  ${command} `)), command);
      }
      assert.doesNotMatch(started.stdout, /--pretty/);
    } finally {
      await demo(daemon.home, '--stop');
    }
  });

  test('--clean stops the driver and removes its agents and the project with everything in it; a second --clean says there is nothing', async () => {
    const { pid } = await startedDemo(daemon.home);
    const from = (await c.call('system.info')).event_seq;
    const cleaned = await demo(daemon.home, '--clean');
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stdout, /removed/);
    assert.equal(processAlive(pid), false);
    const { events } = await c.call('events.list', { after: from, types: ['agent.removed'], limit: 100 });
    assert.deepEqual(events.map((e) => e.subject).sort(), [...AGENTS].sort(), 'each agent removed with agent.remove');
    assert.deepEqual((await c.call('agent.list', {})).agents, []);
    await refusedWith(c.call('project.info', { project_id: 'demo' }), 'NOT_FOUND');
    assert.equal((await c.call('approval.list', { status: 'pending' })).approvals.filter((a) => a.project_id === 'demo').length, 0);

    const again = await demo(daemon.home, '--clean');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no demo project to remove/);
  });

  test('a managed agent of yours named backend in another project stops the demo before it makes anything, and is left alone', async () => {
    await c.call('project.create', { project_id: 'mine', name: 'Mine' });
    await c.call('agent.create', { agent_name: 'backend', backend: 'echo', working_directory: daemon.home, project_id: 'mine' });
    const start = await demo(daemon.home);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /a managed agent backend already exists in project mine/);
    assert.equal(demoPid(daemon.home), null);
    await refusedWith(c.call('project.info', { project_id: 'demo' }), 'NOT_FOUND');
    assert.deepEqual((await c.call('agent.list', {})).agents.map((a) => [a.agent_name, a.project_id]), [['backend', 'mine']]);
    await c.call('agent.remove', { agent_name: 'backend' });
  });

  test('a demo project whose names its old instances hold (demo-planner…) is taken up: the managed agents take the names', async () => {
    await c.call('project.create', { project_id: 'demo', name: 'Demo', context: { brains_demo: true } });
    for (const name of AGENTS) await c.call('project.join', { project_id: 'demo', agent_name: name, client_id: `demo-${name}` });
    const started = await startedDemo(daemon.home);
    assert.equal(started.started, true);
    const info = await c.call('project.info', { project_id: 'demo' });
    if (info.timed_out) assert.fail('the project is there');
    assert.deepEqual(info.members.map((m) => [m.agent_name, m.client_id]).sort(), AGENTS.map((name) => [name, null]).sort());
    assert.equal(info.coordinator, 'planner');
    assert.equal((await demoAgents(c)).length, 3);
    await nextEvent(c, ['task.claimed'], (await c.call('system.info')).event_seq);
    assert.equal((await demo(daemon.home, '--clean')).code, 0);
  });
  test('a project named demo that the demo did not create is neither taken over nor removed', async () => {
    await c.call('project.create', { project_id: 'demo', name: 'Mine' });
    const start = await demo(daemon.home);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /brains demo did not create it/);
    assert.equal(demoPid(daemon.home), null);
    const clean = await demo(daemon.home, '--clean');
    assert.equal(clean.code, 1);
    assert.match(clean.stderr, /brains demo did not create it/);
    const info = await c.call('project.info', { project_id: 'demo' });
    if (info.timed_out) assert.fail('the project is still there');
    assert.equal(info.project.name, 'Mine');
    assert.deepEqual(info.members, []);
  });

  test('usage: --stop, --clean and --status exclude each other; unknown flags are refused', async () => {
    const both = await demo(daemon.home, '--stop', '--clean');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /do not go together/);
    const unknown = await demo(daemon.home, '--bogus');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /usage: brains demo/);
  });
});

describe('brains demo: the daemon restarts under it', () => {
  const home = tempHome();
  let first: TestDaemon | undefined;
  let second: TestDaemon | undefined;

  after(async () => {
    await stopDriver(home);
    await second?.cleanup();
    await first?.cleanup().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  test('the driver reconnects as the same three agents, with the tokens it had; one minted anew meanwhile is minted again', async () => {
    first = await startDaemon({ home });
    const c1 = await BrainsClient.connect(first.paths.socket);
    await startedDemo(home);
    const agents = (await demoAgents(c1)).map((a) => [a.agent_name, a.created_at]);
    await nextEvent(c1, ['lock.acquired'], 0);
    // As the runtime does when an agent starts a process of its own: the driver's token for frontend stops working.
    await c1.call('mcp.token', { project_id: 'demo', agent_name: 'frontend' });
    await c1.close();
    assert.equal(await first.stop(), 0);

    second = await startDaemon({ home });
    const c2 = await second.client();
    const restartedAt = (await c2.call('system.info')).event_seq;
    const taken = await nextEvent(c2, ['lock.acquired'], restartedAt, (e) => e.subject === 'src/web/**');
    assert.deepEqual(data(taken).holder, { project_id: 'demo', agent_name: 'frontend' });
    await nextEvent(c2, ['message.sent'], restartedAt, (e) => AGENTS.includes(data(e).from_agent));
    assert.deepEqual((await demoAgents(c2)).map((a) => [a.agent_name, a.created_at]), agents, 'the same agents, not new ones');
    const { events } = await c2.call('events.list', { after: restartedAt, types: ['mcp.token_minted', 'agent.created'], limit: 100 });
    assert.deepEqual(
      events.map((e) => [e.type, data(e).agent_name, data(e).replaced]),
      [['mcp.token_minted', 'frontend', true]],
      'only the refused token was minted again; nothing created again',
    );
  });

});

describe('the cockpit calls: isFreshState and startDemo', () => {
  const home = tempHome();
  const env = envFor(home, DEMO_ENV);

  after(async () => {
    await stopDemo(env).catch(() => undefined);
    // startDemo started the daemon detached, as `brains rpc` would: stop it the way `brains down` does.
    const pidText = existsSync(join(home, 'daemon.pid')) ? readFileSync(join(home, 'daemon.pid'), 'utf8') : '';
    const pid = Number(pidText.trim());
    try {
      const c = await BrainsClient.connect(join(home, 'brains.sock'));
      await c.call('daemon.shutdown').catch(() => undefined);
      await c.close();
    } catch {
      /* not running */
    }
    if (pid > 0) await waitFor(() => !processAlive(pid), 15_000, 'the daemon to stop').catch(() => process.kill(pid, 'SIGKILL'));
    rmSync(home, { recursive: true, force: true });
  });

  test('an empty state dir is fresh, without starting a daemon for it', async () => {
    assert.equal(await isFreshState(env), true);
    assert.equal(existsSync(join(home, 'brains.sock')), false);
  });

  test('startDemo starts the daemon and the demo, once; then the state dir is no longer fresh', async () => {
    const first = await startDemo(env);
    assert.equal(first.started, true);
    assert.equal(first.running, true);
    assert.deepEqual(first.agents.map((a) => a.name), AGENTS);
    assert.equal(await isFreshState(env), false);
    const second = await startDemo(env);
    assert.equal(second.started, false);
    assert.equal(second.pid, first.pid);
    const stopped = await stopDemo(env);
    assert.deepEqual(stopped, { stopped: true, pid: first.pid });
    assert.equal(processAlive(first.pid!), false);
  });
});
