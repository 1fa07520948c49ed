// What the CLI prints for a person: colour only where it belongs, agents' text made safe, event lines, the tmux line,
// and what system.info says of the MCP HTTP endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, colourFor, columns, oneLine } from '../../bin/commands/human.js';
import { eventLine, startLine } from '../../bin/commands/event-lines.js';
import { tmuxLine } from '../../bin/commands/tmux-status.js';
import { mcpHttpStatus } from '../../daemon/mcp/http-status.js';
import type { SubscribedEvent } from '../../rpc/client.js';

const plain = colourFor({ isTTY: false } as NodeJS.WriteStream, {});
const TIME = '2030-01-02T03:04:05.000Z';

test('colour only on a terminal, and never with NO_COLOR set or TERM=dumb', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  assert.equal(colourFor(tty, {})('red', 'x'), '\u001b[31mx\u001b[39m');
  assert.equal(colourFor(tty, { NO_COLOR: '' })('red', 'x'), '\u001b[31mx\u001b[39m', 'an empty NO_COLOR does not count (no-color.org)');
  assert.equal(colourFor(tty, { NO_COLOR: '1' })('red', 'x'), 'x');
  assert.equal(colourFor(tty, { TERM: 'dumb' })('red', 'x'), 'x');
  assert.equal(plain('red', 'x'), 'x');
});

test("oneLine makes someone else's text one printable line, cut by characters", () => {
  assert.equal(oneLine('a\nb\r\nc\td'), 'a b c d');
  assert.equal(oneLine('\u001b[2J\u001b]0;t\u0007x'), '\\u001B[2J\\u001B]0;t\\u0007x', 'escapes show, escaped: they move and recolour nothing');
  assert.equal(oneLine('left\u202eright\u2066x\u2028y'), 'left\\u202Eright\\u2066x y', 'bidi overrides show escaped, line separators become spaces');
  assert.equal(oneLine('\u0085next\u0000'), '\\u0085next\\u0000', 'C1 controls and NUL show escaped');
  assert.equal(oneLine('zero\u200bwidth\ufeff\u2060'), 'zero\\u200Bwidth\\uFEFF\\u2060', 'zero-width characters show escaped');
  assert.equal(oneLine('abcdef', 4), 'abc…');
  assert.equal(oneLine('😀😀😀', 2), '😀…', 'never splits a character');
  assert.equal(oneLine('abc', 3), 'abc');
});

test('age and columns', () => {
  const now = Date.parse(TIME);
  assert.deepEqual(
    [5, 150, 7200, 3 * 86400].map((s) => age(new Date(now - s * 1000).toISOString(), now)),
    ['5s', '2m', '2h', '3d'],
  );
  assert.equal(age('not a time', now), '?');
  assert.deepEqual(columns([['a', 'long', '1', 'x'], ['bbb', 's', '22', 'y']], [2]), ['a    long   1  x', 'bbb  s     22  y']);
});

const event = (type: string, subject: string | null, data: unknown) => ({ seq: 7, time: TIME, type, subject, data }) as SubscribedEvent;
const summaryOf = (line: string) => /^\S+ {2}\S+\s+(\S+)\s+(\S.*)$/.exec(line)!.slice(1);

test('an event line names who did it and what happened, from the data', () => {
  const line = eventLine(event('message.sent', 'api', { message_id: 'm', from_agent: 'backend', to_agent: null, broadcast: true, reply_expected: false, reply_to: null, recipient_count: 2, recipients: [], preview: 'hi all' }), plain);
  assert.match(line, /^\d\d:\d\d:\d\d {2}message\.sent {8}backend {7}api: → everyone "hi all"$/);
  const hidden = eventLine(event('message.sent', 'api', { from_agent: 'a', to_agent: 'b', broadcast: false, reply_expected: true, preview: null }), plain);
  assert.deepEqual(summaryOf(hidden), ['a', 'api: → b ↩ (not yours to read)']);
  const lock = eventLine(event('lock.released', 'src/**', { holder_label: 'backend@api', mode: 'exclusive', reason: 'released', detail: 'by its holder' }), plain);
  assert.deepEqual(summaryOf(lock), ['backend@api', 'src/** released by its holder'], 'a lease from before holder texts');
  const scoped = eventLine(
    event('lock.acquired', 'src/x.ts', { holder_label: 'alice@shop', holder_text: 'alice in shop (claude-code, ~/work/shop)', root: '~/work/shop', scope: 'repo:abc', mode: 'exclusive', expires_at: TIME, waited_ms: 0 }),
    plain,
  );
  assert.match(summaryOf(scoped)[1]!, /^src\/x\.ts in ~\/work\/shop \(exclusive\) held by alice in shop \(claude-code, ~\/work\/shop\) until \d\d:\d\d:\d\d$/);
  const ended = eventLine(event('lock.expired', 'src/x.ts', { holder_label: 'alice@shop', holder_text: 'alice in shop (claude-code, ~/work/shop)', root: '~/work/shop', mode: 'exclusive', reason: 'expired', detail: 'its lease ran out' }), plain);
  assert.deepEqual(summaryOf(ended), ['alice@shop', 'src/x.ts in ~/work/shop expired, was held by alice in shop (claude-code, ~/work/shop): its lease ran out']);
  // What the daemon sends (daemon/planes/locks): each reason with its detail, said once.
  const alice = { holder_label: 'alice@shop', holder_text: 'alice in shop (claude-code, ~/work/shop)', root: '~/work/shop', mode: 'exclusive' };
  const ending = (type: string, reason: string, detail: string) => summaryOf(eventLine(event(type, 'src/**', { ...alice, reason, detail }), plain))[1];
  assert.equal(ending('lock.released', 'released', 'released by its holder'), 'src/** in ~/work/shop released by alice in shop (claude-code, ~/work/shop)');
  assert.equal(ending('lock.expired', 'expired', 'expired: its ttl passed without a renew'), 'src/** in ~/work/shop expired, was held by alice in shop (claude-code, ~/work/shop): its ttl passed without a renew');
  assert.equal(
    ending('lock.released', 'holder_gone', 'holder gone: session 0f3a ended (the demo was stopped)'),
    'src/** in ~/work/shop released, was held by alice in shop (claude-code, ~/work/shop): session 0f3a ended (the demo was stopped)',
  );
  assert.equal(ending('lock.released', 'member_left', 'member left: alice left shop'), 'src/** in ~/work/shop released, was held by alice in shop (claude-code, ~/work/shop): alice left shop');
  for (const line of [ending('lock.released', 'released', 'released by its holder'), ending('lock.expired', 'expired', 'expired: its ttl passed without a renew')]) {
    assert.doesNotMatch(line!, /(released|expired).*\1/, `one "released" or "expired" per line: ${line}`);
  }
  const decided = eventLine(event('approval.decided', 'api', { approval_id: 'approval-3', title: 'Which db?', status: 'decided', decision: 'postgres', decided_by: 'operator', comment: null }), plain);
  assert.deepEqual(summaryOf(decided), ['operator', 'api: approval-3 "Which db?" decided: postgres']);
  const released = eventLine(event('task.released', 'api', { task_id: 'task-2', agent_name: null, released_by: null, reason: 'its session ended' }), plain);
  assert.deepEqual(summaryOf(released), ['-', 'api: task-2 back in the queue (its session ended)']);
});

test("a managed agent's turn reads as a story: queued, started, a tool, finished with its cost; its state", () => {
  const line = (type: string, data: Record<string, unknown>) => summaryOf(eventLine(event(type, 'ada', { agent_name: 'ada', project_id: 'agents', ...data }), plain));
  assert.deepEqual(line('agent.turn_queued', { turn_id: 'turn-2', user_turn_id: 'turn-1', text: 'fix the build', source: 'operator', from_agent: null }), ['ada', 'turn-2 queued: "fix the build"']);
  assert.deepEqual(line('agent.turn_started', { turn_id: 'turn-2', attempt: 2 }), ['ada', 'turn-2 started (attempt 2)']);
  assert.deepEqual(line('agent.tool_use', { turn_id: 'turn-2', tool_use_id: 't', name: 'Bash', summary: 'npm test', result: 'ok', is_error: false }), ['ada', 'turn-2: Bash npm test → ok']);
  assert.deepEqual(line('agent.turn_finished', { turn_id: 'turn-2', status: 'done', text: 'fixed', error: null, usage: null, cost_usd: 0.0123 }), ['ada', 'turn-2 done, $0.0123: "fixed"']);
  assert.deepEqual(line('agent.turn_finished', { turn_id: 'turn-3', status: 'timed_out', text: '', error: 'the turn ran past 900 s', usage: null, cost_usd: null }), ['ada', 'turn-3 timed_out: the turn ran past 900 s']);
  assert.deepEqual(line('agent.state_changed', { state: 'needs_permission', detail: 'approval-4 Bash: rm -rf build' }), ['ada', 'needs_permission: approval-4 Bash: rm -rf build']);
});

test('user events and types this CLI does not know fall back to subject and data; hostile text stays on one line', () => {
  assert.deepEqual(summaryOf(eventLine(event('user.deploy', 'api', { sha: 'abc' }), plain)), ['-', 'api: {"sha":"abc"}']);
  assert.deepEqual(summaryOf(eventLine(event('user.note', null, 'plain text'), plain)), ['-', 'plain text']);
  assert.deepEqual(summaryOf(eventLine(event('agent.future_thing', 'x', { n: 1 }), plain)), ['-', 'x: {"n":1}']);
  const hostile = eventLine(event('project.joined', 'p\u001b[2J', { agent_name: 'evil\nname\u001b[31m', role: 'contributor', rejoined: false }), plain);
  assert.ok(!hostile.includes('\u001b') && !hostile.includes('\n'), JSON.stringify(hostile));
  const long = eventLine(event('user.big', null, 'x'.repeat(5000)), plain, 80);
  assert.ok([...long].length <= 80, `cut to the width: ${[...long].length}`);
});

test('coloured event lines keep their text', () => {
  const coloured = eventLine(event('message.dead', 'api', { message_id: 'm', from_agent: 'a', recipient: 'b', attempts: 5 }), colourFor({ isTTY: true } as NodeJS.WriteStream, {}));
  assert.match(coloured, /\u001b\[31mmessage\.dead/);
  assert.match(coloured, /api: a message from a died unacknowledged after 5 deliveries$/);
});

test('the first line says where the feed starts', () => {
  assert.equal(startLine(42, undefined, undefined), 'Watching events after seq 42; Ctrl-C to stop.');
  assert.equal(startLine(42, 42, ['user.*']), 'Watching events (user.*) after seq 42; Ctrl-C to stop.');
  assert.equal(startLine(42, 0, ['a', 'b']), 'Replaying events (a, b) after seq 0 (up to 42), then watching live; Ctrl-C to stop.');
});

test('the tmux line shows only what waits', () => {
  assert.equal(tmuxLine(0, 0), 'brains ✓');
  assert.equal(tmuxLine(2, 0), 'brains ⚑2');
  assert.equal(tmuxLine(0, 3), 'brains ✉3');
  assert.equal(tmuxLine(2, 3), 'brains ⚑2 ✉3');
});

test('system.info says where MCP HTTP listens, or why not', () => {
  assert.deepEqual(mcpHttpStatus({ configuredPort: 9877, server: { url: 'http://127.0.0.1:9877/mcp', port: 9877, sessionCount: 2 }, portTaken: false }), {
    state: 'on',
    url: 'http://127.0.0.1:9877/mcp',
    port: 9877,
    reason: null,
    sessions: 2,
  });
  const disabled = mcpHttpStatus({ configuredPort: null, server: null, portTaken: false });
  assert.deepEqual([disabled.state, disabled.url, disabled.port], ['disabled', null, null]);
  assert.match(disabled.reason!, /--mcp-port off or BRAINS_MCP_PORT=off/);
  const taken = mcpHttpStatus({ configuredPort: 9877, server: null, portTaken: true });
  assert.deepEqual([taken.state, taken.port], ['port_taken', 9877]);
  assert.match(taken.reason!, /port 9877 was in use when the daemon started; set --mcp-port or BRAINS_MCP_PORT to another port/);
  assert.equal(mcpHttpStatus({ configuredPort: 0, server: null, portTaken: false }).state, 'stopped');
});
