// The cockpit's pure parts: the key table, the input line, paste splitting, notifications, layout and the palette.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DETAIL_VIEW_KEYS, KEY_TABLE, PANES, commandFor, detailCommandFor, detailKeysLine, keyName, keyTableMarkdown } from '../../tui/keys.js';
import { editKey, emptyEditor, insertText, type EditorState } from '../../tui/editor.js';
import { PasteSplitter } from '../../tui/terminal/paste-filter.js';
import { notificationSequence } from '../../tui/terminal/notify.js';
import { layoutFor, visiblePanes } from '../../tui/layout.js';
import { completions, parseCall, splitWords, type MethodInfo } from '../../tui/palette.js';
import { slicesFor } from '../../tui/model/slices.js';
import { unreadText } from '../../tui/panes/lines.js';
import { keyPresses } from '../../tui/key-presses.js';
import { actorsOf, latestTime } from '../../tui/model/seen.js';
import type { SubscribedEvent } from '../../rpc/client.js';
import { NO_SELECTION, resolveSelection, selectAt, selectKey } from '../../tui/selection.js';

test('no key means two things in one place: each pane binding and each global key is unique', () => {
  for (const pane of PANES) {
    const seen = new Map<string, string>();
    for (const binding of KEY_TABLE.filter((b) => b.pane === pane || b.pane === undefined)) {
      for (const key of binding.keys) {
        const scope = binding.pane ?? 'global';
        const earlier = seen.get(`${scope}:${key}`);
        assert.ok(!earlier || earlier === binding.command, `${key} in ${scope} means ${earlier} and ${binding.command}`);
        seen.set(`${scope}:${key}`, binding.command);
      }
    }
  }
  assert.equal(commandFor('a', 'approvals'), 'approval.approve');
  assert.equal(commandFor('a', 'sessions'), null, 'a means nothing outside Approvals');
  assert.equal(commandFor('enter', 'conversation'), 'compose', 'the pane binding wins over the global open');
  assert.equal(commandFor('enter', 'inbox'), 'open');
  assert.equal(commandFor('5', 'tasks'), 'focus.approvals');
  assert.equal(keyName('', { tab: true, shift: true }), 'shift+tab');
  assert.equal(keyName('c', { ctrl: true }), 'ctrl+c');
  // A key a detail view acts with never means closing or scrolling it.
  const detailOwn = Object.values(DETAIL_VIEW_KEYS).flat() as string[];
  for (const binding of KEY_TABLE.filter((b) => b.inDetail !== undefined)) for (const key of binding.keys) assert.ok(!detailOwn.includes(key), `${key} acts in a detail and also closes or scrolls it`);
  assert.equal(detailCommandFor('a', 'approvals'), 'approval.approve');
  assert.equal(detailCommandFor('x', 'inbox'), 'inbox.ack');
  assert.equal(detailCommandFor('a', 'inbox'), null);
  assert.equal(detailKeysLine('approvals'), 'a approves · A allows always · d denies · c comments first');
  assert.equal(commandFor('A', 'approvals'), 'approval.allow_always');
  assert.equal(commandFor('s', 'conversation'), 'agent.interrupt');
  assert.equal(commandFor('s', 'sessions'), 'agent.interrupt');
  assert.equal(commandFor('s', 'inbox'), null, 's means nothing where no agent is chosen');
});

test('the input line: typing, Alt+Enter and Ctrl+J for new lines, Enter submits, history with up and down', () => {
  const type = (state: EditorState, text: string) => [...text].reduce((s, ch) => (editKey(s, ch, ch, { multiline: true }) as { state: EditorState }).state, state);
  let state = type(emptyEditor(), 'first');
  state = (editKey(state, 'alt+enter', '', { multiline: true }) as { state: EditorState }).state;
  state = type(state, 'second');
  state = (editKey(state, 'ctrl+j', '', { multiline: true }) as { state: EditorState }).state;
  state = (editKey(state, 'backspace', '', { multiline: true }) as { state: EditorState }).state;
  const sent = editKey(state, 'enter', '', { multiline: true });
  assert.equal(sent.kind, 'submit');
  assert.equal(sent.kind === 'submit' && sent.text, 'first\nsecond');
  const next = sent.state;
  assert.equal(next.text, '');
  const back = editKey(next, 'up', '', { multiline: true });
  assert.equal(back.state.text, 'first\nsecond', 'up brings the last message back');
  assert.equal(editKey(back.state, 'down', '', { multiline: true }).state.text, '', 'down returns to the fresh line');
  assert.equal(editKey(emptyEditor(), 'enter', '', { multiline: true }).kind, 'edit', 'an empty line is not sent');
  assert.equal(editKey(next, 'escape', '', { multiline: true }).kind, 'cancel');
  assert.equal(insertText(emptyEditor(), 'a\r\nb\u0007c').text, 'a\nbc', 'pasted CRLF becomes one newline, control characters go');
  assert.equal((editKey(emptyEditor(), 'alt+enter', '', { multiline: false }) as { state: EditorState }).state.text, '', 'one-line inputs take no newline');
});

test('a bracketed paste comes out whole, markers stripped, even split across chunks; a lone Esc is still a key', () => {
  const typed: string[] = [];
  const pasted: string[] = [];
  const splitter = new PasteSplitter((t) => typed.push(t), (p) => pasted.push(p));
  splitter.push('ab\u001b[20');
  splitter.push('0~line one\nline');
  splitter.push(' two\u001b[201');
  splitter.push('~cd');
  assert.deepEqual(pasted, ['line one\nline two']);
  assert.equal(typed.join(''), 'abcd');
  splitter.push('\u001b');
  assert.ok(splitter.holding, 'an Esc might start a marker');
  splitter.flush();
  assert.equal(typed.at(-1), '\u001b', 'and is given out as a key when nothing follows');
});

test('the notification: bell and OSC 9, wrapped in tmux passthrough inside tmux, control characters removed', () => {
  const plain = notificationSequence('backend asks: ship?\u001b[2J', {});
  assert.equal(plain, '\u0007\u001b]9;backend asks: ship? [2J\u0007');
  const tmux = notificationSequence('hi', { TMUX: '/tmp/tmux-0/default,1,0' });
  assert.equal(tmux, '\u0007\u001bPtmux;\u001b\u001b]9;hi\u0007\u001b\\');
});

test('layouts: six panes on a big screen (Tasks and Schedules share a corner, Usage takes the Locks place), fewer as it narrows, never wider than the terminal', () => {
  assert.deepEqual(visiblePanes(layoutFor(180, 40, 'sessions')).sort(), PANES.filter((p) => p !== 'schedules' && p !== 'usage').sort());
  assert.deepEqual(visiblePanes(layoutFor(180, 40, 'schedules')).sort(), PANES.filter((p) => p !== 'tasks' && p !== 'usage').sort());
  assert.deepEqual(visiblePanes(layoutFor(180, 40, 'usage')).sort(), PANES.filter((p) => p !== 'locks' && p !== 'schedules').sort());
  assert.deepEqual(visiblePanes(layoutFor(120, 30, 'usage')), ['sessions', 'approvals', 'usage']);
  assert.deepEqual(visiblePanes(layoutFor(80, 24, 'sessions')), ['sessions', 'conversation']);
  assert.deepEqual(visiblePanes(layoutFor(80, 24, 'approvals')), ['approvals']);
  assert.deepEqual(visiblePanes(layoutFor(120, 30, 'locks')), ['sessions', 'approvals', 'locks']);
  assert.deepEqual(visiblePanes(layoutFor(200, 50, 'inbox', 'tasks')), ['tasks']);
  for (const [columns, rows] of [[80, 24], [100, 30], [160, 40], [60, 15]] as const) {
    for (const focus of PANES) {
      const layout = layoutFor(columns, rows, focus);
      assert.equal(layout.reduce((sum, c) => sum + c.width, 0), columns, `${columns}x${rows} ${focus}: widths add up`);
      for (const column of layout) assert.equal(column.panes.reduce((sum, p) => sum + p.height, 0), rows - 2);
    }
  }
});

test('the palette parses key=value (quoted, nested) and JSON params, names the nearest method, completes names', () => {
  const methods: MethodInfo[] = [
    { name: 'lock.list', summary: '', params: ['project_id', 'key_prefix', 'limit'] },
    { name: 'lock.acquire', summary: '', params: ['key', 'project_id'] },
  ];
  assert.deepEqual(splitWords(`a=1 b="two words" c='x y'`), ['a=1', 'b=two words', 'c=x y']);
  assert.deepEqual(parseCall('lock.list project_id=demo limit=5', methods), { method: 'lock.list', params: { project_id: 'demo', limit: 5 } });
  assert.deepEqual(parseCall('lock.list {"limit": 2}', methods), { method: 'lock.list', params: { limit: 2 } });
  assert.throws(() => parseCall('lok.list', methods), /did you mean lock\.list/);
  assert.throws(() => parseCall('lock.list {"limit":', methods), /not valid JSON/);
  assert.throws(() => parseCall('lock.list __proto__=1', methods), /bad key/);
  assert.deepEqual(completions('lock.', methods).options, ['lock.list', 'lock.acquire']);
  assert.equal(completions('lock.l', methods).replace, 'lock.list');
  assert.equal(completions('lock.list pro', methods).replace, 'lock.list project_id=');
  assert.deepEqual(completions('lock.list project_id=x ', methods).options, ['key_prefix=', 'limit=']);
});

test('events map to the slices they make stale; unknown types touch none', () => {
  assert.deepEqual(slicesFor('lock.acquired'), ['locks']);
  assert.ok(slicesFor('approval.requested').includes('approvals'));
  assert.deepEqual(slicesFor('user.deploy'), []);
  assert.ok(['approvals', 'inbox'].every((slice) => slicesFor('project.deleted').includes(slice as never)), 'a deleted project takes its approvals and mail with it');
  assert.deepEqual(slicesFor('nonsense'), []);
  assert.deepEqual(slicesFor('message.sent', { from_agent: 'a', to_agent: 'b', broadcast: false, recipients: ['b'] }), ['unread'], 'mail between agents leaves the inbox alone');
  assert.deepEqual(slicesFor('message.sent', { from_agent: 'a', to_agent: 'operator', broadcast: false, recipients: ['operator'] }), ['unread', 'inbox']);
  assert.deepEqual(slicesFor('message.acked', { agent_name: 'operator', message_ids: [] }), ['unread', 'inbox']);
  assert.deepEqual(slicesFor('agent.state_changed'), ['agents']);
  assert.deepEqual(slicesFor('agent.output'), [], "a managed agent's streamed text is the conversation's alone");
  assert.deepEqual(slicesFor('agent.turn_finished'), []);
});

test('the README shows the key table exactly as the cockpit binds it', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(keyTableMarkdown()), 'README.md lacks the current key table: paste keyTableMarkdown() into its cockpit section');
});

test('a selection is an identity: it follows its item through re-sorts and inserts, and goes to a neighbour when the item goes', () => {
  let sel = selectAt(['a', 'b', 'c'], 1);
  assert.equal(sel.key, 'b');
  sel = resolveSelection(sel, ['c', 'a', 'b']);
  assert.deepEqual([sel.key, sel.index], ['b', 2], 'a re-sort');
  sel = resolveSelection(sel, ['x', 'c', 'a', 'b']);
  assert.deepEqual([sel.key, sel.index], ['b', 3], 'an insert above');
  assert.equal(resolveSelection(sel, sel.order), sel, 'resolving again against the same rows changes nothing');
  assert.deepEqual(resolveSelection(sel, ['x', 'c', 'a']).key, 'a', 'the last one gone: the one above it');
  assert.deepEqual(resolveSelection(selectAt(['a', 'b', 'c'], 1), ['c', 'a']).key, 'c', 'gone from the middle: the one below it');
  assert.deepEqual(resolveSelection(selectAt(['a', 'b'], 1), ['y', 'z']), { key: 'z', index: 1, order: ['y', 'z'] }, 'nothing of its neighbours left: the same row');
  const wanted = resolveSelection(selectKey('demo/frontend'), ['demo/backend']);
  assert.deepEqual([wanted.key, wanted.index], ['demo/frontend', 0], 'asked for by name: waited for');
  assert.deepEqual(resolveSelection(wanted, ['demo/backend', 'demo/frontend']).index, 1, 'and taken once listed');
  assert.equal(resolveSelection(NO_SELECTION, ['q']).key, 'q', 'nothing selected yet: the first row');
});

test('who an event shows acting: senders, takers, lock holders that act themselves, claimers, sessions coming back; no one for expiries', () => {
  const at = (type: string, data: unknown, subject = 'demo') => actorsOf({ seq: 1, time: 't', type, subject, data } as SubscribedEvent);
  assert.deepEqual(at('message.sent', { from_agent: 'frontend', to_agent: 'backend' }), ['member:demo/frontend']);
  assert.deepEqual(at('message.acked', { agent_name: 'backend', message_ids: [] }), ['member:demo/backend']);
  assert.deepEqual(at('lock.acquired', { holder: { project_id: 'shop', agent_name: 'alice' } }, 'src/**'), ['member:shop/alice']);
  assert.deepEqual(at('lock.acquired', { holder: { session_id: 's-1' } }, 'src/**'), ['session:s-1']);
  assert.deepEqual(at('lock.released', { holder: { project_id: 'shop', agent_name: 'alice' }, reason: 'holder_gone' }, 'src/**'), [], 'released for it is not its doing');
  assert.deepEqual(at('lock.expired', { holder: { project_id: 'shop', agent_name: 'alice' }, reason: 'expired' }, 'src/**'), []);
  assert.deepEqual(at('task.claimed', { agent_name: 'backend' }), ['member:demo/backend']);
  assert.deepEqual(at('approval.requested', { requested_by: 'frontend' }), ['member:demo/frontend']);
  assert.deepEqual(at('session.active', { client_id: 'demo-frontend' }, 's-2'), ['session:s-2', 'client:demo-frontend']);
  assert.deepEqual(at('session.idle', { client_id: 'demo-frontend' }, 's-2'), [], 'going idle is no sign of life');
  assert.deepEqual(at('approval.decided', { requested_by: 'frontend', decided_by: 'operator' }), [], "the operator's decision is not the agent acting");
  assert.deepEqual(at('agent.turn_finished', { agent_name: 'coder', project_id: 'agents', turn_id: 'turn-2' }, 'coder'), ['member:agents/coder'], 'a managed agent names its project in the data');
  assert.equal(latestTime('2026-01-01T00:00:00.000Z', undefined, '2026-01-02T00:00:00.000Z', null), '2026-01-02T00:00:00.000Z');
});

test('key presses: a chunk is its characters, and meta+<printable> in an input line is Esc then the key', () => {
  assert.deepEqual(keyPresses('q', { meta: true }, true), [{ name: 'escape', input: '' }, { name: 'q', input: 'q' }]);
  assert.deepEqual(keyPresses('q', { meta: true }, false), [{ name: 'q', input: 'q' }], 'outside an input line it is the key');
  assert.deepEqual(keyPresses('', { return: true, meta: true }, true), [{ name: 'alt+enter', input: '' }], 'Alt+Enter stays a new line');
  assert.deepEqual(keyPresses('', { escape: true, meta: true }, true), [{ name: 'escape', input: '' }]);
  assert.deepEqual(keyPresses('ab\r', {}, true), [{ name: 'a', input: 'a' }, { name: 'b', input: 'b' }, { name: 'enter', input: '' }]);
});

test('an unread count fits its four characters without being cut: exact to 9999, then thousands and millions', () => {
  assert.deepEqual([0, 7, 999, 3601, 9999, 10_000, 36_512, 999_999, 1_000_000, 12_345_678, 5_000_000_000].map(unreadText), ['', '7', '999', '3601', '9999', '10k', '36k', '999k', '1M', '12M', '999M']);
  for (const n of [1, 42, 3601, 36_512, 12_345_678]) assert.ok(unreadText(n).length <= 4);
});
