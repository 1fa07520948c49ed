// Why this exists: wire writes `${BRAINS_AGENT}`-style references for tools that expand them; an unset variable may then
// arrive empty or unexpanded, and brains mcp must read that as "not given", never as a name or a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentTokenFromEnv, givenEnv, registrationFromEnv } from '../../bin/commands/mcp.js';

test('empty values and references left unexpanded are not given', () => {
  for (const value of ['', '${BRAINS_AGENT}', '$BRAINS_AGENT', '${env:BRAINS_AGENT}', '${BRAINS_AGENT:-}', '${OTHER}']) {
    assert.equal(givenEnv({ BRAINS_AGENT: value }, 'BRAINS_AGENT'), undefined, JSON.stringify(value));
  }
  assert.equal(givenEnv({}, 'BRAINS_AGENT'), undefined);
  for (const value of ['alice', 'a$b', '$', 'price: $5', '${a} b']) assert.equal(givenEnv({ X: value }, 'X'), value, JSON.stringify(value));
});

test('the registration takes the tool, the agent and the identity that were given, and skips what was not', () => {
  const given = registrationFromEnv({ BRAINS_TOOL: 'copilot', BRAINS_AGENT: 'alice', BRAINS_CLIENT_ID: '', BRAINSTORM_CLIENT_ID: 'storm-1' });
  assert.equal(given.tool, 'copilot');
  assert.equal(given.agent_name, 'alice');
  assert.equal(given.client_id, 'storm-1', 'an empty BRAINS_CLIENT_ID gives way to BRAINSTORM_CLIENT_ID');

  const unexpanded = registrationFromEnv({ BRAINS_TOOL: 'gemini', BRAINS_AGENT: '${BRAINS_AGENT}', BRAINS_CLIENT_ID: '${BRAINS_CLIENT_ID}', BRAINSTORM_CLIENT_ID: '${BRAINSTORM_CLIENT_ID}' });
  assert.equal(unexpanded.tool, 'gemini');
  assert.equal('agent_name' in unexpanded, false);
  assert.equal('client_id' in unexpanded, false);

  assert.equal(registrationFromEnv({ BRAINS_TOOL: 'vscode' }).tool, 'other', 'a tool the daemon has no name for');
  assert.equal(registrationFromEnv({}).tool, 'other');
});

test('a token is presented only when one was given', () => {
  assert.equal(agentTokenFromEnv({ BRAINS_AGENT_TOKEN: 'brains_t_abc' }), 'brains_t_abc');
  assert.equal(agentTokenFromEnv({ BRAINS_AGENT_TOKEN: '${BRAINS_AGENT_TOKEN}' }), undefined);
  assert.equal(agentTokenFromEnv({ BRAINS_AGENT_TOKEN: '' }), undefined);
  assert.equal(agentTokenFromEnv({}), undefined);
});
