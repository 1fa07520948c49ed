// The one escape every face uses for invisible characters, and the cockpit's views of someone else's text built on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePointName, escapeInvisible, firstInvisible } from '../../rpc/visible-text.js';
import { oneLine } from '../../tui/panes/lines.js';
import { columns } from '../../tui/components/pane-frame.js';
import { conversationRows } from '../../tui/panes/conversation-view.js';

const HIDDEN = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b', '\u061c', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff'];

test('every control, bidi and zero-width character is found and written out as its code point', () => {
  for (const char of HIDDEN) {
    assert.deepEqual(firstInvisible(`ab${char}c`), { char, index: 2 }, codePointName(char));
    const shown = escapeInvisible(`a${char}b`);
    assert.equal(shown, `a\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}b`);
    assert.equal(firstInvisible(shown), null, `${codePointName(char)} escaped is plain text`);
  }
  assert.equal(firstInvisible('plain — text, ümlauts, 日本語, emoji 😀'), null, 'visible text is left alone');
  assert.equal(codePointName('\u202e'), 'U+202E');
  assert.equal(escapeInvisible('a\r\nb\u2028c\td', 'breaks'), 'a\nb\nc d', 'a body keeps its line breaks as plain newlines');
  assert.equal(escapeInvisible('a\nb\tc', 'spaces'), 'a b c');
  assert.equal(escapeInvisible('a\nb'), 'a\\u000Ab');
});

test('the cockpit shows invisible characters escaped: list lines, columns, conversation bodies', () => {
  assert.equal(oneLine('pay\u202eusd.exe  \n next'), 'pay\\u202Eusd.exe next');
  assert.equal(columns([['k\u200bey', 10], ['x\u001b[31m', 12]]), 'k\\u200Bey  x\\u001B[31m ');
  const rows = conversationRows([{ id: 'm1', time: '2030-01-02T03:04:05.000Z', from: 'backend', to: 'operator', text: 'line one\u202e\r\nline\u0000two', state: null }] as never, 80);
  assert.deepEqual(
    rows.slice(1).map((r) => r.text),
    ['  line one\\u202E', '  line\\u0000two'],
  );
});
