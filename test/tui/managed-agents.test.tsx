// Managed agents in the cockpit: their rows with backend and state, typing into them (turns stream in, #commands answer
// in the pane), s stopping a running turn, and their tool permissions decided with a, A and d (the fake claude says which).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCli, startDaemon, waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';

const FAKE_CLAUDE = fileURLToPath(new URL('../../../test/fixtures/fake-claude.mjs', import.meta.url));

/** Whether the Approvals pane lists a pending permission with this title (not merely the conversation showing it typed). */
const listed = (frame: string, title: string) => new RegExp(`approval-\\d+ +clawd +${title}`).test(frame);

/** The Sessions line of an agent (the left column of the frame). */
const rowOf = (frame: string, name: string) => frame.split('\n').find((line) => new RegExp(`[●◐○✗]. ${name} `).test(line)) ?? '';

describe('managed agents in the cockpit', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE } });
  const history = async (agent_name: string) => (await client.call('agent.history', { agent_name })).turns;
  const answers = async (agent_name: string) => (await history(agent_name)).filter((t) => t.role === 'assistant');

  test('Sessions lists them with backend and state; typed text becomes a turn whose answer shows, and a #command its reply', async () => {
    await client.call('agent.create', { agent_name: 'echoer', backend: 'echo', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon, { agent: 'echoer', project: 'agents' });
    try {
      let frame = await ui.waitForFrame((f) => /idle/.test(rowOf(f, 'echoer')) && f.includes('no turns yet: press i'), 'the echo agent in Sessions, idle, its empty conversation');
      assert.match(frame, /echoer in agents · echo · idle/, 'the conversation pane names its backend and state');

      await ui.press('i', ...'hello over there'.split(''), KEYS.enter);
      await waitFor(async () => (await answers('echoer')).some((t) => t.status === 'done' && t.text === 'hello over there'), 10_000, 'the echo answer in the history');
      frame = await ui.waitForFrame((f) => f.includes('you → echoer') && /echoer\s*\n\s*│?\s*hello over there/.test(f.replace(/[║│]/g, '')) && f.includes('─ done'), 'what was typed, the answer and its footer');
      const user = (await history('echoer')).find((t) => t.role === 'user')!;
      assert.equal(user.text, 'hello over there', 'agent.send carried the typed text');

      await ui.press(...'#status'.split(''), KEYS.enter);
      frame = await ui.waitForFrame((f) => f.includes('· #status') && f.includes('backend echo'), "the #status reply in the pane");
      assert.equal((await history('echoer')).length, 2, 'a command queues no turn');
      await ui.press(...'#stauts'.split(''), KEYS.enter);
      await ui.waitForFrame((f) => f.includes('did you mean #status'), 'a mistyped command refused, with the nearest');
    } finally {
      await ui.close();
    }
  });

  test('a running turn streams into the pane before it is stored, and s stops it', async () => {
    // The command backend streams what the program prints; this one prints a line and then waits.
    await client.call('agent.create', { agent_name: 'looper', backend: 'command', working_directory: '/tmp', command: ['sh', '-c', 'echo first part of the answer; exec sleep 60'] });
    const ui = await renderCockpit(daemon, { agent: 'looper', project: 'agents' });
    try {
      await ui.waitForFrame((f) => f.includes('looper in agents · command'), 'the conversation with looper');
      await ui.press('i', ...'go'.split(''), KEYS.enter);
      const frame = await ui.waitForFrame((f) => f.includes('first part of the answer') && f.includes('● working'), 'the streamed text in the running turn');
      assert.match(rowOf(frame, 'looper'), /working/, 'Sessions shows it working');
      const [running] = await answers('looper');
      assert.equal(running!.status, 'running');
      assert.equal(running!.text, '', 'the history has no text of a running turn: what shows came from agent.output');

      await ui.press(KEYS.escape, 's');
      await waitFor(async () => (await answers('looper'))[0]!.status === 'interrupted', 15_000, 's interrupting the turn');
      await ui.waitForFrame((f) => f.includes('■ interrupted') && /idle/.test(rowOf(f, 'looper')), 'the turn shown interrupted, the agent idle');
      assert.match(ui.frame(), /stopping looper's turn/);
    } finally {
      await ui.close();
    }
  });

  test('a tool permission waits in Approvals and flags the agent; a allows once, A until #new, d denies with c\'s comment', async () => {
    await client.call('agent.create', { agent_name: 'clawd', backend: 'claude', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon, { agent: 'clawd', project: 'agents' });
    const heard: string[] = [];
    ui.cockpit.onAttention((a) => heard.push(a.text));
    const lastAnswer = async () => (await answers('clawd')).at(-1);
    const answered = (what: string, check: (text: string) => boolean) => waitFor(async () => {
      const last = await lastAnswer();
      return last?.status === 'done' && check(last.text);
    }, 15_000, what);
    const say = async (text: string) => {
      await ui.press('2', 'i', ...text.split(''), KEYS.enter, KEYS.escape);
    };
    try {
      await ui.waitForFrame((f) => f.includes('clawd in agents · claude'), 'the conversation with clawd');
      await say('first [permission Bash: ls]');
      const frame = await ui.waitForFrame((f) => /⚑ clawd .*allow\?/.test(rowOf(f, 'clawd')) && f.includes('⚑ 1 pending') && listed(f, 'Bash: ls'), 'the agent flagged, the permission pending');
      assert.match(frame, /clawd in agents · claude · needs_permission/, 'the conversation pane names the state');
      assert.match(frame, /⚑ clawd waits for your permission: approval-\d+ Bash: ls/, 'and says what it waits for');
      await waitFor(() => heard.some((text) => text.includes('clawd asks: Bash: ls')), 10_000, 'the attention signal (bell, OSC 9)');
      await ui.press('5', 'a');
      await answered('a allowing once', (text) => text.includes('Permission allowed: ran "ls"'));
      await ui.waitForFrame((f) => f.includes('allowed once (Bash)') && f.includes('⚑ 0 pending'), 'the footer saying so');
      await ui.waitForFrame((f) => f.includes('⚙ Bash ls') && f.includes('→ ran: ls'), 'the tool use and its result in the conversation');

      await say('second [permission Bash: pwd]');
      await ui.waitForFrame((f) => listed(f, 'Bash: pwd'), 'the second permission');
      await ui.press('5', 'A');
      await answered('A allowing', (text) => text.includes('Permission allowed: ran "pwd"'));
      assert.deepEqual((await client.call('agent.info', { agent_name: 'clawd' })).allowed_tools, ['Bash']);
      await ui.waitForFrame((f) => f.includes('Bash allowed for clawd until #new'), 'the footer saying so');
      await say('third [permission Bash: date]');
      await answered('Bash allowed without asking', (text) => text.includes('Permission allowed: ran "date"'));
      assert.equal((await client.call('approval.list', { status: 'pending' })).approvals.length, 0, 'nobody was asked');

      await say('#new');
      await ui.waitForFrame((f) => f.includes('· #new'), 'the #new reply');
      await say('fourth [permission Bash: rm -rf build]');
      await ui.waitForFrame((f) => listed(f, 'Bash: rm -rf build'), 'asked again after #new');
      await ui.press('5', KEYS.enter);
      await ui.waitForFrame((f) => f.includes('"command": "rm -rf build"') && f.includes('A allows always'), 'the request in full, its input and keys');
      await ui.press('d');
      await answered('d denying', (text) => text.includes('Permission denied: denied by the operator.'));

      await say('fifth [permission Bash: git push]');
      await ui.waitForFrame((f) => listed(f, 'Bash: git push'), 'the fifth permission');
      await ui.press('5', 'c', ...'not on main'.split(''), KEYS.enter, 'd');
      await answered('c then d denying with the message', (text) => text.includes('Permission denied: denied by the operator: not on main'));
      await ui.waitForFrame((f) => f.includes('✗ denied by the operator: not on main'), 'the refused tool use in the conversation');
    } finally {
      await ui.close();
    }
  });

  test('brains approve and brains deny decide a tool permission (allow and deny)', async () => {
    await client.call('agent.create', { agent_name: 'clicky', backend: 'claude', working_directory: '/tmp' });
    const pendingOf = async () => (await client.call('approval.list', { status: 'pending', requested_by: 'clicky' })).approvals[0];
    const lastText = async () => (await answers('clicky')).filter((t) => t.status === 'done').at(-1)?.text ?? '';
    for (const [verb, expected] of [['approve', 'Permission allowed: ran "ls"'], ['deny', 'Permission denied: denied by the operator: from the shell']] as const) {
      await client.call('agent.send', { agent_name: 'clicky', text: `${verb} [permission Bash: ls]` });
      await waitFor(async () => (await pendingOf()) !== undefined, 15_000, 'the permission pending');
      const id = (await pendingOf())!.approval_id;
      const result = await runCli([verb, id, ...(verb === 'deny' ? ['--comment', 'from the shell'] : [])], { home: daemon.home });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, verb === 'approve' ? /^Allowed approval-\d+ \(permission "Bash: ls"/ : /^Denied approval-\d+ \(permission "Bash: ls"/);
      await waitFor(async () => (await lastText()).includes(expected), 15_000, `${verb} reaching the agent`);
    }
  });
});

test("a managed agent's conversation is read again after the daemon restarts, and typing to it carries on", async () => {
  const first = await startDaemon();
  const setup = await first.client();
  await setup.call('agent.create', { agent_name: 'keeper', backend: 'echo', working_directory: '/tmp' });
  await setup.call('agent.send', { agent_name: 'keeper', text: 'before the restart' });
  const ui = await renderCockpit(first, { agent: 'keeper', project: 'agents' });
  let second: Awaited<ReturnType<typeof startDaemon>> | null = null;
  const times = (frame: string, text: string) => frame.split(text).length - 1;
  try {
    await ui.waitForFrame((f) => times(f, 'before the restart') === 2 && f.includes('─ done'), 'the turn before the restart, typed and answered');
    await setup.close();
    await first.stop();
    await ui.waitForFrame((f) => f.includes('reconnecting'), 'the reconnecting state');
    second = await startDaemon({ home: first.home });
    const c = await second.client();
    await c.call('agent.send', { agent_name: 'keeper', text: 'while you were away' });
    await ui.waitForFrame((f) => f.includes('● live') && times(f, 'while you were away') === 2 && times(f, 'before the restart') === 2, 'both turns after the restart');
    await ui.press('i', ...'and now'.split(''), KEYS.enter);
    await waitFor(async () => (await c.call('agent.history', { agent_name: 'keeper' })).turns.some((t) => t.role === 'assistant' && t.status === 'done' && t.text === 'and now'), 10_000, 'the typed turn answered');
    await ui.waitForFrame((f) => times(f, 'and now') === 2, 'the new turn in the pane');
  } finally {
    await ui.close();
    await second?.cleanup();
    await first.cleanup();
  }
});
