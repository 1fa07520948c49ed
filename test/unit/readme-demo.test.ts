// README's demo and cockpit sections are what a newcomer reads first: the commands they paste must be the ones brains demo
// suggests, the demo described once, and the cockpit capture as large as its label says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { demoTips } from '../../bin/commands/demo.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The text between a heading and the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README has "${heading}"`);
  const level = heading.split(' ')[0]!;
  const next = README.slice(start + heading.length + 2).search(new RegExp(`\\n#{1,${level.length}} `));
  return next === -1 ? README.slice(start) : README.slice(start, start + heading.length + 2 + next);
}

test('"Try the demo" shows the commands brains demo suggests, watching with readable lines rather than --pretty JSON', () => {
  const block = /```sh\n([\s\S]*?)```/.exec(section('### Try the demo'))![1]!;
  const commands = block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
  for (const [command] of demoTips('demo')) assert.ok(commands.includes(command), `README's demo block has ${command}`);
  assert.ok(!block.includes('--pretty'), 'brains watch --pretty prints indented JSON; plain brains watch is the readable feed');
});

test('the brains demo paragraph is there once', () => {
  const opening = '`brains demo` starts a driver process in the background';
  assert.equal(README.split(opening).length - 1, 1, 'one paragraph describes what the demo does');
});

test('the cockpit capture is as wide and as tall as its label says', () => {
  const cockpit = section('## The cockpit');
  const label = /capture of `brains tui` on a (\d+)×(\d+) tmux window/.exec(cockpit);
  assert.ok(label, 'the capture is labelled with its window size');
  const lines = /```text\n([\s\S]*?)\n```/.exec(cockpit)![1]!.split('\n');
  assert.equal(Math.max(...lines.map((line) => [...line].length)), Number(label[1]), 'columns');
  assert.equal(lines.length, Number(label[2]), 'rows');
});
