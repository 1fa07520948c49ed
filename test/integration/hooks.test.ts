// `brains hook <event>` as Claude Code and Codex run it: the real CLI with the tools' stdin JSON, against a real daemon.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome, type CliResult } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { eventsSince, headSeq, invalidParams, refusedWith } from '../helpers/rpc-assert.js';

const { daemon, client: c } = withDaemon();

type HookEvent = 'session-start' | 'user-prompt-submit' | 'stop' | 'session-end';
const EVENT_NAMES: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  'user-prompt-submit': 'UserPromptSubmit',
  stop: 'Stop',
  'session-end': 'SessionEnd',
};

/** The stdin Claude Code sends for an event (common fields plus the event's own). */
function claudeInput(event: HookEvent, sessionId: string, cwd: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: `/home/u/.claude/projects/x/${sessionId}.jsonl`,
    cwd,
    permission_mode: 'default',
    hook_event_name: EVENT_NAMES[event],
    ...(event === 'session-start' ? { source: 'startup', model: 'claude-sonnet-4-5' } : {}),
    ...(event === 'user-prompt-submit' ? { prompt: 'carry on' } : {}),
    ...(event === 'stop' ? { stop_hook_active: false } : {}),
    ...(event === 'session-end' ? { reason: 'prompt_input_exit' } : {}),
    ...extra,
  });
}

function hook(event: HookEvent, input: string, args: string[] = [], home = daemon.home): Promise<CliResult> {
  return runCli(['hook', event, ...args], { home, input });
}

/** The additionalContext of a hook's JSON output, after checking its documented shape. */
function contextOf(result: CliResult, event: HookEvent): string {
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  assert.equal(out.hookSpecificOutput.hookEventName, EVENT_NAMES[event]);
  return out.hookSpecificOutput.additionalContext;
}

function silent(result: CliResult): void {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
}

async function sessionFor(toolSessionId: string, includeGone = false) {
  const { sessions } = await c.call('session.list', { include_gone: includeGone, limit: 1000 });
  return sessions.filter((s) => s.label === `claude-code ${toolSessionId}` || s.label === `codex ${toolSessionId}`);
}

async function joinAs(project: string, agent: string, cwd: string): Promise<void> {
  await c.call('project.join', { project_id: project, agent_name: agent, working_directory: cwd });
}

describe('session-start', () => {
  test('registers the session (tool, cwd, pid, transcript) and prints the identity reminders as context', async () => {
    await c.call('project.create', { project_id: 'hk-a', name: 'Alpha', agent_name: 'backend', working_directory: '/w/hk-be' });
    await c.call('project.create', { project_id: 'hk-b', name: 'Beta' });
    await joinAs('hk-b', 'reviewer', '/w/hk-be');
    await joinAs('hk-a', 'frontend', '/w/hk-fe');
    await c.call('message.send', { project_id: 'hk-a', from_agent: 'frontend', to_agent: 'backend', reply_expected: true, payload: 'schema?' });
    const seq = await headSeq(c);
    const text = contextOf(await hook('session-start', claudeInput('session-start', 'cc-start-1', '/w/hk-be')), 'session-start');
    assert.match(text, /In project "Alpha" \(hk-a\): YOU are the "backend" agent with the "coordinator" role/);
    assert.match(text, /In project "Beta" \(hk-b\): YOU are the "reviewer" agent/);
    assert.match(text, /call status with \{"working_directory":"\/w\/hk-be"\} once to act as yourself/, 'how an MCP HTTP session resumes this identity');
    assert.match(text, /1 unread message for you \(backend\) in project hk-a: 1 from frontend; 1 expects your reply/);
    assert.match(text, /receive_messages/);
    const [session] = await sessionFor('cc-start-1');
    assert.ok(session, 'the session is listed');
    assert.equal(session.tool, 'claude-code');
    assert.equal(session.working_directory, '/w/hk-be');
    assert.equal(session.transcript_path, '/home/u/.claude/projects/x/cc-start-1.jsonl');
    assert.equal(session.pid, process.pid, 'the pid is the process that ran the hook (the agent tool)');
    assert.equal(session.state, 'active');
    const started = await eventsSince(c, seq, 'session.started');
    assert.deepEqual(started.map((e) => e.subject), [session.session_id]);
    const nudged = await eventsSince(c, seq, 'hook.nudged');
    assert.equal(nudged.length, 1);
    assert.equal((nudged[0]!.data as { event: string }).event, 'session-start');
  });

  test('the same tool session starting again (resume, compact) keeps its brains session', async () => {
    await hook('session-start', claudeInput('session-start', 'cc-start-2', '/w/hk-be'));
    await hook('session-start', claudeInput('session-start', 'cc-start-2', '/w/hk-be', { source: 'compact' }));
    assert.equal((await sessionFor('cc-start-2')).length, 1);
  });

  test('a directory that joined nothing registers a session and prints nothing', async () => {
    silent(await hook('session-start', claudeInput('session-start', 'cc-start-3', '/w/hk-nobody')));
    assert.equal((await sessionFor('cc-start-3')).length, 1);
  });

  test('--tool codex registers a codex session', async () => {
    silent(await hook('session-start', claudeInput('session-start', 'cx-start-1', '/w/hk-codex', { transcript_path: null }), ['--tool', 'codex']));
    const [session] = await sessionFor('cx-start-1');
    assert.equal(session?.tool, 'codex');
    assert.equal(session?.transcript_path, null);
  });
});

describe('user-prompt-submit', () => {
  test('a note when there is new mail (from whom, reply expected), nothing the second time', async () => {
    await c.call('project.create', { project_id: 'hk-mail', name: 'Mail', agent_name: 'lead', working_directory: '/w/hk-lead' });
    await joinAs('hk-mail', 'helper', '/w/hk-helper');
    contextOf(await hook('session-start', claudeInput('session-start', 'cc-mail', '/w/hk-lead')), 'session-start');
    silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-mail', '/w/hk-lead')));
    await c.call('message.send', { project_id: 'hk-mail', from_agent: 'helper', to_agent: 'lead', reply_expected: true, payload: { q: 1 } });
    await c.call('message.send', { project_id: 'hk-mail', from_agent: 'helper', to_agent: 'lead', payload: { q: 2 } });
    const [before] = await sessionFor('cc-mail');
    const text = contextOf(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-mail', '/w/hk-lead')), 'user-prompt-submit');
    assert.match(text, /2 unread messages for you \(lead\) in project hk-mail: 2 from helper; 1 expects your reply/);
    silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-mail', '/w/hk-lead')));
    const [afterwards] = await sessionFor('cc-mail');
    assert.ok(afterwards!.last_seen >= before!.last_seen, 'each prompt is a heartbeat');
    // Only the newest one is news.
    await c.call('message.send', { project_id: 'hk-mail', from_agent: 'operator', to_agent: 'lead', payload: 'hello' });
    const third = contextOf(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-mail', '/w/hk-lead')), 'user-prompt-submit');
    assert.match(third, /1 unread message for you \(lead\) in project hk-mail: 1 from operator\./);
  });

  test('a decision on its approval and a lease about to expire are told once', async () => {
    await c.call('project.create', { project_id: 'hk-dec', name: 'Dec', agent_name: 'asker', working_directory: '/w/hk-asker' });
    contextOf(await hook('session-start', claudeInput('session-start', 'cc-dec', '/w/hk-asker')), 'session-start');
    const approval = await c.call('approval.request', { project_id: 'hk-dec', agent_name: 'asker', title: 'Deploy to prod' });
    silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-dec', '/w/hk-asker')));
    await c.call('approval.decide', { approval_id: approval.approval_id, decision: 'approve', comment: 'ship it' });
    await c.call('lock.acquire', { key: 'src/api/**', holder: { project_id: 'hk-dec', agent_name: 'asker' }, ttl_seconds: 30 });
    const text = contextOf(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-dec', '/w/hk-asker')), 'user-prompt-submit');
    assert.match(text, new RegExp(`${approval.approval_id} "Deploy to prod" in project hk-dec was approved by operator — "ship it"`));
    assert.match(text, /your lock on "src\/api\/\*\*" \(fencing token \d+\) expires in \d+s/);
    silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-dec', '/w/hk-asker')));
  });

  test('a tool session whose brains session was ended (or reaped) gets a new one at its next prompt', async () => {
    silent(await hook('session-start', claudeInput('session-start', 'cc-revive', '/w/hk-revive')));
    const [first] = await sessionFor('cc-revive');
    await c.call('session.end', { session_id: first!.session_id, reason: 'reaped for the test' });
    silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-revive', '/w/hk-revive')));
    const live = await sessionFor('cc-revive');
    assert.equal(live.length, 1);
    assert.notEqual(live[0]!.session_id, first!.session_id);
  });

  test('a prompt from a tool session brains never saw, without cwd, is silent and stores nothing', async () => {
    const seq = await headSeq(c);
    silent(await hook('user-prompt-submit', JSON.stringify({ session_id: 'cc-unknown', hook_event_name: 'UserPromptSubmit', prompt: 'x' })));
    assert.equal(await headSeq(c), seq);
  });
});

describe('stop', () => {
  test('blocks once for a message that expects a reply, not again, and never while stop_hook_active', async () => {
    await c.call('project.create', { project_id: 'hk-stop', name: 'Stop', agent_name: 'worker', working_directory: '/w/hk-worker' });
    await joinAs('hk-stop', 'boss', '/w/hk-boss');
    contextOf(await hook('session-start', claudeInput('session-start', 'cc-stop', '/w/hk-worker')), 'session-start');
    silent(await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker')));
    await c.call('message.send', { project_id: 'hk-stop', from_agent: 'boss', to_agent: 'worker', payload: 'fyi' });
    silent(await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker')));
    const sent = await c.call('message.send', { project_id: 'hk-stop', from_agent: 'boss', to_agent: 'worker', reply_expected: true, payload: 'status?' });

    silent(await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker', { stop_hook_active: true })));
    const blocked = await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker'));
    assert.equal(blocked.code, 0, blocked.stderr);
    const decision = JSON.parse(blocked.stdout) as { decision: string; reason: string };
    assert.equal(decision.decision, 'block');
    assert.match(decision.reason, new RegExp(`from boss \\(project hk-stop, to you as worker, message ${sent.message_id}\\)`));
    assert.match(decision.reason, /receive_messages/);
    silent(await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker', { stop_hook_active: true })));
    silent(await hook('stop', claudeInput('stop', 'cc-stop', '/w/hk-worker')));
    // The prompt note does not repeat what the block already said.
    const note = contextOf(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-stop', '/w/hk-worker')), 'user-prompt-submit');
    assert.match(note, /1 unread message for you \(worker\) in project hk-stop: 1 from boss\./);
  });
});

describe('session-end', () => {
  test('marks the session gone with the tool\'s reason; a second end is silent', async () => {
    silent(await hook('session-start', claudeInput('session-start', 'cc-end', '/w/hk-end')));
    const [session] = await sessionFor('cc-end');
    const seq = await headSeq(c);
    silent(await hook('session-end', claudeInput('session-end', 'cc-end', '/w/hk-end', { reason: 'logout' })));
    const { sessions } = await c.call('session.list', { state: 'gone', limit: 1000 });
    const gone = sessions.find((s) => s.session_id === session!.session_id);
    assert.equal(gone?.state, 'gone');
    assert.match(gone?.end_reason ?? '', /logout/);
    assert.deepEqual((await eventsSince(c, seq, 'session.ended')).map((e) => e.subject), [session!.session_id]);
    const after = await headSeq(c);
    silent(await hook('session-end', claudeInput('session-end', 'cc-end', '/w/hk-end')));
    silent(await hook('session-end', claudeInput('session-end', 'cc-never-started', '/w/hk-end')));
    // Only the pid check may write meanwhile (ending earlier tests' sessions whose tool processes exited): the ends wrote nothing.
    const written = (await c.call('events.list', { after, limit: 1000 })).events.filter((e) => e.type !== 'session.gone');
    assert.deepEqual(written, []);
  });
});

describe('never breaking the agent', () => {
  test('no daemon: every event exits 0 and prints nothing; with --no-start a session start starts none', async () => {
    const home = tempHome();
    for (const event of ['user-prompt-submit', 'stop', 'session-end'] as const) {
      const result = await hook(event, claudeInput(event, 'cc-nodaemon', '/w/x'), [], home);
      silent(result);
      assert.equal(result.stderr, '');
    }
    silent(await hook('session-start', claudeInput('session-start', 'cc-nodaemon', '/w/x'), ['--no-start'], home));
    assert.equal(existsSync(join(home, 'brains.sock')), false, 'no daemon was started');
    assert.equal(existsSync(join(home, 'daemon.pid')), false);
    rmSync(home, { recursive: true, force: true });
  });

  test('no daemon: a session start (only) starts one and registers the session', async () => {
    const home = tempHome();
    try {
      silent(await hook('user-prompt-submit', claudeInput('user-prompt-submit', 'cc-boot', '/w/boot'), [], home));
      assert.equal(existsSync(join(home, 'brains.sock')), false, 'a prompt never starts the daemon');
      silent(await hook('session-start', claudeInput('session-start', 'cc-boot', '/w/boot'), [], home));
      const listed = await runCli(['rpc', 'session.list', '--no-start', '--compact'], { home });
      assert.equal(listed.code, 0, listed.stderr);
      const { sessions } = JSON.parse(listed.stdout) as { sessions: Array<{ label: string; tool: string }> };
      assert.deepEqual(sessions.map((s) => [s.label, s.tool]), [['claude-code cc-boot', 'claude-code']]);
    } finally {
      await runCli(['down'], { home });
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('malformed stdin exits 0 silently and stores nothing', async () => {
    const { sessions } = await c.call('session.list', { include_gone: true, limit: 1000 });
    const seq = await headSeq(c);
    const inputs = [
      '',
      'not json',
      '[1,2]',
      'null',
      '{}',
      '{"session_id": 5, "cwd": "/w/m"}',
      JSON.stringify({ session_id: '../../etc/passwd', cwd: '/w/m' }),
      JSON.stringify({ session_id: 'a b', cwd: '/w/m' }),
      JSON.stringify({ session_id: "x'; DROP TABLE sessions; --", cwd: '/w/m' }),
      JSON.stringify({ session_id: 'x'.repeat(300), cwd: '/w/m' }),
      JSON.stringify({ session_id: 'cc-rel', cwd: 'relative/dir' }),
      JSON.stringify({ session_id: 'cc-big', cwd: '/w/m', prompt: 'y'.repeat(2 * 1024 * 1024) }),
    ];
    for (const input of inputs) {
      const result = await hook('session-start', input);
      silent(result);
      assert.equal(result.stderr, '');
    }
    const now = await c.call('session.list', { include_gone: true, limit: 1000 });
    assert.equal(now.sessions.length, sessions.length);
    // Sessions of earlier tests may go idle meanwhile (the reaper's presence events); nothing else may be written.
    const written = (await c.call('events.list', { after: seq, limit: 1000 })).events.filter((e) => e.type !== 'session.idle');
    assert.deepEqual(written, []);
  });

  test('an unknown event or tool is a usage note on stderr, still exit 0', async () => {
    const unknownEvent = await runCli(['hook', 'pre-tool-use'], { home: daemon.home, input: claudeInput('stop', 'cc-x', '/w/x') });
    assert.equal(unknownEvent.code, 0);
    assert.equal(unknownEvent.stdout, '');
    assert.match(unknownEvent.stderr, /usage: brains hook/);
    const unknownTool = await runCli(['hook', 'stop', '--tool', 'vim'], { home: daemon.home, input: claudeInput('stop', 'cc-x', '/w/x') });
    assert.equal(unknownTool.code, 0);
    assert.match(unknownTool.stderr, /unknown --tool/);
  });
});

describe('hook.handle refuses bad params and stores nothing', () => {
  test('wrong, missing, oversized and hostile params get -32602', async () => {
    const { sessions } = await c.call('session.list', { include_gone: true, limit: 1000 });
    const seq = await headSeq(c);
    const ok = { tool: 'claude-code', event: 'session-start', payload: { session_id: 'cc-method', cwd: '/w/hk-method' } };
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 200; i += 1) cursor = (cursor.a = {}) as Record<string, unknown>;
    const bad: unknown[] = [
      {},
      { ...ok, tool: 'vim' },
      { ...ok, event: 'pre-tool-use' },
      { tool: ok.tool, event: ok.event },
      { ...ok, payload: {} },
      { ...ok, payload: 'cc-method' },
      { ...ok, payload: { ...ok.payload, session_id: 'x'.repeat(300) } },
      { ...ok, payload: { ...ok.payload, session_id: '../etc' } },
      { ...ok, payload: { ...ok.payload, session_id: 'a b' } },
      { ...ok, payload: { ...ok.payload, session_id: "x' OR 1=1; --" } },
      { ...ok, payload: { ...ok.payload, session_id: '..' } },
      { ...ok, payload: { ...ok.payload, cwd: 'relative' } },
      { ...ok, payload: { ...ok.payload, cwd: `/${'d'.repeat(5000)}` } },
      { ...ok, payload: { ...ok.payload, transcript_path: 'rel.jsonl' } },
      { ...ok, payload: { ...ok.payload, stop_hook_active: 'yes' } },
      { ...ok, payload: { ...ok.payload, reason: 'r'.repeat(1000) } },
      { ...ok, pid: -1 },
      { ...ok, pid: 1.5 },
      { ...ok, surprise: true },
    ];
    for (const params of bad) await invalidParams(c.callRaw('hook.handle', params));
    // Nested past the params depth limit: refused before validation even runs.
    await refusedWith(c.callRaw('hook.handle', { ...ok, payload: { ...ok.payload, extra: deep } }), 'LIMIT_EXCEEDED');
    await refusedWith(c.callRaw('hook.handle', { ...ok, payload: { session_id: 'cc-method' } }), 'INVALID');
    const now = await c.call('session.list', { include_gone: true, limit: 1000 });
    assert.equal(now.sessions.length, sessions.length);
    assert.equal(await headSeq(c), seq);
    // The same call, well formed, is answered.
    const answered = await c.call('hook.handle', { tool: 'claude-code', event: 'session-start', payload: { session_id: 'cc-method', cwd: '/w/hk-method' } });
    assert.equal(answered.exit_code, 0);
    assert.equal(answered.stdout, null);
    assert.ok(answered.session_id);
  });
});
