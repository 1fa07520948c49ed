// README's methods table is the one list of the contract a reader sees: it must name every method, and only those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { contract } from '../../rpc/contract/index.js';

const README = new URL('../../../README.md', import.meta.url);

/** The backticked names in the methods column of the table under "### Methods". */
function methodsInReadme(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n### Methods\n');
  assert.notEqual(start, -1, 'README has a "### Methods" section');
  const end = text.indexOf('\n## ', start);
  const rows = text
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| plane ') && !line.startsWith('| ---'));
  return rows.flatMap((row) => [...(row.split('|')[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

test('the README methods table lists every contract method once, and nothing else', () => {
  const listed = methodsInReadme();
  const methods = Object.keys(contract);
  assert.deepEqual(
    methods.filter((m) => !listed.includes(m)),
    [],
    'contract methods missing from the README methods table (add them to its row for their plane)',
  );
  assert.deepEqual(
    listed.filter((m) => !methods.includes(m)),
    [],
    'README methods table names methods the contract does not have',
  );
  assert.deepEqual(
    listed.filter((m, i) => listed.indexOf(m) !== i),
    [],
    'README methods table names a method twice',
  );
});
