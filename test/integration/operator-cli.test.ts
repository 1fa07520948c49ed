// The operator's headless verbs as real processes against a real daemon: brains inbox, send, approvals, approve, deny,
// watch in readable mode, and status (MCP HTTP, live sessions, the tmux line), with their output, errors and exit codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, envFor, runCli, startDaemon, waitFor, withEmptyHome, type CliResult } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { projectWith } from '../helpers/rpc-assert.js';

const LONG_WAIT = 30_000;
const ESC = '\u001b';

function ok(result: CliResult, what: string): string {
  assert.equal(result.code, 0, `${what}: exit ${result.code}; stderr: ${result.stderr}`);
  assert.equal(result.stderr, '', `${what}: nothing on stderr`);
  return result.stdout;
}

function refused(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit ${result.code}, expected ${code}; stdout: ${result.stdout}; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  assert.match(result.stderr, message);
  assert.ok(!/\n {4}at /.test(result.stderr), 'no stack trace');
  assert.ok(result.stderr.length < 600, `a short message: ${result.stderr}`);
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('brains inbox', () => {
  const { daemon, client: c } = withDaemon();
  let home: string;

  test("lists the operator's unread mail across projects, newest first; --all adds read ones; nothing gets delivered", async () => {
    home = daemon.home;
    assert.equal(ok(await runCli(['inbox'], { home }), 'an empty inbox'), 'No unread messages. (brains inbox --all shows read ones)\n');
    await projectWith(c, 'in-api', ['backend', 'db']);
    await projectWith(c, 'in-web', ['frontend']);
    const acked = await c.call('message.send', { project_id: 'in-web', from_agent: 'frontend', to_agent: 'operator', payload: 'already read' });
    await c.call('message.ack', { project_id: 'in-web', agent_name: 'operator', message_id: acked.message_id });
    await c.call('message.send', { project_id: 'in-api', from_agent: 'backend', to_agent: 'operator', reply_expected: true, payload: 'Is the schema final?' });
    await c.call('message.send', { project_id: 'in-web', from_agent: 'frontend', broadcast: true, payload: { deployed: 'v2' } });
    await c.call('message.send', { project_id: 'in-api', from_agent: 'backend', to_agent: 'db', payload: 'not for the operator' });

    const unread = lines(ok(await runCli(['inbox'], { home }), 'brains inbox'));
    assert.equal(unread[0], '2 unread messages, newest first:');
    assert.match(unread[1]!, /^●\s+pending\s+\d+s\s+in-web\s+frontend \(to all\)\s+\{"deployed":"v2"\}$/);
    assert.match(unread[2]!, /^●\s+pending\s+\d+s\s+in-api\s+backend\s+↩ Is the schema final\?$/);
    assert.equal(unread[3], '↩ expects a reply: brains send AGENT TEXT --project P');
    assert.equal(unread.length, 4);
    assert.ok(!unread.join('\n').includes('not for the operator') && !unread.join('\n').includes('already read'));
    assert.equal(unread[1]!.indexOf('frontend'), unread[2]!.indexOf('backend'), 'columns line up');

    const all = lines(ok(await runCli(['inbox', '--all'], { home }), 'brains inbox --all'));
    assert.equal(all[0], '2 unread messages; newest first, unread before read:');
    assert.match(all[3]!, /^\s+acked\s+\d+s\s+in-web\s+frontend\s+already read$/);

    const web = lines(ok(await runCli(['inbox', '--project', 'in-web'], { home }), 'brains inbox --project'));
    assert.equal(web[0], '1 unread message in in-web, newest first:');
    assert.equal(web.length, 2);

    const json = ok(await runCli(['inbox', '--json', '--all'], { home }), 'brains inbox --json');
    assert.equal(json.trimEnd().includes('\n'), false, 'one JSON document on one line in a pipe');
    assert.deepEqual(JSON.parse(json), await c.call('message.inbox', {}));

    const still = await c.call('message.inbox', { unread_only: true });
    assert.deepEqual(still.messages.map((m) => m.state), ['pending', 'pending'], 'listing delivered nothing');
    const limited = lines(ok(await runCli(['inbox', '--limit', '1'], { home }), 'brains inbox --limit 1'));
    assert.match(limited.at(-1)!, /^… more than 1; pass --limit/);
  });

  test('text from agents is printed as one safe line: escapes and bidi characters shown escaped, no line breaks', async () => {
    await projectWith(c, 'in-hostile', ['mallory']);
    await c.call('message.send', { project_id: 'in-hostile', from_agent: 'mallory', to_agent: 'operator', payload: `clear${ESC}[2J${ESC}]0;title\u0007\nfake line\r\u202eevil` });
    const out = ok(await runCli(['inbox', '--project', 'in-hostile'], { home: daemon.home }), 'hostile preview');
    assert.ok(!out.includes(ESC) && !out.includes('\u0007') && !out.includes('\r') && !out.includes('\u202e'), JSON.stringify(out));
    assert.equal(lines(out).length, 2, 'the header and one message line');
    assert.ok(out.includes('clear\\u001B[2J\\u001B]0;title\\u0007 fake line \\u202Eevil'), out);
  });

  test('wrong flags, an unknown or hostile project and an oversized limit are refused with what to do', async () => {
    const home = daemon.home;
    refused(await runCli(['inbox', '--project', 'in-wbe'], { home }), 1, /^brains inbox: no project in-wbe; projects that exist: .*in-web/);
    refused(await runCli(['inbox', '--project', '../../etc'], { home }), 2, /project_id: use 1 to 256 letters, digits, _ or -/);
    refused(await runCli(['inbox', '--project', 'p'.repeat(10_000)], { home }), 2, /project_id: use 1 to 256 letters/);
    refused(await runCli(['inbox', '--limit', '500'], { home }), 2, /limit: at most 200 per call/);
    refused(await runCli(['inbox', '--limit', 'lots'], { home }), 2, /--limit takes a whole number \(1 to 200\), not "lots"/);
    refused(await runCli(['inbox', '--jsn'], { home }), 2, /^brains inbox: unknown option --jsn; did you mean --json\?\nusage: brains inbox /);
    refused(await runCli(['inbox', 'extra'], { home }), 2, /unexpected argument "extra"/);
    const asJson = await runCli(['inbox', '--json', '--project', 'nowhere'], { home });
    assert.equal(asJson.code, 1);
    assert.equal(JSON.parse(asJson.stderr).data.code, 'NOT_FOUND', 'with --json the error is JSON too');
  });

  test('exit 3 without a daemon and --no-start', async () => {
    await withEmptyHome(async (home) => {
      for (const args of [['inbox'], ['send', 'a', 'b'], ['approvals'], ['approve', '1'], ['deny', '1']]) {
        const result = await runCli([...args, '--no-start'], { home });
        assert.equal(result.code, 3, `brains ${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /cannot reach the daemon.*brains up/);
      }
    });
  });
});

describe('brains send', () => {
  const { daemon, client: c } = withDaemon();

  test('sends from the operator with reply_expected to the one project the agent is in; text words are joined; - reads stdin', async () => {
    const home = daemon.home;
    await projectWith(c, 'sd-api', ['backend', 'shared']);
    await projectWith(c, 'sd-web', ['frontend', 'shared']);
    const out = ok(await runCli(['send', 'backend', 'Is', 'the schema', 'final?'], { home }), 'brains send');
    assert.match(out, /^Sent to backend in sd-api \(msg-[0-9a-f-]{36}\), asking for a reply; replies arrive in brains inbox\.\n$/);
    const got = await c.call('message.receive', { project_id: 'sd-api', agent_name: 'backend' });
    assert.deepEqual(got.messages.map((m) => [m.from_agent, m.to_agent, m.payload, m.reply_expected]), [['operator', 'backend', 'Is the schema final?', true]]);

    const piped = await runCli(['send', 'frontend', '-', '--json'], { home, input: 'line one\nline two\n' });
    const sent = JSON.parse(ok(piped, 'brains send - --json')) as { project_id: string; to_agent: string; message_id: string; recipients: string[] };
    assert.equal(sent.project_id, 'sd-web');
    assert.equal(sent.to_agent, 'frontend');
    assert.deepEqual(sent.recipients, ['frontend']);
    const fromStdin = await c.call('message.receive', { project_id: 'sd-web', agent_name: 'frontend' });
    assert.deepEqual(fromStdin.messages.map((m) => [m.message_id, m.payload]), [[sent.message_id, 'line one\nline two']]);

    refused(await runCli(['send', 'shared', 'hello'], { home }), 2, /^brains send: shared is in sd-api and sd-web; pass --project\n$/);
    ok(await runCli(['send', 'shared', 'hello', '--project', 'sd-web'], { home }), 'brains send --project');
    assert.equal((await c.call('message.receive', { project_id: 'sd-web', agent_name: 'shared' })).messages[0]!.payload, 'hello');
    assert.equal((await c.call('message.receive', { project_id: 'sd-api', agent_name: 'shared' })).count, 0);
  });

  test('unknown agents and projects are refused naming the nearest names; bad input is a usage error', async () => {
    const home = daemon.home;
    await projectWith(c, 'sd-old', ['retired']);
    await c.call('project.archive', { project_id: 'sd-old' });
    refused(await runCli(['send', 'bakend', 'hi'], { home }), 1, /^brains send: no agent named bakend in any project; did you mean backend\?\n$/);
    refused(await runCli(['send', 'zed', 'hi'], { home }), 1, /^brains send: no agent named zed in any project; agents: .*backend.*frontend/);
    refused(await runCli(['send', 'retired', 'hi'], { home }), 1, /retired is only in archived project sd-old, which are read-only/);
    refused(await runCli(['send', 'frontend', 'hi', '--project', 'sd-api'], { home }), 1, /^brains send: frontend is not in sd-api; members: backend, shared\n$/);
    refused(await runCli(['send', 'backnd', 'hi', '--project', 'sd-api'], { home }), 1, /backnd is not in sd-api; did you mean backend\?/);
    refused(await runCli(['send', 'backend', 'hi', '--project', 'sd-apj'], { home }), 1, /^brains send: no project sd-apj; did you mean sd-api\?\n$/);
    refused(await runCli(['send', 'backend', 'hi', '--project', '../../etc'], { home }), 2, /--project takes a project id/);
    refused(await runCli(['send', '../../etc/passwd', 'hi'], { home }), 2, /AGENT is an agent name/);
    refused(await runCli(['send', 'x'.repeat(10_000), 'hi'], { home }), 2, /AGENT is an agent name \(letters, digits, _ or -\), not "x+…"/);
    refused(await runCli(['send', 'operator', 'hi'], { home }), 2, /you are the operator; name an agent/);
    refused(await runCli(['send'], { home }), 2, /missing AGENT and TEXT/);
    refused(await runCli(['send', 'backend'], { home }), 2, /missing TEXT/);
    refused(await runCli(['send', 'backend', '  '], { home }), 2, /TEXT is empty/);
    refused(await runCli(['send', 'backend', 'hi', '--projct', 'sd-api'], { home }), 2, /unknown option --projct; did you mean --project\?/);
    const big = await runCli(['send', 'backend', '-', '--project', 'sd-api'], { home, input: 'x'.repeat(300 * 1024) });
    refused(big, 1, /over the 262144-byte limit/);
    assert.equal((await c.call('message.receive', { project_id: 'sd-api', agent_name: 'backend' })).count, 0, 'nothing refused was sent');
  });
});

describe('brains approvals, approve, deny', () => {
  const { daemon, client: c } = withDaemon();

  test('list pending approvals and handoffs oldest first, decide them, and refuse what cannot be decided', async () => {
    const home = daemon.home;
    assert.equal(ok(await runCli(['approvals'], { home }), 'none yet'), 'Nothing waits for your decision.\n');
    await projectWith(c, 'ap-api', ['lead', 'dev']);
    await projectWith(c, 'ap-web', ['web']);
    const first = await c.call('approval.request', { project_id: 'ap-api', agent_name: 'dev', title: 'Drop the legacy table?' });
    const second = await c.call('handoff.submit', { project_id: 'ap-api', agent_name: 'dev', title: 'Parser done', summary: 'tests pass' });
    const third = await c.call('approval.request', { project_id: 'ap-web', agent_name: 'web', title: 'Which database?', options: ['postgres', 'sqlite'] });

    const listed = lines(ok(await runCli(['approvals'], { home }), 'brains approvals'));
    assert.equal(listed[0], '3 waiting for your decision, oldest first:');
    assert.match(listed[1]!, new RegExp(`^${first.approval_id}\\s+approval\\s+ap-api\\s+dev\\s+\\d+s\\s+Drop the legacy table\\?$`));
    assert.match(listed[2]!, new RegExp(`^${second.approval_id}\\s+handoff\\s+ap-api\\s+dev\\s+\\d+s\\s+Parser done$`));
    assert.match(listed[3]!, new RegExp(`^${third.approval_id}\\s+approval\\s+ap-web\\s+web\\s+\\d+s\\s+Which database\\?$`));
    assert.match(listed[4]!, /^Decide with brains approve ID or brains deny ID/);
    const json = JSON.parse(ok(await runCli(['approvals', '--json'], { home }), 'brains approvals --json')) as { approvals: Array<{ approval_id: string }>; total: number };
    assert.deepEqual(json.approvals.map((a) => a.approval_id), [first.approval_id, second.approval_id, third.approval_id]);
    assert.equal(json.total, 3);

    const number = first.approval_id.replace('approval-', '');
    const approved = ok(await runCli(['approve', number, '--comment', 'ship it'], { home }), 'brains approve N');
    assert.equal(approved, `Approved ${first.approval_id} (approval "Drop the legacy table?" from dev in ap-api); dev has been told.\n`);
    const stored = await c.call('approval.get', { approval_id: first.approval_id });
    assert.deepEqual([stored.status, stored.decision, stored.comment, stored.decided_by], ['approved', 'approve', 'ship it', 'operator']);
    const denied = JSON.parse(ok(await runCli(['deny', second.approval_id, '--json', '--comment', 'add tests'], { home }), 'brains deny --json')) as { status: string; comment: string };
    assert.deepEqual([denied.status, denied.comment], ['denied', 'add tests']);

    refused(await runCli(['approve', first.approval_id], { home }), 1, new RegExp(`^brains approve: ${first.approval_id} cannot be decided: it was already decided`));
    refused(await runCli(['deny', 'approval-999'], { home }), 1, new RegExp(`^brains deny: no approval approval-999; waiting: ${third.approval_id} \\(brains approvals\\)\\n$`));
    refused(await runCli(['approve', third.approval_id], { home }), 1, /approve is not an option of .*choose one of: postgres, sqlite; decide with brains rpc approval\.decide approval_id=approval-\d+ decision=OPTION/);
    refused(await runCli(['approve', '../../etc'], { home }), 2, /ID is an approval id such as approval-7 \(or just 7\), not "\.\.\/\.\.\/etc"/);
    refused(await runCli(['approve', 'approval-0'], { home }), 2, /ID is an approval id/);
    refused(await runCli(['approve'], { home }), 2, /missing ID/);
    refused(await runCli(['deny', '1', '2'], { home }), 2, /one ID at a time/);
    refused(await runCli(['deny', '1', '--coment', 'x'], { home }), 2, /unknown option --coment; did you mean --comment\?/);
    refused(await runCli(['aprove', '1'], { home }), 2, /did you mean approve\?/);

    const all = lines(ok(await runCli(['approvals', '--all'], { home }), 'brains approvals --all'));
    assert.equal(all[0], '1 waiting for your decision, oldest first; 2 decided or cancelled after them:');
    assert.match(all[1]!, new RegExp(`^${third.approval_id}\\s+approval\\s+pending\\s+ap-web`));
    assert.match(all[2]!, new RegExp(`^${second.approval_id}\\s+handoff\\s+denied\\s+ap-api`));
    assert.match(all[3]!, new RegExp(`^${first.approval_id}\\s+approval\\s+approved\\s+ap-api`));
    const onlyWeb = lines(ok(await runCli(['approvals', '--project', 'ap-api'], { home }), 'brains approvals --project'));
    assert.deepEqual(onlyWeb, ['Nothing waits for your decision.']);
  });
});

/** `brains watch` as a long-running child process whose stdout is read as it comes. */
class Watch {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  out = '';
  err = '';

  constructor(home: string, args: string[]) {
    this.proc = spawn(process.execPath, [CLI, 'watch', ...args], { env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.proc.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) => this.proc.once('close', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, what: string): Promise<void> {
    await waitFor(() => pattern.test(this.out) || this.proc.exitCode !== null, LONG_WAIT, what);
    assert.match(this.out, pattern, `${what}; watch exited ${this.proc.exitCode}: ${this.err}`);
  }

  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGINT');
    return this.exited;
  }
}

describe('brains watch, readable', () => {
  const { daemon, client: c } = withDaemon();

  test('--human prints where it starts, then one line per event: time, type, who and what happened', async () => {
    await projectWith(c, 'wh', ['backend', 'frontend']);
    const head = (await c.call('system.info')).event_seq;
    const watch = new Watch(daemon.home, ['--human', '--types', 'user.*,message.sent,lock.*,approval.*,task.created']);
    try {
      await watch.waitFor(/Ctrl-C to stop\.\n/, 'the first line');
      assert.equal(watch.out, `Watching events (user.*, message.sent, lock.*, approval.*, task.created) after seq ${head}; Ctrl-C to stop.\n`);
      await c.call('message.send', { project_id: 'wh', from_agent: 'backend', to_agent: 'frontend', reply_expected: true, payload: `schema?${ESC}[31m\nnext` });
      const lease = await c.call('lock.acquire', { key: 'src/api/**', project_id: 'wh', agent_name: 'backend', ttl_seconds: 600 });
      if (lease.timed_out) assert.fail('the lock was free');
      await c.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
      const asked = await c.call('approval.request', { project_id: 'wh', agent_name: 'frontend', title: 'Ship v2?' });
      await c.call('approval.decide', { approval_id: asked.approval_id, decision: 'deny', comment: 'not yet' });
      await c.call('task.create', { project_id: 'wh', title: 'Write resolvers' });
      await c.call('events.publish', { events: [{ type: 'user.deploy', subject: 'api', data: { sha: 'abc' } }] });
      await watch.waitFor(/user\.deploy/, 'the last event');
      assert.equal(await watch.stop(), 0);

      const printed = lines(watch.out).slice(1);
      const expected: Array<[string, string, RegExp]> = [
        ['message.sent', 'backend', /^wh: → frontend ↩ "schema\?\\u001B\[31m next"$/],
        ['lock.acquired', 'backend@wh', /^src\/api\/\*\* \(exclusive\) held by backend in wh until \d\d:\d\d:\d\d$/],
        // Said once: the reason (released) and the daemon's detail (released by its holder) are the same news.
        ['lock.released', 'backend@wh', /^src\/api\/\*\* released by backend in wh$/],
        ['approval.requested', 'frontend', new RegExp(`^wh: approval ${asked.approval_id} "Ship v2\\?" is pending$`)],
        // The decision reaches the requester as a message from the operator, in the same transaction as approval.decided.
        ['message.sent', 'operator', /^wh: → frontend "/],
        ['approval.decided', 'operator', new RegExp(`^wh: ${asked.approval_id} "Ship v2\\?" denied \\(not yet\\)$`)],
        ['task.created', 'operator', /^wh: task-\d+ "Write resolvers" \(p\d\)$/],
        ['user.deploy', '-', /^api: \{"sha":"abc"\}$/],
      ];
      assert.equal(printed.length, expected.length, watch.out);
      printed.forEach((line, i) => {
        const [type, who, what] = expected[i]!;
        const match = /^(\d\d:\d\d:\d\d) {2}(\S+)\s+(\S+)\s+(\S.*)$/.exec(line);
        assert.ok(match, `a readable line: ${line}`);
        assert.deepEqual([match[2], match[3]], [type, who], line);
        assert.match(match[4]!, what, line);
      });
      assert.ok(!watch.out.includes(ESC), 'no escape sequence from a payload reaches the terminal, and no colour in a pipe');
    } finally {
      await watch.stop();
    }
  });

  test('--since replays first and says so; --json and the default in a pipe print JSON lines; --pretty indents', async () => {
    const replay = new Watch(daemon.home, ['--human', '--since', '0', '--types', 'daemon.started']);
    try {
      // The first line names the type too: wait for the event's own line.
      await replay.waitFor(/\n\d\d:\d\d:\d\d {2}daemon\.started/, 'the replayed event');
      const [first, second] = lines(replay.out);
      assert.match(first!, /^Replaying events \(daemon\.started\) after seq 0 \(up to \d+\), then watching live; Ctrl-C to stop\.$/);
      assert.match(second!, new RegExp(`^\\d\\d:\\d\\d:\\d\\d  daemon\\.started\\s+daemon\\s+started, pid ${daemon.proc.pid}, version `));
    } finally {
      await replay.stop();
    }
    for (const args of [['--json'], []]) {
      const json = new Watch(daemon.home, [...args, '--since', '0', '--types', 'daemon.started']);
      try {
        await json.waitFor(/\n/, 'a JSON line');
        const event = JSON.parse(lines(json.out)[0]!) as { seq: number; type: string };
        assert.deepEqual([event.seq, event.type], [1, 'daemon.started'], `brains watch ${args.join(' ')}`);
      } finally {
        await json.stop();
      }
    }
    const pretty = new Watch(daemon.home, ['--pretty', '--since', '0', '--types', 'daemon.started']);
    try {
      await pretty.waitFor(/\n\}\n/, 'an indented event');
      assert.match(pretty.out, /^\{\n {2}"seq": 1,\n/);
    } finally {
      await pretty.stop();
    }
    const both = await runCli(['watch', '--human', '--json'], { home: daemon.home });
    refused(both, 2, /--human prints readable lines, --json and --pretty print JSON: pick one/);
    refused(await runCli(['watch', '--humna'], { home: daemon.home }), 2, /unknown option --humna; did you mean --human\?/);
  });
});

describe('brains watch, readable, across a daemon restart', () => {
  test('says it reconnected and from which seq, and loses nothing', async () => {
    const first = await startDaemon();
    let second: Awaited<ReturnType<typeof startDaemon>> | null = null;
    const watch = new Watch(first.home, ['--human', '--types', 'user.*']);
    try {
      await watch.waitFor(/Ctrl-C to stop\.\n/, 'the first line');
      const before = await (await first.client()).call('events.publish', { events: [{ type: 'user.before' }] });
      await watch.waitFor(/user\.before/, 'the first event');
      assert.equal(await first.stop(), 0);
      second = await startDaemon({ home: first.home });
      await (await second.client()).call('events.publish', { events: [{ type: 'user.after' }] });
      await watch.waitFor(/user\.after/, 'the event after the restart');
      assert.equal(await watch.stop(), 0);
      const printed = lines(watch.out);
      assert.match(printed[0]!, /^Watching events \(user\.\*\) after seq \d+; Ctrl-C to stop\.$/);
      assert.match(printed[1]!, /user\.before/);
      assert.equal(printed[2], `Reconnected; resuming after seq ${before.seqs[0]}.`);
      assert.match(printed[3]!, /user\.after/);
      assert.equal(printed.length, 4, watch.out);
      assert.match(watch.err, /lost the daemon after seq \d+; reconnecting/);
    } finally {
      await watch.stop();
      await second?.cleanup();
      await first.cleanup();
    }
  });
});

describe('brains status', () => {
  test('shows MCP HTTP off and why, live sessions; --tmux counts pending approvals and unread mail', async () => {
    const daemon = await startDaemon();
    try {
      const c = await daemon.client();
      const home = daemon.home;
      const status = ok(await runCli(['status'], { home }), 'brains status');
      assert.match(status, /^ {2}mcp http {2}off: turned off \(--mcp-port off or BRAINS_MCP_PORT=off\); give it a port and restart the daemon to serve it$/m);
      assert.match(status, /^ {2}sessions {2}0 live$/m);
      await c.call('session.start', { tool: 'other', working_directory: '/w/status-a' });
      await c.call('session.start', { tool: 'codex', working_directory: '/w/status-b' });
      assert.match(ok(await runCli(['status'], { home }), 'brains status'), /^ {2}sessions {2}2 live$/m);
      const json = JSON.parse(ok(await runCli(['status', '--json'], { home }), 'brains status --json')) as { running: boolean; mcp_http: { state: string; url: string | null; reason: string } };
      assert.equal(json.running, true);
      assert.equal(json.mcp_http.state, 'disabled');
      assert.equal(json.mcp_http.url, null);

      assert.equal(ok(await runCli(['status', '--tmux'], { home }), 'tmux, nothing waiting'), 'brains ✓\n');
      await projectWith(c, 'st', ['asker']);
      await c.call('approval.request', { project_id: 'st', agent_name: 'asker', title: 'one' });
      await c.call('handoff.submit', { project_id: 'st', agent_name: 'asker', title: 'two', summary: 'done' });
      assert.equal(ok(await runCli(['status', '--tmux'], { home }), 'tmux, approvals waiting'), 'brains ⚑2\n');
      for (const payload of ['a', 'b', 'c']) await c.call('message.send', { project_id: 'st', from_agent: 'asker', to_agent: 'operator', payload });
      await c.call('message.send', { project_id: 'st', from_agent: 'operator', to_agent: 'asker', payload: 'not to the operator' });
      assert.equal(ok(await runCli(['status', '--tmux'], { home }), 'tmux, both'), 'brains ⚑2 ✉3\n');
      refused(await runCli(['status', '--tmux', '--json'], { home }), 2, /pick one/);
      refused(await runCli(['status', '--tmx'], { home }), 2, /unknown option --tmx; did you mean --tmux\?/);
    } finally {
      await daemon.cleanup();
    }
  });

  test('shows the MCP HTTP URL when it listens, with its open sessions', async () => {
    const daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    try {
      const info = await (await daemon.client()).call('system.info');
      assert.equal(info.mcp_http.state, 'on');
      assert.equal(info.mcp_http.url, info.mcp_url);
      assert.match(info.mcp_url!, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      assert.equal(info.mcp_http.reason, null);
      const status = ok(await runCli(['status'], { home: daemon.home }), 'brains status');
      assert.ok(status.includes(`  mcp http  ${info.mcp_url} (0 sessions open)\n`), status);
    } finally {
      await daemon.cleanup();
    }
  });

  test('--tmux without a daemon prints brains ○, exits 3 and starts nothing', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['status', '--tmux'], { home });
      assert.equal(result.code, 3);
      assert.equal(result.stdout, 'brains ○\n');
      assert.equal(result.stderr, '');
    });
  });
});
