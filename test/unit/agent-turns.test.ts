// A managed agent's turns in the cockpit: events applied in place, and a history re-read that never loses what streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SubscribedEvent } from '../../rpc/client.js';
import { applyAgentEvent, mergeHistory, type Turn } from '../../tui/model/agent-turns.js';
import { footerOf } from '../../tui/panes/agent-turn-rows.js';

const facts = { agent_name: 'coder', project_id: 'agents' };
const event = (type: string, data: Record<string, unknown>, time = '2026-01-01T00:00:01.000Z') => ({ seq: 1, time, type, subject: 'coder', data: { ...facts, ...data } }) as SubscribedEvent;
const apply = (events: SubscribedEvent[], from: readonly Turn[] = []) => events.reduce<readonly Turn[]>((turns, e) => applyAgentEvent(turns, 'coder', e), from);

test('events build the turns: queued, started, text streaming in, a tool use then its result, finished with usage', () => {
  const turns = apply([
    event('agent.turn_queued', { turn_id: 'turn-2', user_turn_id: 'turn-1', text: 'list the files', source: 'operator', from_agent: null }),
    event('agent.turn_started', { turn_id: 'turn-2', attempt: 1 }),
    event('agent.output', { turn_id: 'turn-2', delta: 'Here ' }),
    event('agent.tool_use', { turn_id: 'turn-2', tool_use_id: 't1', name: 'Bash', summary: 'ls', result: null, is_error: null }),
    event('agent.output', { turn_id: 'turn-2', delta: 'they are' }),
    event('agent.tool_use', { turn_id: 'turn-2', tool_use_id: 't1', name: 'Bash', summary: 'ls', result: 'a b', is_error: false }),
  ]);
  assert.deepEqual(turns.map((t) => [t.turn_id, t.role, t.status, t.text]), [['turn-1', 'user', 'done', 'list the files'], ['turn-2', 'assistant', 'running', 'Here they are']]);
  assert.deepEqual(turns[1]!.tool_uses, [{ tool_use_id: 't1', name: 'Bash', summary: 'ls', result: 'a b', is_error: false }], 'the result replaces the use, it is not a second one');
  const done = apply([event('agent.turn_finished', { turn_id: 'turn-2', status: 'done', text: 'Here they are', error: null, usage: { input_tokens: 10, output_tokens: 5 }, cost_usd: 0.002 }, '2026-01-01T00:00:03.500Z')], turns);
  assert.equal(done[1]!.status, 'done');
  assert.equal(footerOf({ ...done[1]!, started_at: '2026-01-01T00:00:01.000Z' }), 'done · 10 in, 5 out · $0.0020 · 2.5s');
  assert.equal(apply([event('agent.output', { turn_id: 'turn-2', delta: ' late' })], done), done, 'text after the end changes nothing');
  assert.equal(apply([event('agent.updated', { changed: ['model'], fresh_session: false })], done), done, 'an event of no turn changes nothing');
});

test('a history read keeps what streamed into a running turn, turns finished or queued since, and takes the rest as read', () => {
  const local = apply([
    event('agent.turn_queued', { turn_id: 'turn-2', user_turn_id: 'turn-1', text: 'go', source: 'operator', from_agent: null }),
    event('agent.output', { turn_id: 'turn-2', delta: 'streamed so far' }),
    event('agent.turn_queued', { turn_id: 'turn-4', user_turn_id: 'turn-3', text: 'and then', source: 'operator', from_agent: null }),
  ]);
  const read = (id: string, role: Turn['role'], status: Turn['status'], text: string): Turn => ({ ...local.find((t) => t.turn_id === id)!, turn_id: id, role, status, text });
  // Read before the second send: the running turn has no text yet in the store.
  const merged = mergeHistory(local, [read('turn-1', 'user', 'done', 'go'), read('turn-2', 'assistant', 'running', '')]);
  assert.deepEqual(merged.map((t) => [t.turn_id, t.status, t.text]), [['turn-1', 'done', 'go'], ['turn-2', 'running', 'streamed so far'], ['turn-3', 'done', 'and then'], ['turn-4', 'queued', '']]);
  const finished = mergeHistory(merged, [read('turn-1', 'user', 'done', 'go'), read('turn-2', 'assistant', 'done', 'the whole answer'), read('turn-3', 'user', 'done', 'and then'), read('turn-4', 'assistant', 'queued', '')]);
  assert.equal(finished[1]!.text, 'the whole answer', 'a finished turn as stored');
});
