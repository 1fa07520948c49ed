// Why this exists: an ACP driver is only worth testing against the fake ACP agent if the fake speaks the protocol as
// gemini --acp and copilot --acp do: the handshake, streamed session/update notifications, permission requests whose
// options are honoured (allow_always included), session/load from a new process, cancellation and a crash mid-turn.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FAKE_ACP = fileURLToPath(new URL('../../../test/fixtures/fake-acp.mjs', import.meta.url));
const QUICK = { timeout: 10_000 };

/** The client side of one fake agent process, speaking newline-delimited JSON-RPC over its stdio. */
class Peer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly received: any[] = [];
  readonly exited: Promise<number | null>;
  stderr = '';
  /** Answers the agent's requests; undefined leaves one unanswered. */
  answer: (request: any) => unknown = () => undefined;
  private nextId = 0;
  private waiters: { match: (message: any) => boolean; resolve: (message: any) => void }[] = [];

  constructor(t: TestContext, env: Record<string, string> = {}, args = ['--acp']) {
    this.child = spawn(process.execPath, [FAKE_ACP, ...args], { env: { ...process.env, ...env } });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    t.after(() => this.child.kill('SIGKILL'));
  }

  private onLine(line: string) {
    const message = JSON.parse(line);
    this.received.push(message);
    if (typeof message.method === 'string' && message.id !== undefined) {
      const result = this.answer(message);
      if (result !== undefined) this.send({ id: message.id, result });
    }
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(message)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  }

  send(message: object) {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  /** The first message from index `from` on that matches, now or when it comes. */
  waitFor(match: (message: any) => boolean, from = 0): Promise<any> {
    const seen = this.received.slice(from).find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  request(method: string, params: object): Promise<any> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  updates(sessionId: string, from = 0): any[] {
    return this.received
      .slice(from)
      .filter((m) => m.method === 'session/update' && m.params.sessionId === sessionId)
      .map((m) => m.params.update);
  }

  close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

async function open(peer: Peer, cwd: string, fs = { readTextFile: false, writeTextFile: false }): Promise<{ init: any; sessionId: string }> {
  const init = await peer.request('initialize', { protocolVersion: 1, clientCapabilities: { fs, terminal: false }, clientInfo: { name: 'test', version: '0' } });
  const created = await peer.request('session/new', { cwd, mcpServers: [] });
  assert.equal(typeof created.result?.sessionId, 'string', JSON.stringify(created));
  return { init, sessionId: created.result.sessionId };
}

async function turn(peer: Peer, sessionId: string, text: string) {
  const from = peer.received.length;
  const response = await peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] });
  const updates = peer.updates(sessionId, from);
  const asked = peer.received.slice(from).filter((m) => m.method === 'session/request_permission');
  const said = updates
    .filter((u) => u.sessionUpdate === 'agent_message_chunk')
    .map((u) => u.content.text)
    .join('');
  return { response, updates, asked, said };
}

const choose = (kind: string) => (request: any) => ({ outcome: { outcome: 'selected', optionId: request.params.options.find((o: any) => o.kind === kind).optionId } });
const stateDir = () => mkdtempSync(join(tmpdir(), 'brains-fake-acp-'));
const logOf = (state: string) =>
  readFileSync(join(state, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

test('the fake refuses to run without --acp or --experimental-acp, like a CLI asked for its interactive mode', QUICK, () => {
  const bare = spawnSync(process.execPath, [FAKE_ACP], { encoding: 'utf8', input: '' });
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /--acp/);
  assert.equal(bare.stdout, '');
  const unknown = spawnSync(process.execPath, [FAKE_ACP, '--acp', '--bogus'], { encoding: 'utf8', input: '' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown argument: --bogus/);
  const version = spawnSync(process.execPath, [FAKE_ACP, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), '0.9.0');
  const experimental = spawnSync(process.execPath, [FAKE_ACP, '--experimental-acp', '--model', 'm-1'], {
    encoding: 'utf8',
    input: `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: 1 } })}\n`,
  });
  assert.equal(experimental.status, 0);
  assert.equal(JSON.parse(experimental.stdout).result._meta.fake_model, 'm-1');
});

test('initialize, session/new and a plain prompt: streamed chunks, a usage update, then end_turn; all logged', QUICK, async (t) => {
  const state = stateDir();
  const peer = new Peer(t, { FAKE_ACP_STATE: state });
  const { init, sessionId } = await open(peer, state);
  assert.equal(init.result.protocolVersion, 1);
  assert.equal(init.result.agentCapabilities.loadSession, true);
  assert.deepEqual(init.result.authMethods, []);
  assert.equal(typeof init.result._meta.fake_started_at_ms, 'number');

  const { response, updates, said } = await turn(peer, sessionId, 'hello there');
  assert.deepEqual(response.result.stopReason, 'end_turn');
  assert.equal(said, 'acp heard: hello there');
  assert.ok(updates.filter((u) => u.sessionUpdate === 'agent_message_chunk').length > 1, 'the answer comes in chunks');
  assert.ok(updates.some((u) => u.sessionUpdate === 'agent_thought_chunk'));
  const usage = updates.find((u) => u.sessionUpdate === 'usage_update');
  assert.ok(usage.used > 0 && usage.size > usage.used);

  const refused = await peer.request('session/prompt', { sessionId: 'nope', prompt: [{ type: 'text', text: 'x' }] });
  assert.equal(refused.error.code, -32002);
  const badServer = await peer.request('session/new', { cwd: state, mcpServers: [{ name: 'm', command: 'x', args: [], env: { A: '1' } }] });
  assert.equal(badServer.error.code, -32602, 'env is an array of {name, value}, not an object');

  assert.equal(await peer.close(), 0);
  const log = logOf(state);
  assert.deepEqual(log[0].argv, ['--acp']);
  assert.ok(log.some((r) => r.kind === 'stdin' && r.message.method === 'session/prompt'));
  assert.deepEqual(log.at(-1), { pid: peer.child.pid, kind: 'exit', code: 0 });
});

test('session/load from a new process replays the history before answering; an unknown id is refused', QUICK, async (t) => {
  const state = stateDir();
  const first = new Peer(t, { FAKE_ACP_STATE: state });
  const { sessionId } = await open(first, state);
  await turn(first, sessionId, 'remember me');
  assert.equal(await first.close(), 0);

  const second = new Peer(t, { FAKE_ACP_STATE: state });
  await second.request('initialize', { protocolVersion: 1, clientCapabilities: {} });
  const from = second.received.length;
  const loaded = await second.request('session/load', { sessionId, cwd: state, mcpServers: [] });
  assert.deepEqual(loaded.result, {});
  const replayed = second.updates(sessionId, from).filter((u) => u.sessionUpdate !== 'available_commands_update');
  assert.deepEqual(
    replayed.map((u) => [u.sessionUpdate, u.content.text]),
    [
      ['user_message_chunk', 'remember me'],
      ['agent_thought_chunk', replayed[1]?.content.text],
      ['agent_message_chunk', 'acp heard: remember me'],
    ],
  );
  const answerAt = second.received.indexOf(loaded);
  assert.ok(second.received.slice(from, answerAt).filter((m) => m.method === 'session/update').length >= 3, 'the replay comes before the answer');
  assert.equal((await turn(second, sessionId, 'again')).said, 'acp heard: again');

  const unknown = await second.request('session/load', { sessionId: 'no-such-session', cwd: state, mcpServers: [] });
  assert.equal(unknown.error.code, -32002);
  assert.equal(await second.close(), 0);

  const noLoad = new Peer(t, { FAKE_ACP_STATE: state, FAKE_ACP_NO_LOAD: '1' });
  const init = await noLoad.request('initialize', { protocolVersion: 1 });
  assert.equal(init.result.agentCapabilities.loadSession, false);
  assert.equal((await noLoad.request('session/load', { sessionId, cwd: state, mcpServers: [] })).error.code, -32601);
});

test('each permission option is honoured, and allow_always / reject_always stop the asking for that kind of tool in that session', QUICK, async (t) => {
  const dir = stateDir();
  const peer = new Peer(t);
  const { sessionId } = await open(peer, dir);

  peer.answer = choose('allow_once');
  const once = await turn(peer, sessionId, '[permission shell: echo ran-once; touch once.txt] go');
  assert.equal(once.asked.length, 1);
  const request = once.asked[0].params;
  assert.deepEqual(request.options.map((o: any) => o.kind).sort(), ['allow_always', 'allow_once', 'reject_always', 'reject_once']);
  assert.equal(request.toolCall.kind, 'execute');
  const call = once.updates.find((u) => u.sessionUpdate === 'tool_call');
  assert.equal(call.toolCallId, request.toolCall.toolCallId, 'the permission request names the reported tool call');
  assert.equal(call.status, 'pending');
  const done = once.updates.filter((u) => u.sessionUpdate === 'tool_call_update').at(-1);
  assert.equal(done.status, 'completed');
  assert.match(done.content[0].content.text, /ran-once/);
  assert.ok(existsSync(join(dir, 'once.txt')), 'run in the session cwd');
  assert.match(once.said, /^Permission allowed: ran .*ran-once.*acp heard: go$/);

  peer.answer = choose('reject_once');
  const rejected = await turn(peer, sessionId, '[permission shell: touch rejected.txt]');
  assert.equal(rejected.updates.filter((u) => u.sessionUpdate === 'tool_call_update').at(-1).status, 'failed');
  assert.ok(!existsSync(join(dir, 'rejected.txt')));
  assert.match(rejected.said, /^Permission denied/);

  peer.answer = () => ({ outcome: { outcome: 'cancelled' } });
  const cancelled = await turn(peer, sessionId, '[permission shell: touch cancelled.txt]');
  assert.equal(cancelled.response.result.stopReason, 'end_turn');
  assert.ok(!existsSync(join(dir, 'cancelled.txt')));

  peer.answer = choose('allow_always');
  assert.equal((await turn(peer, sessionId, '[permission shell: touch always1.txt]')).asked.length, 1);
  peer.answer = () => assert.fail('asked again after allow_always');
  const unasked = await turn(peer, sessionId, '[permission shell: touch always2.txt]');
  assert.equal(unasked.asked.length, 0);
  assert.ok(existsSync(join(dir, 'always2.txt')));

  peer.answer = choose('reject_always');
  const edit = await turn(peer, sessionId, '[edit notes.txt]');
  assert.equal(edit.asked.length, 1, 'allow_always for execute says nothing of edits');
  assert.equal(edit.asked[0].params.toolCall.kind, 'edit');
  assert.equal(edit.asked[0].params.toolCall.content[0].type, 'diff');
  peer.answer = () => assert.fail('asked again after reject_always');
  const refused = await turn(peer, sessionId, '[edit notes.txt]');
  assert.equal(refused.asked.length, 0);
  assert.match(refused.said, /^Permission denied/);
  assert.ok(!existsSync(join(dir, 'notes.txt')));

  const other = (await peer.request('session/new', { cwd: dir, mcpServers: [] })).result.sessionId;
  peer.answer = choose('allow_once');
  assert.equal((await turn(peer, other, '[permission shell: true]')).asked.length, 1, 'the choices were for that session only');
  const written = await turn(peer, other, '[edit notes.txt]');
  assert.equal(written.asked.length, 1);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'written by fake-acp\n');
  assert.equal(await peer.close(), 0);
});

test('an edit goes through fs/write_text_file when the client offers it', QUICK, async (t) => {
  const dir = stateDir();
  const peer = new Peer(t);
  const { sessionId } = await open(peer, dir, { readTextFile: true, writeTextFile: true });
  peer.answer = (request) => (request.method === 'fs/write_text_file' ? {} : choose('allow_once')(request));
  const from = peer.received.length;
  const { response } = await turn(peer, sessionId, '[edit sub/out.txt]');
  assert.equal(response.result.stopReason, 'end_turn');
  const write = peer.received.slice(from).find((m) => m.method === 'fs/write_text_file');
  assert.deepEqual(write.params, { sessionId, path: join(dir, 'sub/out.txt'), content: 'written by fake-acp\n' });
  assert.ok(!existsSync(join(dir, 'sub/out.txt')), 'the client writes it, not the agent');
});

test('session/cancel ends a hung turn and one waiting on a permission answer with stopReason cancelled', QUICK, async (t) => {
  const dir = stateDir();
  const peer = new Peer(t);
  const { sessionId } = await open(peer, dir);

  let from = peer.received.length;
  const hung = peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: '[hang]' }] });
  await peer.waitFor((m) => m.params?.update?.sessionUpdate === 'agent_thought_chunk', from);
  peer.send({ method: 'session/cancel', params: { sessionId } });
  assert.equal((await hung).result.stopReason, 'cancelled');

  from = peer.received.length;
  const waiting = peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: '[permission shell: touch late.txt]' }] });
  const asked = await peer.waitFor((m) => m.method === 'session/request_permission', from);
  peer.send({ method: 'session/cancel', params: { sessionId } });
  assert.equal((await waiting).result.stopReason, 'cancelled');
  peer.send({ id: asked.id, result: { outcome: { outcome: 'cancelled' } } });
  assert.equal((await turn(peer, sessionId, 'still here')).said, 'acp heard: still here');
  assert.ok(!existsSync(join(dir, 'late.txt')));

  peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: '[hang]' }] });
  assert.equal(await peer.close(), 0, 'closing stdin ends a hung turn and the process');
});

test('[crash] streams some text, then exits 1 without answering the prompt', QUICK, async (t) => {
  const state = stateDir();
  const peer = new Peer(t, { FAKE_ACP_STATE: state });
  const { sessionId } = await open(peer, state);
  const from = peer.received.length;
  void peer.request('session/prompt', { sessionId, prompt: [{ type: 'text', text: '[crash] going down' }] });
  assert.equal(await peer.exited, 1);
  assert.ok(peer.updates(sessionId, from).some((u) => u.sessionUpdate === 'agent_message_chunk'));
  assert.ok(!peer.received.slice(from).some((m) => m.id !== undefined && m.method === undefined), 'no answer to the prompt');
  assert.equal(logOf(state).at(-1).code, 1);
});

test('[transient] fails the prompt with a JSON-RPC error only the first time for a state dir', QUICK, async (t) => {
  const state = stateDir();
  const peer = new Peer(t, { FAKE_ACP_STATE: state });
  const { sessionId } = await open(peer, state);
  const failed = await turn(peer, sessionId, '[transient] try');
  assert.equal(failed.response.error.code, 503);
  assert.match(failed.response.error.message, /overloaded/);
  assert.equal((await turn(peer, sessionId, '[transient] try')).said, 'acp heard: try');
});
