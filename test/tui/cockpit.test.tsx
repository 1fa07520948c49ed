// The cockpit against a real daemon: each pane shows live state, keys act on the daemon, and it survives a restart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { KEY_TABLE } from '../../tui/keys.js';

describe('the cockpit over a live daemon', () => {
  const { daemon, client } = withDaemon();

  test('every pane shows what the daemon holds, and follows events without polling', async () => {
    await client.call('project.create', { name: 'Panes', agent_name: 'backend', working_directory: '/tmp' });
    await client.call('project.join', { project_id: 'panes', agent_name: 'frontend', working_directory: '/tmp' });
    const lease = await client.call('lock.acquire', { key: 'src/api/**', project_id: 'panes', agent_name: 'backend', ttl_seconds: 600 });
    assert.equal(lease.timed_out, false);
    await client.call('task.create', { project_id: 'panes', title: 'Write resolvers', priority: 'p1' });
    const ui = await renderCockpit(daemon, { columns: 180, rows: 40 });
    try {
      let frame = await ui.waitForFrame((f) => f.includes('frontend') && f.includes('src/api/**') && f.includes('Write resolvers'), 'sessions, locks and tasks');
      for (const title of ['1 Sessions', '2 Conversation', '3 Inbox', '4 Locks', '5 Approvals', '6 Tasks']) assert.ok(frame.includes(title), `pane ${title} is on screen`);
      assert.match(frame, /⚑ 0 pending/);
      // A change made elsewhere shows up by itself.
      const handoff = await client.call('handoff.submit', { project_id: 'panes', agent_name: 'frontend', title: 'Resolvers done', summary: 'ready for review' });
      frame = await ui.waitForFrame((f) => f.includes('Resolvers done'), 'the new handoff');
      assert.match(frame, /⚑ 1 pending/);
      await client.call('approval.decide', { approval_id: handoff.approval_id, decision: 'approve' });
      await ui.waitForFrame((f) => f.includes('⚑ 0 pending'), 'a decision made elsewhere');
      // Enter on a lock says who holds it and where, as a person reads it.
      await ui.press('4', KEYS.enter);
      frame = await ui.waitForFrame((f) => f.includes('held by backend in panes (/tmp)'), 'the lease in full');
      assert.match(frame, /in \/tmp/);
      await ui.press(KEYS.escape);
      await client.call('lock.release', { key: 'src/api/**', holder: { project_id: 'panes', agent_name: 'backend' }, fencing_token: lease.timed_out ? 0 : lease.fencing_token });
      await ui.waitForFrame((f) => !f.includes('src/api/**'), 'the released lock to go');
    } finally {
      await ui.close();
    }
  });

  test('5 then a approves the oldest pending handoff, and the requester\'s wait returns', async () => {
    await client.call('project.create', { name: 'Approve', agent_name: 'lead', working_directory: '/tmp' });
    await client.call('project.join', { project_id: 'approve', agent_name: 'dev', working_directory: '/tmp' });
    const first = await client.call('handoff.submit', { project_id: 'approve', agent_name: 'dev', title: 'First thing', summary: 'done' });
    const second = await client.call('approval.request', { project_id: 'approve', agent_name: 'dev', title: 'Second thing' });
    const requester = await daemon.client();
    const waiting = requester.call('approval.wait', { approval_id: first.approval_id, timeout_seconds: 60 });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('First thing'), 'the handoff');
      await ui.press('5', 'a');
      const outcome = await waiting;
      assert.equal(outcome.timed_out, false);
      assert.equal((await client.call('approval.get', { approval_id: first.approval_id })).status, 'approved');
      assert.equal((await client.call('approval.get', { approval_id: second.approval_id })).status, 'pending', 'only the oldest was decided');
      await ui.waitForFrame((f) => f.includes('⚑ 1 pending') && f.includes('Second thing'), 'the decided one to leave the pane');
      // c writes a comment, then d denies with it.
      await ui.press('c', ...'not like this'.split(''), KEYS.enter, 'd');
      await waitFor(async () => (await client.call('approval.get', { approval_id: second.approval_id })).status === 'denied', 10_000, 'the denial');
      assert.equal((await client.call('approval.get', { approval_id: second.approval_id })).comment, 'not like this');
    } finally {
      await ui.close();
    }
  });

  test('typing into an agent\'s conversation sends it a message that expects a reply, and shows how far it got', async () => {
    await client.call('project.create', { name: 'Talk', agent_name: 'solo', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon, { agent: 'solo', project: 'talk' });
    try {
      await ui.waitForFrame((f) => f.includes('solo in talk'), 'the conversation pane');
      await ui.press('i', ...'run the suite'.split(''), KEYS.ctrlJ, ...'then report'.split(''), KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'talk', member: 'solo' })).messages.length === 1, 10_000, 'the message');
      const [sent] = (await client.call('message.list', { project_id: 'talk', member: 'solo' })).messages;
      assert.equal(sent!.from_agent, 'operator');
      assert.equal(sent!.to_agent, 'solo');
      assert.equal(sent!.reply_expected, true);
      assert.equal(sent!.payload, 'run the suite\nthen report', 'Ctrl+J made a second line of the same message');
      await ui.waitForFrame((f) => f.includes('✓ sent'), 'the sent state');
      // The agent takes it: delivered; acknowledges it: read.
      const got = await client.call('message.receive', { project_id: 'talk', agent_name: 'solo' });
      await ui.waitForFrame((f) => f.includes('✓✓ delivered'), 'the delivered state');
      await client.call('message.ack', { project_id: 'talk', agent_name: 'solo', delivery_tokens: [got.messages[0]!.delivery_token] });
      await ui.waitForFrame((f) => f.includes('✓✓ read'), 'the read state');
      // A pasted block stays one message, newlines and all.
      ui.paste('line one\nline two');
      await ui.press(KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'talk', member: 'solo' })).messages.length === 2, 10_000, 'the pasted message');
      assert.equal((await client.call('message.list', { project_id: 'talk', member: 'solo', limit: 1 })).messages[0]!.payload, 'line one\nline two');
    } finally {
      await ui.close();
    }
  });

  test('the inbox lists mail to the operator across projects, unread first; r replies in the thread, x marks it read', async () => {
    await client.call('project.create', { name: 'Mail One', agent_name: 'asker', working_directory: '/tmp' });
    await client.call('project.create', { name: 'Mail Two', agent_name: 'teller', working_directory: '/tmp' });
    const question = await client.call('message.send', { project_id: 'mail-one', from_agent: 'asker', to_agent: 'operator', payload: 'which port?', reply_expected: true });
    await client.call('message.send', { project_id: 'mail-two', from_agent: 'teller', to_agent: 'operator', payload: 'build is green' });
    const ui = await renderCockpit(daemon);
    try {
      let frame = await ui.waitForFrame((f) => f.includes('which port?') && f.includes('build is green'), 'both messages in the inbox');
      assert.match(frame, /✉ 2 unread/);
      frame = await ui.waitForFrame((f) => /○⚑ asker/.test(f), 'the agent that waits for a reply flagged in Sessions (beside its presence)');
      await ui.press('3');
      const inboxLine = (f: string, text: string) => f.split('\n').find((line) => line.includes(text)) ?? '';
      // Newest first among the unread: "build is green" is selected; move to the question and reply.
      await ui.press('j', 'r', ...'use 8080'.split(''), KEYS.enter);
      await waitFor(async () => (await client.call('message.list', { project_id: 'mail-one', thread: question.message_id })).messages.length === 2, 10_000, 'the reply in the thread');
      const [reply] = (await client.call('message.list', { project_id: 'mail-one', thread: question.message_id, limit: 1 })).messages;
      assert.equal(reply!.from_agent, 'operator');
      assert.equal(reply!.payload, 'use 8080');
      frame = await ui.waitForFrame((f) => f.includes('✉ 1 unread'), 'the answered question counted as read');
      assert.ok(inboxLine(frame, 'build is green').includes('•'), 'the other one is still unread');
      await ui.press('k', 'x');
      await ui.waitForFrame((f) => f.includes('✉ 0 unread'), 'x marking the last one read');
      assert.equal((await client.call('message.inbox', { unread_only: true })).messages.length, 0);
    } finally {
      await ui.close();
    }
  });

  test('/ filters the focused list, ? shows the key table, : calls any method', async () => {
    await client.call('project.create', { name: 'Filter', agent_name: 'alpha', working_directory: '/tmp' });
    await client.call('project.join', { project_id: 'filter', agent_name: 'bravo', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon);
    try {
      await ui.waitForFrame((f) => f.includes('alpha') && f.includes('bravo'), 'both agents');
      await ui.press('1', '/', ...'brav'.split(''), KEYS.enter);
      const filtered = await ui.waitForFrame((f) => f.includes('filter: brav'), 'the filter');
      assert.ok(filtered.includes('bravo') && !filtered.includes('alpha'), 'only the matching row');
      await ui.press(KEYS.escape);
      await ui.waitForFrame((f) => f.includes('alpha'), 'the filter cleared by Esc');

      await ui.press('?');
      const help = await ui.waitForFrame((f) => f.includes('Keys (Esc or ? closes)'), 'the help overlay');
      for (const binding of KEY_TABLE.filter((b) => b.command.startsWith('approval.'))) assert.ok(help.includes(binding.description.slice(0, 30)), `help lists ${binding.command}`);
      await ui.press(KEYS.escape);

      await ui.press(':', ...'system.pi'.split(''), KEYS.tab, KEYS.enter);
      const result = await ui.waitForFrame((f) => f.includes('"pong": true'), 'the palette result (Tab completed the method name)');
      assert.match(result, /system\.ping/);
      await ui.press(KEYS.escape, ':', ...'projct.list'.split(''), KEYS.enter);
      await ui.waitForFrame((f) => f.includes('did you mean project.list'), 'the palette naming the nearest method');
    } finally {
      await ui.close();
    }
  });

  test('--pane runs one pane full-size, and what needs the human raises attention (the bell and OSC 9 hang off it)', async () => {
    await client.call('project.create', { name: 'Solo Pane', agent_name: 'asker', working_directory: '/tmp' });
    const ui = await renderCockpit(daemon, { only: 'approvals', columns: 100, rows: 20 });
    const heard: string[] = [];
    ui.cockpit.onAttention((a) => heard.push(`${a.kind}: ${a.text}`));
    try {
      await client.call('approval.request', { project_id: 'solo-pane', agent_name: 'asker', title: 'Deploy on Friday?' });
      await client.call('message.send', { project_id: 'solo-pane', from_agent: 'asker', to_agent: 'operator', payload: 'are you there?' });
      const frame = await ui.waitForFrame((f) => f.includes('Deploy on Friday?'), 'the approval in the lone pane');
      assert.ok(frame.includes('5 Approvals') && !frame.includes('1 Sessions') && !frame.includes('2 Conversation'), 'only the Approvals pane is drawn');
      await waitFor(() => heard.length === 2, 10_000, 'two attention signals');
      assert.deepEqual(heard, ['approval: asker asks: Deploy on Friday?', 'message: asker: are you there?']);
      await ui.press('1', KEYS.tab);
      assert.ok(ui.frame().includes('5 Approvals'), 'pane keys do not leave a --pane cockpit');
      await ui.press('a');
      await waitFor(async () => (await client.call('approval.list', { project_id: 'solo-pane', status: 'pending' })).approvals.length === 0, 10_000, 'a approving from the lone pane');
    } finally {
      await ui.close();
    }
  });

  test('an unknown or odd event never takes the cockpit down', async () => {
    const ui = await renderCockpit(daemon);
    try {
      await client.call('events.publish', { events: [{ type: 'user.strange', subject: 'odd', data: { deeply: { odd: [1, null, 'x'] } } }] });
      await client.call('project.create', { name: 'After Odd', agent_name: 'later', working_directory: '/tmp' });
      await ui.waitForFrame((f) => f.includes('later'), 'the cockpit still following events');
    } finally {
      await ui.close();
    }
  });
});

test('the cockpit says it is reconnecting when the daemon goes, and carries on with the right state when it returns', async () => {
  const first = await startDaemon();
  const setup = await first.client();
  await setup.call('project.create', { name: 'Restart', agent_name: 'keeper', working_directory: '/tmp' });
  const ui = await renderCockpit(first);
  let second: Awaited<ReturnType<typeof startDaemon>> | null = null;
  try {
    await ui.waitForFrame((f) => f.includes('keeper'), 'the agent');
    await setup.close();
    await first.stop();
    await ui.waitForFrame((f) => f.includes('reconnecting'), 'the reconnecting state');
    second = await startDaemon({ home: first.home });
    const c = await second.client();
    await c.call('project.join', { project_id: 'restart', agent_name: 'newcomer', working_directory: '/tmp' });
    await c.call('approval.request', { project_id: 'restart', agent_name: 'newcomer', title: 'After the restart' });
    const frame = await ui.waitForFrame((f) => f.includes('● live') && f.includes('newcomer') && f.includes('⚑ 1 pending'), 'the state after the restart');
    assert.ok(frame.includes('keeper'), 'what was there before is still shown');
  } finally {
    await ui.close();
    await second?.cleanup();
    await first.cleanup();
  }
});
