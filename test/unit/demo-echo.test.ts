// Why this exists: the demo's agents are echo agents with auto_reply on; the script's mail must never reach auto_reply (or
// the echo would answer it), and what auto_reply takes the demo's mail reader must leave to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAST, DEMO_BACKEND, DEMO_METADATA, demoWorkingDirectory } from '../../bin/commands/demo-cast.js';
import { leftToTheAgent } from '../../bin/commands/demo-mail.js';
import { demoIntervalMs } from '../../bin/commands/demo-handshake.js';

test('the cast is three echo agents, the planner first (it becomes the coordinator), each working in its own directory', () => {
  assert.deepEqual(CAST, ['planner', 'backend', 'frontend']);
  assert.equal(DEMO_BACKEND, 'echo');
  assert.equal(demoWorkingDirectory('/state', 'backend'), '/state/demo/backend');
});

test('what the script sends is marked no_auto_reply, and so is left to the agent to read, as are the daemon\'s notices', () => {
  assert.deepEqual(DEMO_METADATA, { no_auto_reply: true });
  assert.equal(leftToTheAgent({ ...DEMO_METADATA }), true);
  assert.equal(leftToTheAgent({ system: true, approval_id: 'approval-1' }), true);
});

test('what auto_reply answers (yours, an echo answer with its hops) is not the mail reader\'s', () => {
  assert.equal(leftToTheAgent(null), false);
  assert.equal(leftToTheAgent({}), false);
  assert.equal(leftToTheAgent({ auto_reply: true, brains_hops: 1 }), false);
  assert.equal(leftToTheAgent({ no_auto_reply: false }), false);
  assert.equal(leftToTheAgent({ no_auto_reply: 1 }), true, 'truthy, as auto_reply reads it');
});

test('BRAINS_DEMO_INTERVAL_MS sets the pace; anything but a positive number keeps the default', () => {
  assert.equal(demoIntervalMs({ BRAINS_DEMO_INTERVAL_MS: '50' }), 50);
  assert.equal(demoIntervalMs({}), 3000);
  for (const bad of ['', '0', '-5', 'soon', 'Infinity']) assert.equal(demoIntervalMs({ BRAINS_DEMO_INTERVAL_MS: bad }), 3000, JSON.stringify(bad));
});
