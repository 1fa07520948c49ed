// The accounting's small parts on their own: UTC periods and since words, prices and costs, the running spend across a day
// and a month, which budget a request reaches, the mail note's words and where it goes, and the Usage pane's rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayStart, monthStart, nextDayStart, nextMonthStart, sinceTime, weekStart } from '../../rpc/usage-time.js';
import { costOf, priceOf } from '../../daemon/gateway/prices.js';
import { SpendTally, subjectsOf } from '../../daemon/gateway/spend.js';
import { budgetReached, budgetRefusal, noticeKey } from '../../daemon/gateway/budgets.js';
import { noteText, notesOn } from '../../daemon/gateway/mail-notes.js';
import { noteInRawBody, noteOnLastUserTurn } from '../../daemon/gateway/note-placement.js';
import type { GatewayCaller } from '../../daemon/gateway/keys.js';
import type { ChatRequest } from '../../daemon/gateway/ir.js';
import type { MailItem } from '../../daemon/store/gateway-mail.js';
import { costText, tokensText, usageRows } from '../../tui/usage-rows.js';
import type { CockpitState } from '../../tui/model/cockpit.js';

const SUNDAY = new Date('2026-11-29T23:30:00Z');

test('UTC periods: a day, a week from Monday, a month, and the next of each (a year turns over)', () => {
  assert.equal(dayStart(SUNDAY).toISOString(), '2026-11-29T00:00:00.000Z');
  assert.equal(nextDayStart(SUNDAY).toISOString(), '2026-11-30T00:00:00.000Z');
  assert.equal(weekStart(SUNDAY).toISOString(), '2026-11-23T00:00:00.000Z', 'Sunday belongs to the week that began on Monday');
  assert.equal(weekStart(new Date('2026-11-30T08:00:00Z')).toISOString(), '2026-11-30T00:00:00.000Z', 'Monday begins one');
  assert.equal(monthStart(SUNDAY).toISOString(), '2026-11-01T00:00:00.000Z');
  assert.equal(nextMonthStart(new Date('2026-12-15T00:00:00Z')).toISOString(), '2027-01-01T00:00:00.000Z');
});

test('since: words, spans back from now, ISO times with an offset; anything else is not understood', () => {
  assert.equal(sinceTime('today', SUNDAY), '2026-11-29T00:00:00.000Z');
  assert.equal(sinceTime('week', SUNDAY), '2026-11-23T00:00:00.000Z');
  assert.equal(sinceTime('month', SUNDAY), '2026-11-01T00:00:00.000Z');
  assert.equal(sinceTime('24h', SUNDAY), '2026-11-28T23:30:00.000Z');
  assert.equal(sinceTime('7d', SUNDAY), '2026-11-22T23:30:00.000Z');
  assert.equal(sinceTime('2026-11-01T10:00:00+02:00', SUNDAY), '2026-11-01T08:00:00.000Z');
  for (const bad of ['yesterday', '0d', '10000d', '7 d', '7w', '2026-11-01', '2026-13-45T00:00:00Z', '', 'TODAY']) assert.equal(sinceTime(bad, SUNDAY), null, bad);
});

test('prices: the model that ran first, then the name asked for; cost per million tokens', () => {
  const prices = { 'up-model': { input_per_mtok: 1, output_per_mtok: 2 }, fast: { input_per_mtok: 10, output_per_mtok: 20 } };
  assert.deepEqual(priceOf(prices, 'up-model', 'fast'), prices['up-model']);
  assert.deepEqual(priceOf(prices, 'unpriced', 'fast'), prices.fast);
  assert.equal(priceOf(prices, 'a', 'b'), null);
  assert.equal(priceOf(prices, 'constructor', '__proto__'), null, 'no inherited names');
  assert.equal(priceOf(undefined, 'up-model', null), null);
  assert.equal(costOf(prices['up-model'], 1_000_000, 500_000), 2);
  assert.equal(costOf({ input_per_mtok: 3, output_per_mtok: 15 }, 1000, 500), 0.0105, 'no floating-point tail');
  assert.equal(costOf({ input_per_mtok: 0.15, output_per_mtok: 0.6 }, 1, 0), 1.5e-7, 'a single token keeps its cost');
});

test('the running spend: per subject, per UTC day and month; yesterday’s spend is not today’s, last month’s not this one’s', () => {
  const tally = new SpendTally();
  tally.add('agent:a', '2026-11-28T12:00:00.000Z', 1);
  tally.add('agent:a', '2026-11-29T01:00:00.000Z', 2);
  tally.add('agent:a', '2026-11-29T02:00:00.000Z', 0.5);
  tally.add('agent:a', '2026-11-28T13:00:00.000Z', 7); // late, for a day already past: the month still counts it
  tally.add('key:ci', '2026-11-29T02:00:00.000Z', 4);
  tally.add('agent:a', '2026-11-29T03:00:00.000Z', 0);
  assert.equal(tally.spent('agent:a', 'daily', SUNDAY), 2.5);
  assert.equal(tally.spent('agent:a', 'monthly', SUNDAY), 10.5);
  assert.equal(tally.spent('agent:a', 'daily', new Date('2026-11-30T00:00:01Z')), 0, 'a new day');
  assert.equal(tally.spent('agent:a', 'monthly', new Date('2026-12-01T00:00:01Z')), 0, 'a new month');
  assert.equal(tally.spent('key:ci', 'daily', SUNDAY), 4);
  assert.equal(tally.spent('agent:b', 'daily', SUNDAY), 0);
  assert.deepEqual(subjectsOf('a', 'token'), ['agent:a']);
  assert.deepEqual(subjectsOf('a', 'key:ci'), ['agent:a', 'key:ci']);
  assert.deepEqual(subjectsOf(null, 'admin'), []);
});

test('budgets: spent, or this request’s estimate going over; daily before monthly; agent and key; 0 refuses all; the admin key has none', () => {
  const caller = (label: string, agent: string | null = null): GatewayCaller => ({ label, key_id: null, agent_name: agent, project_id: agent ? 'p' : null });
  const config = { budgets: { agents: { a: { daily: 1, monthly: 3 } }, keys: { ci: { monthly: 0 } } } };
  const tally = new SpendTally();
  tally.add('agent:a', SUNDAY.toISOString(), 0.9);
  assert.equal(budgetReached(config, caller('token', 'a'), tally, 0.05, SUNDAY), null);
  const over = budgetReached(config, caller('token', 'a'), tally, 0.2, SUNDAY)!;
  assert.equal(over.notice.budget, 'agents.a.daily');
  assert.equal(over.adding, 0.2);
  assert.equal(over.notice.resets_at, '2026-11-30T00:00:00.000Z');
  assert.deepEqual(noticeKey(over), { budget: 'agents.a.daily=1', period: '2026-11-29' });
  const refusal = budgetRefusal(over, SUNDAY);
  assert.equal(refusal.status, 429);
  assert.equal(refusal.headers()['Retry-After'], '1800');
  assert.equal(refusal.headers()['x-should-retry'], 'false');
  assert.match(refusal.message, /^budget exceeded: this request \(about 0\.2\) would go over agent a's daily budget of 1\.00 \(budgets\.agents\.a\.daily in gateway\.json\): 0\.9 is spent; requests are refused until it resets at 2026-11-30T00:00:00\.000Z$/);

  tally.add('agent:a', '2026-11-02T00:00:00.000Z', 2.2);
  const monthly = budgetReached(config, caller('token', 'a'), tally, 0, SUNDAY)!;
  assert.equal(monthly.notice.budget, 'agents.a.monthly');
  assert.equal(monthly.notice.resets_at, '2026-12-01T00:00:00.000Z');
  assert.match(budgetRefusal(monthly, SUNDAY).message, /monthly budget of 3\.00 .* is spent \(3\.10\)/);

  assert.equal(budgetReached(config, caller('key:ci'), new SpendTally(), 0, SUNDAY)!.notice.budget, 'keys.ci.monthly', 'a limit of 0');
  assert.equal(budgetReached(config, caller('key:other'), tally, 100, SUNDAY), null);
  assert.equal(budgetReached(config, caller('admin'), tally, 100, SUNDAY), null);
  assert.equal(budgetReached(config, caller('token', 'constructor'), tally, 100, SUNDAY), null, 'no inherited names');
});

test('mail notes: on per agent over the global switch, off by default', () => {
  assert.equal(notesOn({}, 'a'), false);
  assert.equal(notesOn({ mail_notes: { enabled: true } }, 'a'), true);
  assert.equal(notesOn({ mail_notes: { enabled: true, agents: { a: false } } }, 'a'), false);
  assert.equal(notesOn({ mail_notes: { agents: { a: true } } }, 'a'), true);
  assert.equal(notesOn({ mail_notes: { agents: { a: true } } }, 'b'), false);
});

test('the note: one line, mail grouped by sender, decisions with their verdict, locks with the seconds left, the tool to call; bounded', () => {
  const item = (kind: MailItem['kind'], extra: Partial<MailItem>): MailItem => ({ kind, item: `${kind}:x`, ref: 'r', who: null, title: null, verdict: null, expires_at: null, reply_expected: 0, ...extra });
  const now = Date.parse('2026-11-29T12:00:00Z');
  assert.equal(noteText([item('message', { who: 'backend' }), item('message', { who: 'backend' })], 'api', now), '[brains] You have 2 unread messages from backend in project api; call receive_messages.');
  const mixed = noteText(
    [
      item('message', { who: 'a', reply_expected: 1 }),
      item('message', { who: 'b' }),
      item('message', { who: 'a' }),
      item('decision', { ref: 'approval-3', title: 'Ship\nit', verdict: 'denied' }),
      item('decision', { ref: 'approval-4', title: 'Which?', verdict: 'blue' }),
      item('lease', { title: 'src/**', expires_at: '2026-11-29T12:00:42Z' }),
    ],
    'api',
    now,
  );
  assert.equal(
    mixed,
    '[brains] You have 3 unread messages from a (2), b (1) in project api (1 expects a reply); call receive_messages. approval-3 "Ship it" was denied; approval-4 "Which?" was decided: "blue"; call get_approval for the comment. Your lock on "src/**" expires in 42s; call lock_renew to keep it.',
  );
  const many = noteText(Array.from({ length: 100 }, (_, i) => item('decision', { ref: `approval-${i}`, title: 'x'.repeat(100), verdict: 'approved' })), 'api', now);
  assert.ok(many.length <= 600 && many.endsWith('…'));
});

test('the note’s place: the last user turn only, after what is there; every other message untouched', () => {
  const req = (messages: ChatRequest['messages']): ChatRequest => ({ model: 'm', system: 'sys', messages, tools: [], tool_choice: null, max_tokens: null, temperature: null, top_p: null, stop: [], stream: false, include_usage: false });
  const chat = req([{ role: 'user', parts: [{ type: 'text', text: 'q' }] }, { role: 'assistant', parts: [{ type: 'text', text: 'a' }] }, { role: 'user', parts: [{ type: 'tool_result', tool_call_id: 't', content: 'r' }] }]);
  assert.equal(noteOnLastUserTurn(chat, 'N'), true);
  assert.deepEqual(chat.messages[2]!.parts.at(-1), { type: 'text', text: '\n\nN' });
  assert.equal(chat.system, 'sys');
  assert.equal(noteOnLastUserTurn(req([{ role: 'user', parts: [] }]), 'N'), true);
  assert.equal(noteOnLastUserTurn(req([{ role: 'assistant', parts: [{ type: 'text', text: 'prefill' }] }]), 'N'), false);
  assert.equal(noteOnLastUserTurn(req([]), 'N'), false);

  const anthropic = { system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] }] };
  assert.deepEqual(noteInRawBody('messages', anthropic, 'N'), { ...anthropic, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }, { type: 'text', text: '\n\nN' }] }] });
  assert.equal(anthropic.messages[0]!.content.length, 1, 'the caller’s body is not changed: a copy is');
  assert.deepEqual(noteInRawBody('messages', { messages: [{ role: 'user', content: '' }] }, 'N'), { messages: [{ role: 'user', content: [{ type: 'text', text: 'N' }] }] });
  assert.equal(noteInRawBody('messages', { messages: [{ role: 'assistant', content: 'x' }] }, 'N'), null);
  assert.deepEqual(noteInRawBody('chat.completions', { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] }, 'N'), { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'text', text: '\n\nN' }] }] });
  assert.equal(noteInRawBody('chat.completions', { messages: [{ role: 'system', content: 's' }] }, 'N'), null);
  assert.equal(noteInRawBody('responses', { messages: [{ role: 'user', content: 'q' }] }, 'N'), null, 'no pass-through of responses');
  assert.equal(noteInRawBody('messages', { messages: 'not a list' }, 'N'), null);
  assert.equal(noteInRawBody('messages', null, 'N'), null);
});

test('the Usage pane’s rows: a total, agents then models by this week’s cost; costs and tokens as a few characters', () => {
  const sums = (cost: number | null, tokens: number, estimated = false) => ({ requests: 1, input_tokens: tokens, output_tokens: 0, cost, cost_estimated: estimated, unpriced_requests: cost === null ? 1 : 0 });
  const row = (group: string | null, project_id: string | null, cost: number | null, tokens: number) => ({ group, project_id, ...sums(cost, tokens) });
  const state = {
    usage: {
      today: { agents: [row('a', 'p', 1, 100)], models: [row('m1', null, 1, 100)], totals: sums(1, 100) },
      week: { agents: [row('b', 'p', 5, 10), row('a', 'p', 2, 200), row(null, null, null, 50)], models: [row('m2', null, null, 60), row('m1', null, 7, 200)], totals: sums(7, 260) },
    },
  } as unknown as CockpitState;
  const rows = usageRows(state);
  assert.deepEqual(rows.map((r) => `${r.kind}:${r.name}`), ['total:all', 'agent:b', 'agent:a', 'agent:-', 'model:m1', 'model:m2']);
  assert.equal(rows[2]!.today!.cost, 1);
  assert.equal(rows[1]!.today, null);
  assert.deepEqual(usageRows({ usage: null } as unknown as CockpitState), []);
  assert.equal(costText(sums(0.00123, 1)), '0.0012');
  assert.equal(costText(sums(12.345, 1, true)), '~12.35');
  assert.equal(costText(sums(null, 1)), '-');
  assert.equal(costText(null), '');
  assert.equal(costText(sums(123456, 1)), '123456');
  assert.equal(tokensText(sums(0, 950)), '950');
  assert.equal(tokensText(sums(0, 1234)), '1.2k');
  assert.equal(tokensText(sums(0, 123_456)), '123k');
  assert.equal(tokensText(sums(0, 4_100_000)), '4.1M');
});
