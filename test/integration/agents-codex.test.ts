// A codex agent through a real daemon and the fake `codex app-server` (its documented JSON-RPC, without the jsonrpc
// member): a turn streamed and its thread stored, resume after a daemon restart, interrupt, approvals answered in
// Codex's own shape (accept, decline, acceptForSession for the cockpit's A), a crash, a turn past its time, and the
// live diff Codex reports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { AGENT_WAIT_MS, EventTap, agentWhen, pendingPermission, finished, info, scratchDir, withSetting } from '../helpers/agents.js';
import type { BrainsClient } from '../../rpc/client.js';

const FAKE_CODEX = fileURLToPath(new URL('../../../test/fixtures/fake-codex.mjs', import.meta.url));
const env = { BRAINS_CODEX_PATH: FAKE_CODEX };

/** Every JSON-RPC message brains wrote to the fake's stdin, in order. */
function sentToCodex(state: string): any[] {
  return readFileSync(join(state, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.kind === 'stdin' && entry.message)
    .map((entry) => entry.message);
}
const argvs = (state: string): string[][] =>
  readFileSync(join(state, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.kind === 'argv')
    .map((entry) => entry.argv);

async function codexAgent(c: BrainsClient, agentName: string): Promise<string> {
  const state = scratchDir();
  await c.call('agent.create', { agent_name: agentName, backend: 'codex', working_directory: state, env: { FAKE_CODEX_STATE: state } });
  return state;
}


/** The answers brains gave to Codex's approval requests, in order. */
const decisions = (state: string): unknown[] => sentToCodex(state).filter((m) => m.id !== undefined && m.method === undefined && m.result?.decision !== undefined).map((m) => m.result);

describe('the codex backend', () => {
  const { daemon, client: c } = withDaemon({ env: { ...env, BRAINS_AGENT_BACKOFF_MS: '50' } });

  test('a turn: codex app-server with brains mcp as its MCP server, the answer streamed, the thread stored', async () => {
    const state = await codexAgent(c, 'cx');
    const tap = await EventTap.open(await daemon.client());
    const sent = await c.call('agent.send', { agent_name: 'cx', text: 'hello there' });
    const turn = await finished(c, 'cx', sent.turn_id!);
    assert.equal(turn.status, 'done', turn.error ?? '');
    assert.equal(turn.text, 'codex heard: hello there');
    assert.ok(turn.usage && typeof turn.usage.input_tokens === 'number', 'token usage from thread/tokenUsage/updated');
    const agent = await info(c, 'cx');
    assert.match(agent.native_session_id ?? '', /\S/);

    const [argv] = argvs(state);
    assert.equal(argv!.at(-1), 'app-server');
    assert.ok(argv!.includes('mcp_servers.brains.env_vars=["BRAINS_HOME","BRAINS_SOCKET","BRAINS_TOOL","BRAINS_AGENT","BRAINS_AGENT_TOKEN"]'), JSON.stringify(argv));
    assert.ok(argv!.some((arg) => /^mcp_servers\.brains\.args=\[".*brains\.js","mcp","--no-start"\]$/.test(arg)));
    assert.equal(argv!.some((arg) => arg.includes(agent.native_session_id!) || /TOKEN=/.test(arg)), false, 'no secret on the command line');

    const messages = sentToCodex(state);
    assert.deepEqual(messages.map((m) => m.method ?? null).slice(0, 4), ['initialize', 'initialized', 'thread/start', 'turn/start']);
    assert.equal(messages.some((m) => 'jsonrpc' in m), false, 'app-server messages omit the jsonrpc member');
    assert.deepEqual(messages[2].params, { cwd: state, approvalPolicy: 'on-request', sandbox: 'workspace-write' });
    assert.deepEqual(messages[3].params, { threadId: agent.native_session_id, input: [{ type: 'text', text: 'hello there' }] });
    const output = () => tap.of('cx').filter((e) => e.type === 'agent.output').map((e) => (e.data as { delta: string }).delta).join('');
    await tap.until(() => output() === 'codex heard: hello there', 'the streamed answer');
  });

  test('approvals in Codex\'s shape: accept runs the command, decline is said, allow_always answers acceptForSession and is not asked again', async () => {
    const state = await codexAgent(c, 'cxp');
    const first = await c.call('agent.send', { agent_name: 'cxp', text: '[permission shell: echo hi-from-shell] go' });
    const asked = await pendingPermission(c, 'cxp');
    assert.match(asked.title, /^shell: echo hi-from-shell/);
    await agentWhen(c, 'cxp', (a) => a.state === 'needs_permission', 'needs_permission');
    await c.call('approval.decide', { approval_id: asked.approval_id, decision: 'allow' });
    const ran = await finished(c, 'cxp', first.turn_id!);
    assert.equal(ran.status, 'done', ran.error ?? '');
    assert.match(ran.text, /hi-from-shell/);
    assert.equal(ran.tool_uses[0]?.name, 'shell');
    assert.equal(ran.tool_uses[0]?.is_error, false);

    const second = await c.call('agent.send', { agent_name: 'cxp', text: '[permission shell: echo nope] again' });
    await c.call('approval.decide', { approval_id: (await pendingPermission(c, 'cxp')).approval_id, decision: 'deny', comment: 'not now' });
    const declined = await finished(c, 'cxp', second.turn_id!);
    assert.equal(declined.status, 'done');
    assert.equal(declined.tool_uses[0]?.result, 'declined');
    assert.equal(declined.tool_uses[0]?.is_error, true);

    const third = await c.call('agent.send', { agent_name: 'cxp', text: '[permission shell: echo always-1] once more' });
    await c.call('approval.decide', { approval_id: (await pendingPermission(c, 'cxp')).approval_id, decision: 'allow_always' });
    assert.equal((await finished(c, 'cxp', third.turn_id!)).status, 'done');
    const fourth = await c.call('agent.send', { agent_name: 'cxp', text: '[permission shell: echo always-2] and again' });
    const unasked = await finished(c, 'cxp', fourth.turn_id!);
    assert.match(unasked.text, /always-2/);
    assert.deepEqual(decisions(state), [{ decision: 'accept' }, { decision: 'decline' }, { decision: 'acceptForSession' }], 'Codex itself no longer asks after acceptForSession');
    assert.deepEqual((await info(c, 'cxp')).allowed_tools, ['shell']);
  });

  test('an edit shows its live diff (agent.diff_updated) and asks a fileChange approval', async () => {
    const state = await codexAgent(c, 'cxe');
    const tap = await EventTap.open(await daemon.client());
    const sent = await c.call('agent.send', { agent_name: 'cxe', text: '[edit notes.md] write it' });
    await c.call('approval.decide', { approval_id: (await pendingPermission(c, 'cxe')).approval_id, decision: 'allow' });
    const turn = await finished(c, 'cxe', sent.turn_id!);
    assert.equal(turn.status, 'done', turn.error ?? '');
    const diffs = tap.of('cxe').filter((e) => e.type === 'agent.diff_updated');
    assert.ok(diffs.length >= 1, 'a live diff arrived');
    assert.match((diffs.at(-1)!.data as { diff: string }).diff, /notes\.md/);
    assert.equal((diffs.at(-1)!.data as { truncated: boolean }).truncated, false);
    assert.ok(readFileSync(join(state, 'notes.md'), 'utf8').length > 0);
  });

  test('interrupt ends a hanging turn through turn/interrupt; the next turn runs in the same thread', async () => {
    const state = await codexAgent(c, 'cxi');
    const sent = await c.call('agent.send', { agent_name: 'cxi', text: '[hang] think forever' });
    await agentWhen(c, 'cxi', (a) => a.running_turn_id === sent.turn_id, 'the turn to run');
    await waitFor(() => existsSync(join(state, 'log.jsonl')) && sentToCodex(state).some((m) => m.method === 'turn/start'), AGENT_WAIT_MS, 'turn/start');
    const stopped = await c.call('agent.interrupt', { agent_name: 'cxi' });
    assert.equal(stopped.interrupted, true);
    assert.equal((await finished(c, 'cxi', sent.turn_id!)).status, 'interrupted');
    assert.ok(sentToCodex(state).some((m) => m.method === 'turn/interrupt'));
    const next = await c.call('agent.send', { agent_name: 'cxi', text: 'still there?' });
    assert.equal((await finished(c, 'cxi', next.turn_id!)).text, 'codex heard: still there?');
    assert.equal(argvs(state).length, 1, 'one long-lived process');
  });

  test('a crash is an error turn, tried again as a passing failure; a turn past its time is killed', async () => {
    await withSetting(c, 'agent_retry_attempts', 2, async () => {
      const state = await codexAgent(c, 'cxc');
      assert.equal((await finished(c, 'cxc', (await c.call('agent.send', { agent_name: 'cxc', text: 'warm up' })).turn_id!)).status, 'done');
      const crashed = await c.call('agent.send', { agent_name: 'cxc', text: '[crash] fall over' });
      const turn = await finished(c, 'cxc', crashed.turn_id!);
      assert.equal(turn.status, 'error');
      assert.match(turn.error ?? '', /codex exited \(code 1\)/);
      assert.equal(turn.attempts, 2, 'tried again once, as a passing failure');
      const again = await c.call('agent.send', { agent_name: 'cxc', text: 'back?' });
      assert.equal((await finished(c, 'cxc', again.turn_id!)).text, 'codex heard: back?', 'a new process resumes the thread');
      assert.ok(sentToCodex(state).some((m) => m.method === 'thread/resume'));
    });
    await withSetting(c, 'agent_turn_timeout_seconds', 1, async () => {
      await codexAgent(c, 'cxt');
      const slow = await c.call('agent.send', { agent_name: 'cxt', text: '[hang] never done' });
      assert.equal((await finished(c, 'cxt', slow.turn_id!)).status, 'timed_out');
    });
  });

  test('an older codex without app-server: codex exec --json per turn, resumed by thread id, no permission asked (agent.info says so)', async () => {
    const state = scratchDir();
    await c.call('agent.create', { agent_name: 'cxo', backend: 'codex', working_directory: state, env: { FAKE_CODEX_STATE: state, FAKE_CODEX_NO_APP_SERVER: '1' } });
    const first = await finished(c, 'cxo', (await c.call('agent.send', { agent_name: 'cxo', text: 'old school' })).turn_id!);
    assert.equal(first.status, 'done', first.error ?? '');
    assert.equal(first.text, 'codex heard: old school');
    const thread = (await info(c, 'cxo')).native_session_id;
    assert.match(thread ?? '', /\S/);
    const ran = await finished(c, 'cxo', (await c.call('agent.send', { agent_name: 'cxo', text: '[permission shell: echo sandboxed-run] go' })).turn_id!);
    assert.equal(ran.status, 'done', ran.error ?? '');
    assert.equal(ran.tool_uses[0]?.name, 'shell');
    assert.equal((await c.call('approval.list', { status: 'pending', requested_by: 'cxo' })).approvals.length, 0, 'nothing was asked');
    const execs = argvs(state).filter((argv) => argv.includes('exec'));
    assert.equal(execs.length, 2, 'one process per turn');
    assert.deepEqual(execs[0]!.slice(execs[0]!.indexOf('exec')), ['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', '-']);
    assert.deepEqual(execs[1]!.slice(-3), ['resume', thread, '-']);

    const hanging = await c.call('agent.send', { agent_name: 'cxo', text: '[hang] wait' });
    await agentWhen(c, 'cxo', (a) => a.running_turn_id === hanging.turn_id && a.pid !== null, 'the exec process running');
    assert.match((await info(c, 'cxo')).backend_note ?? '', /codex exec .*no permission requests; Codex's own sandbox/);
    await c.call('agent.interrupt', { agent_name: 'cxo' });
    assert.equal((await finished(c, 'cxo', hanging.turn_id!)).status, 'interrupted');
  });

  test('codex missing: the turn fails saying how to install it or where to point BRAINS_CODEX_PATH', async () => {
    const other = await startDaemon({ env: { BRAINS_CODEX_PATH: '/nonexistent/codex' } });
    try {
      const o = await other.client();
      await o.call('agent.create', { agent_name: 'nocx', backend: 'codex', working_directory: scratchDir() });
      const sent = await o.call('agent.send', { agent_name: 'nocx', text: 'hi' });
      const turn = await finished(o, 'nocx', sent.turn_id!);
      assert.equal(turn.status, 'error');
      assert.match(turn.error ?? '', /codex not found: install the Codex CLI .* or set BRAINS_CODEX_PATH/);
    } finally {
      await other.cleanup();
    }
  });
});

describe('a codex agent across a daemon restart', () => {
  test('the next turn resumes the stored thread (thread/resume) in a new process', async () => {
    const first = await startDaemon({ env });
    const state = scratchDir();
    let thread: string | null = null;
    try {
      const c = await first.client();
      await c.call('agent.create', { agent_name: 'cxr', backend: 'codex', working_directory: state, env: { FAKE_CODEX_STATE: state } });
      const sent = await c.call('agent.send', { agent_name: 'cxr', text: 'remember me' });
      assert.equal((await finished(c, 'cxr', sent.turn_id!)).status, 'done');
      thread = (await info(c, 'cxr')).native_session_id;
      assert.ok(thread);
      assert.equal(await first.stop(), 0);
      const second = await startDaemon({ env, home: first.home });
      try {
        const c2 = await second.client();
        const next = await c2.call('agent.send', { agent_name: 'cxr', text: 'still me?' });
        const turn = await finished(c2, 'cxr', next.turn_id!);
        assert.equal(turn.status, 'done', turn.error ?? '');
        assert.equal((await info(c2, 'cxr')).native_session_id, thread);
        const resumes = sentToCodex(state).filter((m) => m.method === 'thread/resume');
        assert.equal(resumes.length, 1);
        assert.equal(resumes[0].params.threadId, thread);
        assert.equal(argvs(state).length, 2);
      } finally {
        await second.stop();
      }
    } finally {
      await first.cleanup();
    }
  });
});
