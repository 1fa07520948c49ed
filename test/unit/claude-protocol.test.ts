// Why this exists: the claude driver is only as right as its reading of Claude Code's stream-json lines and the lines it writes back; recorded lines pin both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AgentSpec, DriverEvent } from '../../daemon/agents/driver.js';
import {
  claudeArgs,
  encodeControlError,
  encodeInitialize,
  encodeInterrupt,
  encodePermissionAnswer,
  encodeUserTurn,
  isTransientResult,
  parseClaudeLine,
  type ParsedLine,
} from '../../daemon/agents/drivers/claude-protocol.js';
import { summarizeToolInput, summarizeToolResult } from '../../daemon/agents/drivers/tool-summary.js';

const CWD = '/home/dev/project';

function recorded(name: string): ParsedLine[] {
  const text = readFileSync(new URL(`../../../test/fixtures/claude-stream/${name}.jsonl`, import.meta.url), 'utf8');
  return text.replace(/\n$/, '').split('\n').map((line) => parseClaudeLine(line, CWD));
}

const eventsOf = (lines: ParsedLine[]): DriverEvent[] => lines.flatMap((line) => line.events);

const spec = (over: Partial<AgentSpec> = {}): AgentSpec => ({
  agentName: 'ada',
  workingDirectory: CWD,
  model: null,
  systemPrompt: null,
  addDirs: [],
  env: {},
  nativeSessionId: null,
  mcpConfigPath: null,
  command: null,
  maxOutputBytes: 1_000_000,
  ...over,
});

test('the command line is one long-lived stream-json process that asks permission over stdio', () => {
  assert.deepEqual(claudeArgs(spec()), [
    '-p',
    '--input-format',
    'stream-json',
    '--output-format',
    'stream-json',
    '--verbose',
    '--include-partial-messages',
    '--permission-prompt-tool',
    'stdio',
  ]);
});

test('resume, model, system prompt, MCP config and extra dirs bind their values with =, so a leading dash stays a value', () => {
  const args = claudeArgs(
    spec({ nativeSessionId: 'abc-123', model: '-opus', systemPrompt: 'You are ada.\nBe brief.', mcpConfigPath: '/home/me/.brains/agents/ada/mcp.json', addDirs: ['/a', '/b c'] }),
  );
  assert.deepEqual(args.slice(9), [
    '--resume=abc-123',
    '--model=-opus',
    '--append-system-prompt=You are ada.\nBe brief.',
    '--mcp-config=/home/me/.brains/agents/ada/mcp.json',
    '--add-dir=/a',
    '--add-dir=/b c',
  ]);
  assert.ok(!args.some((arg) => arg === '--continue'));
});

test('the lines written to stdin have the shapes the SDKs write', () => {
  assert.deepEqual(JSON.parse(encodeUserTurn('fix "it"\nnow')), {
    type: 'user',
    message: { role: 'user', content: 'fix "it"\nnow' },
    session_id: '',
    parent_tool_use_id: null,
  });
  assert.deepEqual(JSON.parse(encodeInitialize('req_1_ab')), { type: 'control_request', request_id: 'req_1_ab', request: { subtype: 'initialize', hooks: null } });
  assert.deepEqual(JSON.parse(encodeInterrupt('req_2_cd')), { type: 'control_request', request_id: 'req_2_cd', request: { subtype: 'interrupt' } });
  assert.deepEqual(JSON.parse(encodePermissionAnswer('p1', { behavior: 'allow', updatedInput: { command: 'ls' } })), {
    type: 'control_response',
    response: { subtype: 'success', request_id: 'p1', response: { behavior: 'allow', updatedInput: { command: 'ls' } } },
  });
  assert.deepEqual(JSON.parse(encodePermissionAnswer('p2', { behavior: 'deny', message: 'not on main' })), {
    type: 'control_response',
    response: { subtype: 'success', request_id: 'p2', response: { behavior: 'deny', message: 'not on main' } },
  });
  assert.deepEqual(JSON.parse(encodeControlError('h1', 'no hooks here')), { type: 'control_response', response: { subtype: 'error', request_id: 'h1', error: 'no hooks here' } });
  for (const line of [encodeUserTurn('a\nb'), encodeInterrupt('x'), encodePermissionAnswer('y', { behavior: 'deny', message: 'm\nn' })]) assert.ok(!line.includes('\n'));
});

test('a text turn: the session from init, text from the deltas only, then one result with usage and cost', () => {
  const lines = recorded('text-turn');
  assert.deepEqual(eventsOf(lines), [
    { type: 'session', nativeSessionId: '0b6a3c52-7f1e-4a8e-9d35-6c1f2e8b4d10' },
    { type: 'text', delta: 'The tests' },
    { type: 'text', delta: ' pass on' },
    { type: 'text', delta: ' main.' },
    { type: 'session', nativeSessionId: '0b6a3c52-7f1e-4a8e-9d35-6c1f2e8b4d10' },
  ]);
  const results = lines.flatMap((line) => (line.result ? [line.result] : []));
  assert.deepEqual(results, [
    {
      subtype: 'success',
      isError: false,
      text: 'The tests pass on main.',
      sessionId: '0b6a3c52-7f1e-4a8e-9d35-6c1f2e8b4d10',
      apiErrorStatus: null,
      usage: { input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 13867, cache_creation_input_tokens: 1042 },
      costUsd: 0.0094551,
    },
  ]);
});

test('tool uses come from assistant messages with their whole input, results from user messages; a sub-agent streams no text', () => {
  assert.deepEqual(eventsOf(recorded('tool-turn')), [
    { type: 'tool_use', toolUseId: 'toolu_01Bash9hQ2mV7sX4cN8kL3pR', name: 'Bash', summary: "npm test -- --grep 'driver'" },
    { type: 'tool_result', toolUseId: 'toolu_01Bash9hQ2mV7sX4cN8kL3pR', summary: '> brains@0.1.0 test ⏎ > node scripts/test.mjs ⏎ # pass 12 ⏎ # fail 0', isError: false },
    { type: 'tool_use', toolUseId: 'toolu_01Edit4mT8qW2vR6nK9pL5jY', name: 'Edit', summary: 'edit src/x.ts (-3 +5 lines)' },
    {
      type: 'tool_result',
      toolUseId: 'toolu_01Edit4mT8qW2vR6nK9pL5jY',
      summary: '<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>',
      isError: true,
    },
    { type: 'tool_use', toolUseId: 'toolu_01Read5nV9', name: 'Read', summary: 'read /etc/hosts' },
  ]);
});

test('can_use_tool becomes a permission event; a withdrawn request and a hook callback are told apart', () => {
  const [bash, write, cancel, hook] = recorded('permission');
  assert.deepEqual(bash!.events, [
    {
      type: 'permission',
      requestId: '6f1c2b3a-9d8e-4f7a-b6c5-d4e3f2a1b0c9',
      toolName: 'Bash',
      input: { command: 'rm -rf build && npm run build', description: 'Clean and rebuild' },
      toolUseId: 'toolu_01Perm3kW8nQ5vR2mL7jX4hT',
      summary: 'rm -rf build && npm run build',
    },
  ]);
  assert.deepEqual(write!.events, [
    {
      type: 'permission',
      requestId: '7a2d3c4b-0e9f-4a8b-c7d6-e5f4a3b2c1d0',
      toolName: 'Write',
      input: { file_path: '/home/dev/project/notes/todo.md', content: 'one\ntwo\nthree\n' },
      toolUseId: null,
      summary: 'write notes/todo.md (3 lines)',
    },
  ]);
  assert.deepEqual(cancel, { events: [], cancelledRequestId: '6f1c2b3a-9d8e-4f7a-b6c5-d4e3f2a1b0c9' });
  assert.deepEqual(hook, { events: [], unservedRequest: { requestId: 'hook-1', subtype: 'hook_callback' } });
});

test('is_error fails a result even when its subtype says success; an overload is transient, a bad key and max turns are not', () => {
  const [synthetic, overloaded, badKey, maxTurns] = recorded('api-error');
  assert.deepEqual(synthetic!.events, []);
  assert.equal(overloaded!.result!.isError, true);
  assert.match(overloaded!.result!.text, /^API Error: 529 /);
  assert.deepEqual(overloaded!.events, []);
  assert.equal(isTransientResult(overloaded!.result!), true);
  assert.equal(badKey!.result!.text, 'Invalid API key · Please run /login');
  assert.equal(isTransientResult(badKey!.result!), false);
  assert.deepEqual([maxTurns!.result!.isError, maxTurns!.result!.text, isTransientResult(maxTurns!.result!)], [true, 'error_max_turns', false]);
});

test('transient means overloaded, rate-limited or a 5xx, by status or by the words of the error', () => {
  const result = (text: string, apiErrorStatus: number | null = null) => ({ subtype: 'success', isError: true, text, sessionId: null, apiErrorStatus });
  assert.equal(isTransientResult(result("You've hit your session limit", 429)), true);
  assert.equal(isTransientResult(result('API Error: 500 {"type":"error","error":{"type":"api_error"}}')), true);
  assert.equal(isTransientResult(result('API Error (529 overloaded) · Retrying')), true);
  assert.equal(isTransientResult(result('Rate limit reached')), true);
  assert.equal(isTransientResult(result('Claude Fable is not available on your plan.', 403)), false);
  assert.equal(isTransientResult(result('error_during_execution')), false);
});

test('an interrupt is answered by a control_response and ends the turn with a result that has no result text', () => {
  const [ack, notice, result, refused] = recorded('interrupted');
  assert.deepEqual(ack, { events: [], controlResponse: { requestId: 'req_2_9f3a1c0b', ok: true } });
  assert.deepEqual(notice!.events, []);
  assert.deepEqual([result!.result!.subtype, result!.result!.isError, result!.result!.text], ['error_during_execution', true, 'error_during_execution']);
  assert.deepEqual(result!.events, []);
  assert.deepEqual(refused!.controlResponse, { requestId: 'req_3_00aa11bb', ok: false, error: 'Unsupported control request subtype: rewind_files' });
});

test('a resume that finds no conversation fails with its errors and never offers its new session id to be stored', () => {
  const [miss] = recorded('resume-miss');
  assert.deepEqual(miss!.events, []);
  assert.equal(miss!.result!.text, 'No conversation found with session ID: 1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
});

test('noise never throws: non-JSON lines are reported, unknown and malformed messages mean nothing', () => {
  const lines = recorded('noise');
  assert.match(lines[0]!.error!, /^not JSON: \[SandboxDebug\]/);
  assert.deepEqual(lines[1], { events: [] });
  assert.match(lines[5]!.error!, /^not JSON/);
  assert.match(lines[6]!.error!, /^not a JSON object/);
  assert.match(lines[7]!.error!, /^not a JSON object/);
  for (const line of [lines[2], lines[3], lines[4], ...lines.slice(8)]) assert.deepEqual(line, { events: [] });
  for (const garbage of ['{', '}', 'null', '{"type":"result","usage":5,"errors":"x"}', '{"type":"control_response"}', '\u0000', '{"type":"system","subtype":"init","session_id":7}']) {
    assert.doesNotThrow(() => parseClaudeLine(garbage));
  }
});

test('tool summaries: a command, a path relative to the working directory, line counts, and clipped, escaped JSON for the rest', () => {
  assert.equal(summarizeToolInput('Bash', { command: 'git status\ngit diff' }), 'git status ⏎ git diff');
  assert.equal(summarizeToolInput('Read', { file_path: '/home/dev/project/src/a.ts' }, CWD), 'read src/a.ts');
  assert.equal(summarizeToolInput('Read', { file_path: '/home/dev/projectile/a.ts' }, CWD), 'read /home/dev/projectile/a.ts');
  const edits = [
    { old_string: 'a\nb', new_string: 'c' },
    { old_string: 'd', new_string: 'e\nf\ng\n' },
  ];
  assert.equal(summarizeToolInput('MultiEdit', { file_path: '/x/y.ts', edits }), 'edit /x/y.ts (2 edits, -3 +4 lines)');
  assert.equal(summarizeToolInput('Write', { file_path: 'z.md', content: '' }), 'write z.md (0 lines)');
  assert.equal(summarizeToolInput('Grep', { pattern: 'TODO', path: 'src' }), 'pattern: TODO');
  assert.equal(summarizeToolInput('mcp__brains__send', { to: 'bob', text: 'hi\u202Eevil\u0007' }), '{"to":"bob","text":"hi\\u202Eevil\\u0007"}');
  const long = summarizeToolInput('mcp__x__y', { blob: '😀'.repeat(400) });
  assert.equal([...long].length, 200);
  assert.ok(long.endsWith('…'));
  assert.equal(summarizeToolResult([{ type: 'text', text: 'one' }, { type: 'image', source: {} }]), 'one [image]');
  assert.equal(summarizeToolResult(undefined), '');
});
