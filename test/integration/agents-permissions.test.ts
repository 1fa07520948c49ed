// A claude agent's tool permission requests through a real daemon: each becomes a pending approval of kind permission,
// approval.decide's allow, allow_always and deny reach the CLI in the protocol's exact shape, and the turn timeout
// stands still while a person decides.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDaemon } from '../helpers/with-daemon.js';
import { eventsSince, headSeq } from '../helpers/rpc-assert.js';
import { FAKE_CLAUDE, pendingPermission as pendingPermissionOf, agentWhen, finished, info, permissionAnswers, scratchDir, turnOf, withSetting } from '../helpers/agents.js';

const { client: c } = withDaemon({ env: { BRAINS_CLAUDE_PATH: FAKE_CLAUDE } });

async function claudeAgent(agentName: string): Promise<string> {
  const state = scratchDir();
  await c.call('agent.create', { agent_name: agentName, backend: 'claude', working_directory: state, env: { FAKE_CLAUDE_STATE: state } });
  return state;
}

const pendingPermission = (agentName: string) => pendingPermissionOf(c, agentName);

/** The fake's can_use_tool answers must have exactly this shape. */
function answerShape(response: Record<string, unknown>) {
  return { type: 'control_response', response: { subtype: 'success', request_id: '<id>', response } };
}
const withoutId = (line: any) => ({ ...line, response: { ...line.response, request_id: typeof line.response.request_id === 'string' && line.response.request_id.length > 0 ? '<id>' : line.response.request_id } });
const BASH = (command: string) => ({ command, description: 'Run the command the prompt names' });

describe('permission requests', () => {
  test('allow: a pending approval of kind permission, the agent needs_permission, then allow with updatedInput', async () => {
    const state = await claudeAgent('perm');
    const sent = await c.call('agent.send', { agent_name: 'perm', text: '[permission Bash: ls -la] list it' });
    const approval = await pendingPermission('perm');
    assert.equal(approval.kind, 'permission');
    assert.equal(approval.project_id, 'agents');
    assert.equal(approval.addressed_to, 'operator');
    assert.deepEqual(approval.options, ['allow', 'allow_always', 'deny']);
    assert.match(approval.title, /^Bash: .*ls -la/);
    assert.deepEqual(JSON.parse((await c.call('approval.get', { approval_id: approval.approval_id })).body!), BASH('ls -la'));
    const waiting = await agentWhen(c, 'perm', (a) => a.state === 'needs_permission', 'needs_permission');
    assert.match(waiting.state_detail!, new RegExp(`^${approval.approval_id} Bash: `));
    assert.equal((await turnOf(c, 'perm', sent.turn_id!)).status, 'running');

    await c.call('approval.decide', { approval_id: approval.approval_id, decision: 'allow' });
    const turn = await finished(c, 'perm', sent.turn_id!);
    assert.equal(turn.status, 'done');
    assert.equal(turn.text, 'Permission allowed: ran "ls -la". You said: list it');
    assert.deepEqual(turn.tool_uses.map((u) => [u.name, u.is_error]), [['Bash', false]]);
    assert.deepEqual(permissionAnswers(state).map(withoutId), [answerShape({ behavior: 'allow', updatedInput: BASH('ls -la') })]);
    assert.equal((await agentWhen(c, 'perm', (a) => a.state === 'idle', 'idle')).state_detail, null);
    const decided = await c.call('approval.get', { approval_id: approval.approval_id });
    assert.deepEqual([decided.status, decided.decision, decided.decided_by], ['approved', 'allow', 'operator']);
  });

  test('deny with a comment reaches the CLI as deny with the message', async () => {
    const state = await claudeAgent('nay');
    const sent = await c.call('agent.send', { agent_name: 'nay', text: '[permission Bash: rm -rf build] clean' });
    const approval = await pendingPermission('nay');
    await c.call('approval.decide', { approval_id: approval.approval_id, decision: 'deny', comment: 'not on a Friday' });
    const turn = await finished(c, 'nay', sent.turn_id!);
    assert.equal(turn.status, 'done');
    assert.equal(turn.text, 'Permission denied: denied by the operator: not on a Friday. You said: clean');
    assert.deepEqual(turn.tool_uses.map((u) => [u.name, u.is_error]), [['Bash', true]]);
    assert.deepEqual(permissionAnswers(state).map(withoutId), [answerShape({ behavior: 'deny', message: 'denied by the operator: not on a Friday' })]);
  });

  test('allow_always: the next request for that tool is allowed without an approval, until #new', async () => {
    const state = await claudeAgent('always');
    const first = await c.call('agent.send', { agent_name: 'always', text: '[permission Bash: pwd] where' });
    const approval = await pendingPermission('always');
    await c.call('approval.decide', { approval_id: approval.approval_id, decision: 'allow_always' });
    assert.equal((await finished(c, 'always', first.turn_id!)).status, 'done');
    assert.deepEqual((await info(c, 'always')).allowed_tools, ['Bash']);

    const seq = await headSeq(c);
    const second = await c.call('agent.send', { agent_name: 'always', text: '[permission Bash: whoami] who' });
    const turn = await finished(c, 'always', second.turn_id!);
    assert.equal(turn.text, 'Permission allowed: ran "whoami". You said: who');
    assert.deepEqual(await eventsSince(c, seq, 'approval.requested'), [], 'no approval was asked for');
    assert.deepEqual(permissionAnswers(state).map(withoutId), [answerShape({ behavior: 'allow', updatedInput: BASH('pwd') }), answerShape({ behavior: 'allow', updatedInput: BASH('whoami') })]);

    const reset = await c.call('agent.send', { agent_name: 'always', text: '#new' });
    assert.deepEqual(reset.agent.allowed_tools, []);
    const third = await c.call('agent.send', { agent_name: 'always', text: '[permission Bash: id] again' });
    const asked = await pendingPermission('always');
    await c.call('approval.decide', { approval_id: asked.approval_id, decision: 'deny' });
    assert.equal((await finished(c, 'always', third.turn_id!)).text, 'Permission denied: denied by the operator. You said: again');
  });

  test('the turn timeout stands still while a permission waits for a person', async () => {
    await claudeAgent('patient');
    await withSetting(c, 'agent_turn_timeout_seconds', 1, async () => {
      const sent = await c.call('agent.send', { agent_name: 'patient', text: '[permission Bash: date] when' });
      const approval = await pendingPermission('patient');
      // Three times the timeout passes while nobody decides; the turn must still be waiting.
      await sleep(3000);
      assert.equal((await turnOf(c, 'patient', sent.turn_id!)).status, 'running');
      assert.equal((await info(c, 'patient')).state, 'needs_permission');
      assert.equal((await c.call('approval.get', { approval_id: approval.approval_id })).status, 'pending');
      await c.call('approval.decide', { approval_id: approval.approval_id, decision: 'allow' });
      const turn = await finished(c, 'patient', sent.turn_id!);
      assert.equal(turn.status, 'done');
      assert.equal(turn.text, 'Permission allowed: ran "date". You said: when');
    });
  });

  test('agent_permission_timeout_seconds: nobody decides, the request is withdrawn and the CLI told deny', async () => {
    const state = await claudeAgent('ignored');
    await withSetting(c, 'agent_permission_timeout_seconds', 1, async () => {
      const sent = await c.call('agent.send', { agent_name: 'ignored', text: '[permission Bash: uptime] up' });
      const approval = await pendingPermission('ignored');
      const turn = await finished(c, 'ignored', sent.turn_id!);
      assert.equal(turn.status, 'done');
      assert.match(turn.text, /^Permission denied: nobody decided within agent_permission_timeout_seconds \(1 s\)/);
      assert.equal((await c.call('approval.get', { approval_id: approval.approval_id })).status, 'cancelled');
      assert.equal(permissionAnswers(state)[0].response.response.behavior, 'deny');
    });
  });

  test('an interrupt withdraws the waiting request', async () => {
    await claudeAgent('cut');
    const sent = await c.call('agent.send', { agent_name: 'cut', text: '[permission Bash: make] build' });
    const approval = await pendingPermission('cut');
    await c.call('agent.interrupt', { agent_name: 'cut' });
    assert.equal((await finished(c, 'cut', sent.turn_id!)).status, 'interrupted');
    assert.equal((await c.call('approval.get', { approval_id: approval.approval_id })).status, 'cancelled');
    assert.equal((await agentWhen(c, 'cut', (a) => a.state === 'idle', 'idle')).state_detail, null);
  });
});
