// A managed agent's model traffic through the gateway as itself: ${BRAINS_GATEWAY_URL} and ${BRAINS_AGENT_TOKEN} in its
// env are filled in when its process starts, the token opens the gateway, and the request is recorded as that agent's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDaemon } from '../helpers/with-daemon.js';
import { ask, scratchDir } from '../helpers/agents.js';
import { refusedWith } from '../helpers/rpc-assert.js';

const { client: c } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0' } });
/** Refused as INVALID with a message matching `pattern`. */
async function refused(call: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await refusedWith(call, 'INVALID');
  assert.match(error.message, pattern);
}

const PRINT_ENV = ['sh', '-c', 'printf "%s %s %s" "$ANTHROPIC_BASE_URL" "$ANTHROPIC_AUTH_TOKEN" "$BRAINS_GATEWAY_URL"'];

describe('managed agents through the gateway', () => {
  test('the references are filled in at start, and the agent token opens the gateway as that agent', async () => {
    const gatewayUrl = (await c.call('system.info')).gateway_url as string;
    assert.match(gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    await c.call('agent.create', {
      agent_name: 'metered',
      backend: 'command',
      working_directory: scratchDir(),
      command: PRINT_ENV,
      env: { ANTHROPIC_BASE_URL: '${BRAINS_GATEWAY_URL}', ANTHROPIC_AUTH_TOKEN: '${BRAINS_AGENT_TOKEN}' },
    });
    const answer = await ask(c, 'metered', 'show me');
    const [baseUrl, token, exported] = answer.text.split(' ');
    assert.equal(baseUrl, gatewayUrl);
    assert.equal(exported, gatewayUrl, 'BRAINS_GATEWAY_URL is set for every agent process');
    assert.ok(token && token.length >= 20 && !token.includes('${'), 'the minted token, not the reference');
    const info = await c.call('agent.info', { agent_name: 'metered' });
    assert.ok(!JSON.stringify(info).includes(token), 'the token is never shown');

    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'metered hello' }] }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const { requests } = await c.call('gateway.requests', { agent_name: 'metered' });
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.agent_name, 'metered');
  });

  test('an unknown ${BRAINS_...} reference is refused, naming the two the daemon fills in; nothing is stored', async () => {
    await refused(
      c.call('agent.create', { agent_name: 'typo', backend: 'echo', working_directory: scratchDir(), env: { ANTHROPIC_AUTH_TOKEN: '${BRAINS_AGENT_TOKN}' } }),
      /refers to \$\{BRAINS_AGENT_TOKN\}.*\$\{BRAINS_AGENT_TOKEN\} or \$\{BRAINS_GATEWAY_URL\}/,
    );
    assert.ok(!(await c.call('agent.list', {})).agents.some((a: { name?: string; agent_name?: string }) => (a.agent_name ?? a.name) === 'typo'), 'nothing stored');
    await refused(c.call('agent.update', { agent_name: 'metered', env: { X: 'a${BRAINS_HOME}b' } }), /\$\{BRAINS_HOME\}/);
    await refused(c.call('agent.update', { agent_name: 'metered', env: { BRAINS_GATEWAY_URL: 'http://elsewhere' } }), /may not set BRAINS_GATEWAY_URL/);
    assert.deepEqual([...(await c.call('agent.info', { agent_name: 'metered' })).env_names].sort(), ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'], 'the refused updates changed nothing');
  });
});
