// The conversation commands typed into a managed agent with agent.send (#status, #model, #backend, #workspace,
// #system-prompt, the directories, #new, #help), a mistyped one refused, and ## to send text that starts with #.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { refusedWith } from '../helpers/rpc-assert.js';
import { FAKE_CLAUDE, ask, fakeLog, info, scratchDir, turns } from '../helpers/agents.js';
import { AGENT_COMMANDS } from '../../rpc/agent-commands.js';

const { client: c } = withDaemon({ env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE } });

async function command(agentName: string, text: string) {
  const sent = await c.call('agent.send', { agent_name: agentName, text });
  assert.equal(sent.turn_id, null, `${text} queued no turn`);
  assert.equal(sent.user_turn_id, null);
  assert.ok(sent.command, `${text} ran a command`);
  return sent;
}

/** The argv of each claude process the fake logged, oldest first. */
const argvs = (state: string) => fakeLog(state).filter((l) => l.kind === 'argv').map((l) => l.argv!);

describe('conversation commands', () => {
  test('#status, #help, #model and #system-prompt answer and change the agent without a turn', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'cmd', backend: 'echo', working_directory: dir });

    const status = await command('cmd', '#status');
    assert.equal(status.command, 'status');
    assert.match(status.reply!, /^cmd: idle/);
    assert.match(status.reply!, /backend echo, model the CLI default/);
    assert.match(status.reply!, new RegExp(`workspace ${dir}`));
    assert.match(status.reply!, /project agents/);

    const help = await command('cmd', '#help');
    for (const name of Object.keys(AGENT_COMMANDS)) assert.match(help.reply!, new RegExp(`#${name}:`));

    assert.equal((await command('cmd', '#model')).reply, 'model the CLI default');
    const set = await command('cmd', '#model x');
    assert.equal(set.reply, 'model x');
    assert.equal(set.agent.model, 'x');
    assert.equal((await info(c, 'cmd')).model, 'x');
    assert.equal((await command('cmd', '#model')).reply, 'model x');
    const cleared = await command('cmd', '#model default');
    assert.equal(cleared.agent.model, null);
    assert.equal(cleared.reply, 'model: the CLI default');

    const prompt = await command('cmd', '#system-prompt Answer in French.');
    assert.equal(prompt.agent.system_prompt, 'Answer in French.');
    assert.equal((await command('cmd', '#system-prompt')).agent.system_prompt, null);

    assert.deepEqual(await turns(c, 'cmd'), [], 'no command became a turn');
  });

  test('#add-dir, #list-dirs and #remove-dir keep the added directories; bad paths are refused', async () => {
    const dir = scratchDir();
    const extra = scratchDir();
    await c.call('agent.create', { agent_name: 'dirs', backend: 'echo', working_directory: dir });
    assert.equal((await command('dirs', '#list-dirs')).reply, `workspace ${dir}`);
    const added = await command('dirs', `#add-dir ${extra}/`);
    assert.equal(added.reply, `added ${extra}`);
    assert.deepEqual(added.agent.add_dirs, [extra]);
    assert.equal((await command('dirs', `#add-dir ${extra}`)).reply, `${extra} is already added`);
    assert.equal((await command('dirs', '#list-dirs')).reply, `workspace ${dir}\nadded ${extra}`);
    await refusedWith(c.call('agent.send', { agent_name: 'dirs', text: '#add-dir relative/path' }), 'INVALID');
    await refusedWith(c.call('agent.send', { agent_name: 'dirs', text: `#add-dir ${extra}/nope` }), 'INVALID');
    await refusedWith(c.call('agent.send', { agent_name: 'dirs', text: `#remove-dir ${dir}` }), 'INVALID');
    const removed = await command('dirs', `#remove-dir ${extra}`);
    assert.equal(removed.reply, `removed ${extra}`);
    assert.deepEqual((await info(c, 'dirs')).add_dirs, []);
  });

  test('#backend shows or switches the backend; a backend that needs more is refused', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'be', backend: 'echo', working_directory: dir });
    assert.equal((await command('be', '#backend')).reply, 'backend echo (one of echo, command, claude, codex, acp, gemini, copilot)');
    await refusedWith(c.call('agent.send', { agent_name: 'be', text: '#backend bogus' }), 'INVALID');
    await refusedWith(c.call('agent.send', { agent_name: 'be', text: '#backend command' }), 'INVALID');
    await refusedWith(c.call('agent.send', { agent_name: 'be', text: '#backend acp' }), 'INVALID');
    const switched = await command('be', '#backend claude');
    assert.equal(switched.agent.backend, 'claude');
    assert.match(switched.reply!, /fresh session/);
  });

  test('#workspace and #new start a fresh native session; #model keeps it', async () => {
    const dir = scratchDir();
    const elsewhere = scratchDir();
    await c.call('agent.create', { agent_name: 'sess', backend: 'claude', working_directory: dir, env: { FAKE_CLAUDE_STATE: dir } });
    assert.equal((await ask(c, 'sess', 'one')).status, 'done');
    const sessionId = (await info(c, 'sess')).native_session_id;
    assert.ok(sessionId, 'the first turn stored the native session');

    await command('sess', '#model claude-test');
    assert.equal((await info(c, 'sess')).native_session_id, sessionId, '#model keeps the session');
    assert.equal((await ask(c, 'sess', 'two')).status, 'done');
    const second = argvs(dir).at(-1)!;
    assert.ok(second.includes(`--resume=${sessionId}`), `resumed: ${second.join(' ')}`);
    assert.ok(second.includes('--model=claude-test'));

    assert.equal((await command('sess', '#workspace')).reply, `workspace ${dir}`);
    await refusedWith(c.call('agent.send', { agent_name: 'sess', text: '#workspace ../up' }), 'INVALID');
    await refusedWith(c.call('agent.send', { agent_name: 'sess', text: `#workspace ${elsewhere}/missing` }), 'INVALID');
    const moved = await command('sess', `#workspace ${elsewhere}`);
    assert.equal(moved.agent.working_directory, elsewhere);
    assert.equal(moved.agent.native_session_id, null, 'a new workspace is a fresh session');
    assert.equal((await ask(c, 'sess', 'three')).status, 'done');
    const third = argvs(dir).at(-1)!;
    assert.ok(!third.some((a) => a.startsWith('--resume')), `not resumed: ${third.join(' ')}`);
    const newSession = (await info(c, 'sess')).native_session_id;
    assert.ok(newSession && newSession !== sessionId);

    const fresh = await command('sess', '#new');
    assert.equal(fresh.command, 'new');
    assert.equal(fresh.agent.native_session_id, null);
    assert.deepEqual(fresh.agent.allowed_tools, []);
    assert.equal((await ask(c, 'sess', 'four')).status, 'done');
    assert.ok(!argvs(dir).at(-1)!.some((a) => a.startsWith('--resume')), '#new: the next process resumes nothing');
  });

  test('a mistyped command is refused naming the one meant; ## sends text that starts with #', async () => {
    const dir = scratchDir();
    await c.call('agent.create', { agent_name: 'typo', backend: 'echo', working_directory: dir });
    const refused = await refusedWith(c.call('agent.send', { agent_name: 'typo', text: '#modle x' }), 'INVALID');
    assert.match(refused.message, /#modle is not a command; did you mean #model\?/);
    assert.deepEqual(await turns(c, 'typo'), [], 'the typo never reached the agent');

    const escaped = await ask(c, 'typo', '##model is a word');
    assert.equal(escaped.text, '#model is a word');
    const history = await turns(c, 'typo');
    assert.deepEqual(
      history.map((t) => [t.role, t.text]),
      [
        ['user', '#model is a word'],
        ['assistant', '#model is a word'],
      ],
    );
    // Text that only looks like a hash tag is a prompt.
    assert.equal((await ask(c, 'typo', '#1 priority')).text, '#1 priority');
  });

  test('commands on a missing agent are NOT_FOUND', async () => {
    await refusedWith(c.call('agent.send', { agent_name: 'nobody', text: '#status' }), 'NOT_FOUND');
  });
});
