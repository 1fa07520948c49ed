// Why this exists: the CLI's "did you mean" must point at the command a typo meant, and stay quiet when nothing is close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearestName } from '../../rpc/nearest-name.js';

test('edit distance counts inserts, deletes, replacements and a swap of neighbours as one edit each', () => {
  assert.equal(editDistance('status', 'status'), 0);
  assert.equal(editDistance('', 'rpc'), 3);
  assert.equal(editDistance('rpc', ''), 3);
  assert.equal(editDistance('stauts', 'status'), 1, 'swapped neighbours');
  assert.equal(editDistance('wir', 'wire'), 1);
  assert.equal(editDistance('wiire', 'wire'), 1);
  assert.equal(editDistance('wxre', 'wire'), 1);
  assert.equal(editDistance('nope', 'hook'), 3);
});

test('the nearest name is suggested only when it is a likely typo', () => {
  const names = ['up', 'down', 'status', 'rpc', 'watch', 'help', '--help', '--version'];
  assert.equal(nearestName('stauts', names), 'status');
  assert.equal(nearestName('STATUS', names), 'status', 'case does not count');
  assert.equal(nearestName('rcp', names), 'rpc');
  assert.equal(nearestName('--verison', names), '--version');
  assert.equal(nearestName('nope', names), undefined);
  assert.equal(nearestName('x', names), undefined);
  assert.equal(nearestName('anything', []), undefined);
});
