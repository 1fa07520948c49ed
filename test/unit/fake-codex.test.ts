// Why this exists: the fake codex stands in for the real CLI in driver tests, so it must speak the real app-server and exec shapes,
// remember threads across processes, honour every approval decision and fail the ways the real CLI fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FAKE_CODEX = fileURLToPath(new URL('../../../test/fixtures/fake-codex.mjs', import.meta.url));
const WAIT_MS = 5_000;

type Message = { id?: number | string; method?: string; params?: any; result?: any; error?: { code: number; message: string } };
type Decision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'brains-fake-codex-'));
}

// A bare app-server client: sends requests, answers approval requests with the decisions it is given, keeps every message it saw.
class AppServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly seen: Message[] = [];
  readonly approvals: Message[] = [];
  decisions: Decision[] = [];
  stderr = '';
  private nextId = 1;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(state: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [FAKE_CODEX, 'app-server'], { cwd: state, env: { ...process.env, FAKE_CODEX_STATE: state, ...env } });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(JSON.parse(line) as Message));
  }

  private onLine(message: Message): void {
    assert.equal((message as any).jsonrpc, undefined, 'messages omit the jsonrpc field');
    this.seen.push(message);
    if (message.method?.endsWith('/requestApproval') && message.id !== undefined) {
      this.approvals.push(message);
      const decision = this.decisions.shift();
      if (decision) this.write({ id: message.id, result: { decision } });
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  write(message: Message): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  waitFor(match: (m: Message) => boolean, what: string): Promise<Message> {
    const already = this.seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr}`)), WAIT_MS);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async request(method: string, params: unknown): Promise<Message> {
    const id = this.nextId++;
    this.write({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined, `the answer to ${method}`);
  }

  async init(): Promise<Message> {
    const answer = await this.request('initialize', { clientInfo: { name: 'brains_test', title: null, version: '0.1.0' } });
    this.write({ method: 'initialized' });
    return answer;
  }

  async startThread(params: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.request('thread/start', params);
    return answer.result.thread.id;
  }

  // Starts a turn and resolves with its turn/completed and every notification of that turn.
  async turn(threadId: string, text: string): Promise<{ completed: Message; events: Message[]; turnId: string }> {
    const answer = await this.request('turn/start', { threadId, input: [{ type: 'text', text }] });
    assert.equal(answer.result.turn.status, 'inProgress');
    const turnId = answer.result.turn.id;
    const completed = await this.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turnId, `turn/completed of ${text}`);
    const events = this.seen.filter((m) => m.params?.turnId === turnId || m.params?.turn?.id === turnId);
    return { completed, events, turnId };
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

const completedItems = (events: Message[], type: string) => events.filter((m) => m.method === 'item/completed' && m.params.item.type === type).map((m) => m.params.item);
const agentText = (events: Message[]) => completedItems(events, 'agentMessage').at(-1)?.text as string;

function execRun(args: string[], input: string, state: string) {
  const result = spawnSync(process.execPath, [FAKE_CODEX, ...args], { input, cwd: state, encoding: 'utf8', env: { ...process.env, FAKE_CODEX_STATE: state }, timeout: WAIT_MS });
  const lines = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { status: result.status, stderr: result.stderr, lines };
}

test('app-server: a plain turn streams deltas, items, token usage and turn/completed in the real shapes', async () => {
  const state = stateDir();
  const server = new AppServer(state);
  const init = await server.init();
  assert.match(init.result.userAgent, /^brains_test\//);
  assert.equal(typeof init.result.fake_started_at_ms, 'number');
  const before = await server.request('turn/start', { threadId: 'nope', input: [{ type: 'text', text: 'x' }] });
  assert.match(before.error!.message, /thread not found/);
  const threadId = await server.startThread({ cwd: state, approvalPolicy: 'on-request', sandbox: 'workspace-write' });
  await server.waitFor((m) => m.method === 'thread/started' && m.params.thread.id === threadId, 'thread/started');
  const { completed, events, turnId } = await server.turn(threadId, 'hello there');
  assert.equal(completed.params.threadId, threadId);
  assert.equal(completed.params.turn.status, 'completed');
  assert.equal(events.find((m) => m.method === 'turn/started')?.params.turn.status, 'inProgress');
  const deltas = events.filter((m) => m.method === 'item/agentMessage/delta');
  assert.ok(deltas.length > 1);
  assert.deepEqual(Object.keys(deltas[0]!.params).sort(), ['delta', 'itemId', 'threadId', 'turnId']);
  assert.equal(deltas.map((m) => m.params.delta).join(''), 'codex heard: hello there');
  assert.equal(agentText(events), 'codex heard: hello there');
  const usage = events.find((m) => m.method === 'thread/tokenUsage/updated')!.params;
  assert.equal(usage.turnId, turnId);
  assert.equal(typeof usage.tokenUsage.total.inputTokens, 'number');
  assert.equal(typeof usage.tokenUsage.last.outputTokens, 'number');
  const bad = await server.request('thread/start', { approvalPolicy: 'onRequest' });
  assert.equal(bad.error?.code, -32600);
  assert.equal(await server.close(), 0);
});

test('app-server: a thread started in one process resumes in a new one; an unknown id is a JSON-RPC error', async () => {
  const state = stateDir();
  const first = new AppServer(state);
  await first.init();
  const threadId = await first.startThread({ cwd: state });
  await first.turn(threadId, 'remember me');
  await first.close();

  const second = new AppServer(state);
  const early = await second.request('thread/resume', { threadId });
  assert.equal(early.error?.message, 'Not initialized');
  await second.init();
  const unknown = await second.request('thread/resume', { threadId: '01990000-0000-7000-8000-000000000000' });
  assert.equal(unknown.error?.code, -32600);
  assert.match(unknown.error!.message, /no rollout found for thread id/);
  const resumed = await second.request('thread/resume', { threadId });
  assert.equal(resumed.result.thread.id, threadId);
  assert.equal(resumed.result.thread.turns.length, 1);
  const { completed, events } = await second.turn(threadId, 'again');
  assert.equal(completed.params.turn.status, 'completed');
  assert.equal(agentText(events), 'codex heard: again');
  await second.close();
});

test('app-server: each approval decision; acceptForSession is not asked again in the thread; cancel interrupts', async () => {
  const state = stateDir();
  const server = new AppServer(state);
  await server.init();
  const threadId = await server.startThread({ cwd: state });

  server.decisions = ['accept'];
  let turn = await server.turn(threadId, 'run it [permission shell: echo one]');
  assert.equal(server.approvals.length, 1);
  const asked = server.approvals[0]!.params;
  assert.equal(asked.threadId, threadId);
  assert.equal(asked.turnId, turn.turnId);
  assert.equal(asked.command, 'echo one');
  assert.equal(asked.cwd, state);
  assert.ok(server.seen.some((m) => m.method === 'serverRequest/resolved' && m.params.requestId === server.approvals[0]!.id));
  let [command] = completedItems(turn.events, 'commandExecution');
  assert.equal(command.status, 'completed');
  assert.equal(command.aggregatedOutput, 'one\n');
  assert.equal(command.exitCode, 0);
  assert.match(agentText(turn.events), /one/);

  server.decisions = ['decline'];
  turn = await server.turn(threadId, '[permission shell: echo two]');
  [command] = completedItems(turn.events, 'commandExecution');
  assert.equal(command.status, 'declined');
  assert.equal(command.exitCode, null);
  assert.match(agentText(turn.events), /declined/);
  assert.equal(turn.completed.params.turn.status, 'completed');

  server.decisions = ['acceptForSession'];
  turn = await server.turn(threadId, '[permission shell: echo three]');
  assert.equal(server.approvals.length, 3);
  turn = await server.turn(threadId, '[permission shell: echo four]');
  assert.equal(server.approvals.length, 3, 'acceptForSession covers later commands in the thread');
  assert.equal(completedItems(turn.events, 'commandExecution')[0].aggregatedOutput, 'four\n');

  server.decisions = ['accept'];
  turn = await server.turn(threadId, '[edit notes/a.txt]');
  assert.equal(server.approvals.at(-1)!.method, 'item/fileChange/requestApproval');
  assert.equal(completedItems(turn.events, 'fileChange')[0].status, 'completed');
  assert.match(readFileSync(join(state, 'notes/a.txt'), 'utf8'), /fake codex edit/);
  assert.match(turn.events.find((m) => m.method === 'turn/diff/updated')!.params.diff, /\+\+\+ b\/notes\/a\.txt/);

  server.decisions = ['decline'];
  turn = await server.turn(threadId, '[edit b.txt]');
  assert.equal(completedItems(turn.events, 'fileChange')[0].status, 'declined');
  assert.equal(existsSync(join(state, 'b.txt')), false);

  const other = await server.startThread({ cwd: state });
  server.decisions = ['cancel'];
  turn = await server.turn(other, '[permission shell: echo five]');
  assert.equal(completedItems(turn.events, 'commandExecution')[0].status, 'declined');
  assert.equal(turn.completed.params.turn.status, 'interrupted');
  await server.close();
});

test('app-server: turn/interrupt ends a hanging turn as interrupted; [crash] exits 1 mid-turn', async () => {
  const state = stateDir();
  const server = new AppServer(state);
  await server.init();
  const threadId = await server.startThread({ cwd: state });
  const started = await server.request('turn/start', { threadId, input: [{ type: 'text', text: '[hang]' }] });
  const turnId = started.result.turn.id;
  await server.waitFor((m) => m.method === 'turn/started' && m.params.turn.id === turnId, 'turn/started');
  const interrupted = await server.request('turn/interrupt', { threadId, turnId });
  assert.deepEqual(interrupted.result, {});
  const completed = await server.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turnId, 'turn/completed');
  assert.equal(completed.params.turn.status, 'interrupted');

  await server.request('turn/start', { threadId, input: [{ type: 'text', text: 'going down [crash]' }] });
  assert.equal(await server.exited, 1);
  assert.ok(server.seen.some((m) => m.method === 'item/agentMessage/delta'));
  assert.equal(server.seen.filter((m) => m.method === 'turn/completed').length, 1);
  const log = readFileSync(join(state, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(log[0].argv, ['app-server']);
  assert.ok(log.some((entry) => entry.kind === 'stdin' && entry.message?.method === 'turn/interrupt'));
  assert.deepEqual(log.at(-1), { pid: log[0].pid, kind: 'exit', code: 1 });
});

test('exec --json: the JSONL sequence, resume by id, a transient failure once, and the version and fallback errors', () => {
  const state = stateDir();
  const run = execRun(['exec', '--json', '--skip-git-repo-check', '-'], 'hello exec\n', state);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    run.lines.map((l) => `${l.type}${l.item ? `:${l.item.type}` : ''}`),
    ['thread.started', 'turn.started', 'item.completed:reasoning', 'item.completed:agent_message', 'turn.completed'],
  );
  const threadId = run.lines[0].thread_id;
  assert.equal(typeof run.lines[0].fake_started_at_ms, 'number');
  assert.equal(run.lines[3].item.text, 'codex heard: hello exec');
  assert.deepEqual(Object.keys(run.lines[4].usage).sort(), ['cached_input_tokens', 'input_tokens', 'output_tokens']);

  const resumed = execRun(['exec', '--json', '--skip-git-repo-check', 'resume', threadId, '-'], 'and again', state);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(resumed.lines[0].thread_id, threadId);
  const unknown = execRun(['exec', '--json', '--skip-git-repo-check', 'resume', '01990000-0000-7000-8000-000000000000', '-'], 'x', state);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no rollout found/);

  const command = execRun(['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', '-'], '[permission shell: echo ran]', state);
  const commandItem = command.lines.find((l) => l.type === 'item.completed' && l.item.type === 'command_execution').item;
  assert.deepEqual([commandItem.status, commandItem.exit_code, commandItem.aggregated_output], ['completed', 0, 'ran\n']);

  const failed = execRun(['exec', '--json', '--skip-git-repo-check', '-'], 'busy [transient]', state);
  assert.equal(failed.status, 1);
  assert.deepEqual(failed.lines.slice(-2).map((l) => l.type), ['error', 'turn.failed']);
  assert.equal(typeof failed.lines.at(-1).error.message, 'string');
  assert.equal(execRun(['exec', '--json', '--skip-git-repo-check', '-'], 'busy [transient]', state).status, 0);

  const crashed = execRun(['exec', '--json', '--skip-git-repo-check', '-'], '[crash]', state);
  assert.equal(crashed.status, 1);
  assert.equal(crashed.lines.some((l) => l.type === 'turn.completed'), false);

  const bogus = execRun(['exec', '--json', '--bogus', '-'], '', state);
  assert.equal(bogus.status, 2);
  assert.match(bogus.stderr, /unexpected argument '--bogus'/);

  const version = spawnSync(process.execPath, [FAKE_CODEX, '--version'], { encoding: 'utf8' });
  assert.match(version.stdout, /^codex-cli \d+\.\d+\.\d+\n$/);
  const old = spawnSync(process.execPath, [FAKE_CODEX, 'app-server'], { encoding: 'utf8', env: { ...process.env, FAKE_CODEX_NO_APP_SERVER: '1' } });
  assert.equal(old.status, 2);
  assert.match(old.stderr, /unrecognized subcommand 'app-server'/);

  const log = readFileSync(join(state, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(log.some((entry) => entry.kind === 'stdin' && entry.raw === 'hello exec'));
  assert.ok(log.some((entry) => entry.kind === 'exit' && entry.code === 0));
});
