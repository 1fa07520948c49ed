// Why this exists: a demo agent answers the operator by echoing what was typed, whatever JSON the payload is; the echo must read as text and fit a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { echoOf } from '../../bin/commands/demo-agent.js';
import { demoIntervalMs } from '../../bin/commands/demo-handshake.js';

test('a string payload is echoed as itself, with its whitespace folded', () => {
  assert.equal(echoOf('hello'), 'hello');
  assert.equal(echoOf('  two\n\nlines\tand  tabs '), 'two lines and tabs');
});

test('an object payload is echoed by its text field, else as its JSON', () => {
  assert.equal(echoOf({ text: 'from the cockpit' }), 'from the cockpit');
  assert.equal(echoOf({ message: 'as Brainstorm sends it' }), 'as Brainstorm sends it');
  assert.equal(echoOf({ text: 42, body: 'the first string field wins' }), 'the first string field wins');
  assert.equal(echoOf({ ask: 'schema?' }), '{"ask":"schema?"}');
  assert.equal(echoOf([1, 2]), '[1,2]');
  assert.equal(echoOf(null), 'null');
  assert.equal(echoOf(7), '7');
});

test('a long payload is cut to 200 characters with an ellipsis, never inside a surrogate pair', () => {
  const long = 'x'.repeat(500);
  const echoed = echoOf(long);
  assert.equal([...echoed].length, 200);
  assert.ok(echoed.endsWith('…'));
  const emoji = '😀'.repeat(300);
  const cut = echoOf(emoji);
  assert.equal([...cut].length, 200);
  assert.equal(cut, `${'😀'.repeat(199)}…`);
});

test('BRAINS_DEMO_INTERVAL_MS sets the pace; anything but a positive number keeps the default', () => {
  assert.equal(demoIntervalMs({ BRAINS_DEMO_INTERVAL_MS: '50' }), 50);
  assert.equal(demoIntervalMs({}), 3000);
  for (const bad of ['', '0', '-5', 'soon', 'Infinity']) assert.equal(demoIntervalMs({ BRAINS_DEMO_INTERVAL_MS: bad }), 3000, JSON.stringify(bad));
});
