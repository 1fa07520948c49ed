// The command backend through a real daemon: a script that reads the prompt on stdin streams its answer; a failing
// one is an error turn carrying its stderr; a missing program is a clear NOT_FOUND-style error and the agent in error.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { EventTap, agentWhen, ask, finished, scratchDir, turns } from '../helpers/agents.js';

const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/agent-command.mjs', import.meta.url));
const { daemon, client: c } = withDaemon({ env: { DAEMON_ONLY_SECRET: 'daemon-secret-value' } });

describe('the command backend', () => {
  test('runs the program once per turn with the prompt on stdin and streams its stdout as the answer', async () => {
    const dir = scratchDir();
    const gate = join(dir, 'gate');
    const tap = await EventTap.open(await daemon.client());
    await c.call('agent.create', { agent_name: 'cmd', backend: 'command', working_directory: dir, command: [process.execPath, SCRIPT, gate] });
    const sent = await c.call('agent.send', { agent_name: 'cmd', text: 'hello there' });
    // The first piece arrives while the program still runs: it writes the rest only once it sees the gate.
    await tap.until((events) => events.some((e) => e.type === 'agent.output' && (e.data as { turn_id: string }).turn_id === sent.turn_id), 'the first piece of the answer');
    const running = await c.call('agent.info', { agent_name: 'cmd' });
    assert.equal(running.state, 'working');
    assert.equal(running.running_turn_id, sent.turn_id);
    assert.ok(running.pid, 'the program runs now');
    assert.equal((await turns(c, 'cmd')).at(-1)!.status, 'running');
    writeFileSync(gate, '');
    const answer = await finished(c, 'cmd', sent.turn_id!);
    assert.equal(answer.status, 'done');
    assert.equal(answer.text, 'heard: HELLO THERE');
    const streamed = tap.of('cmd').filter((e) => e.type === 'agent.output').map((e) => (e.data as { delta: string }).delta);
    assert.equal(streamed.join(''), 'heard: HELLO THERE');
    assert.ok(streamed.length >= 2, 'in more than one piece');
    const idle = await c.call('agent.info', { agent_name: 'cmd' });
    assert.equal(idle.state, 'idle');
    assert.equal(idle.pid, null, 'one process per turn');
  });

  test('the program sees its own env and the agent names, never the rest of the daemon environment', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'envy', backend: 'command', working_directory: dir, command: [process.execPath, SCRIPT], env: { MY_VAR: 'mine' } });
    assert.equal((await ask(c, 'envy', 'ENV MY_VAR')).text, 'MY_VAR=mine');
    assert.equal((await ask(c, 'envy', 'ENV BRAINS_AGENT')).text, 'BRAINS_AGENT=envy');
    assert.equal((await ask(c, 'envy', 'ENV DAEMON_ONLY_SECRET')).text, 'DAEMON_ONLY_SECRET=(unset)');
  });

  test('a non-zero exit is an error turn with the stderr in its error; the next good turn makes it idle again', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'bad', backend: 'command', working_directory: dir, command: [process.execPath, SCRIPT] });
    const failed = await ask(c, 'bad', 'please FAIL');
    assert.equal(failed.status, 'error');
    assert.equal(failed.text, 'partial answer');
    assert.match(failed.error!, /exited with code 3: agent-command: asked to fail/);
    assert.equal(failed.attempts, 1, 'a failing program is not tried again');
    const agent = await agentWhen(c, 'bad', (a) => a.state === 'error', 'state error');
    assert.match(agent.state_detail!, /asked to fail/);
    const ok = await ask(c, 'bad', 'fine now');
    assert.equal(ok.status, 'done');
    assert.equal((await agentWhen(c, 'bad', (a) => a.state === 'idle', 'state idle')).state_detail, null);
  });

  test('a missing program is a clear error in the turn and the agent in error', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'none', backend: 'command', working_directory: dir, command: ['no-such-program-7d1e', '--flag'] });
    const missing = await ask(c, 'none', 'anyone?');
    assert.equal(missing.status, 'error');
    assert.equal(missing.error, "no-such-program-7d1e not found on the agent's PATH; install it or give its absolute path in command");
    const agent = await agentWhen(c, 'none', (a) => a.state === 'error', 'state error');
    assert.equal(agent.state_detail, missing.error);

    await c.call('agent.update', { agent_name: 'none', command: [join(dir, 'not-here')] });
    const absent = await ask(c, 'none', 'anyone?');
    assert.equal(absent.status, 'error');
    assert.match(absent.error!, /not-here not found/);
    // A file that is there but may not be run is as good as missing.
    writeFileSync(join(dir, 'plain.txt'), 'not a program');
    await c.call('agent.update', { agent_name: 'none', command: [join(dir, 'plain.txt')] });
    assert.match((await ask(c, 'none', 'anyone?')).error!, /plain\.txt not found/);
  });

  test('a program that is there but cannot be started says so, and the agent is in error', async () => {
    const dir = scratchDir();
    const script = join(dir, 'orphaned-script');
    writeFileSync(script, '#!/nonexistent/interpreter\necho hi\n', { mode: 0o755 });
    await c.call('agent.create', { agent_name: 'nostart', backend: 'command', working_directory: dir, command: [script] });
    const turn = await ask(c, 'nostart', 'go');
    assert.equal(turn.status, 'error');
    assert.match(turn.error!, /orphaned-script could not start: .*ENOENT/);
    assert.equal((await agentWhen(c, 'nostart', (a) => a.state === 'error', 'state error')).state_detail, turn.error);
  });
});

describe('a command line stored before brains refused it', () => {
  test('a NUL in a stored argument fails the turn with a clear error, and the agent is not left working', async () => {
    const d = await startDaemon();
    let again: TestDaemon | undefined;
    // The restarted daemon first (it shares the home the first one's cleanup removes).
    after(async () => {
      await again?.cleanup();
      await d.cleanup();
    });
    const c2 = await d.client();
    const dir = scratchDir();
    await c2.call('agent.create', { agent_name: 'old', backend: 'command', working_directory: dir, command: [process.execPath, SCRIPT] });
    assert.equal(await d.stop(), 0);
    // What an older brains let through: no call can store this now.
    const db = new Database(d.paths.db);
    db.prepare('UPDATE agents SET command = ? WHERE agent_name = ?').run(JSON.stringify([process.execPath, 'a\u0000b']), 'old');
    db.close();
    again = await startDaemon({ home: d.home });
    const c3 = await again.client();
    const turn = await ask(c3, 'old', 'hello');
    assert.equal(turn.status, 'error');
    assert.match(turn.error!, /could not start: .*null bytes/);
    const agent = await agentWhen(c3, 'old', (a) => a.state !== 'working', 'the agent to leave working');
    assert.equal(agent.state, 'error');
    assert.equal(agent.running_turn_id, null);
  });
});
