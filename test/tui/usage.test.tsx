// The Usage pane (8): tokens and cost through the gateway per agent and per model, today and this week, with a total; it
// follows new requests (gateway.requests_recorded, live); the Sessions row shows each agent's cost today.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { projectWith } from '../helpers/rpc-assert.js';

/** A line of the Usage pane (by, name, ...). */
const usageRow = (frame: string, by: string, name: string) => frame.split('\n').find((line) => new RegExp(`[›│ ]${by} +${name} `).test(line)) ?? '';
/** The Sessions line of an agent. */
const sessionRow = (frame: string, name: string) => frame.split('\n').find((line) => new RegExp(`[●◐○✗]. ${name} `).test(line)) ?? '';

describe('the Usage pane', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_GATEWAY_PORT: '0' } });
  let url = '';
  const tokens: Record<string, string> = {};
  const ask = async (agent: string, model: string) => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[agent]}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 200);
  };

  before(async () => {
    url = (await client.call('system.info')).gateway_url!;
    // Echo reports estimated tokens (hello: 2 in, 3 out): at 0.1 a token each request costs about 0.50.
    await client.call('gateway.config_set', { config: { prices: { pricey: { input_per_mtok: 100_000, output_per_mtok: 100_000 } } } });
    await projectWith(client, 'shop', ['alice', 'bob']);
    for (const agent of ['alice', 'bob']) tokens[agent] = (await client.call('mcp.token', { project_id: 'shop', agent_name: agent })).token;
  });

  test('per agent and per model, today and this week, with a total; live as requests come; Sessions shows the cost today', async () => {
    await ask('alice', 'pricey');
    await ask('alice', 'pricey');
    await ask('bob', 'free');
    const ui = await renderCockpit(daemon, { columns: 160, rows: 40 });
    try {
      let frame = await ui.waitForFrame((f) => /~1\.00/.test(sessionRow(f, 'alice')), 'alice’s cost today in Sessions');
      assert.match(sessionRow(frame, 'alice'), /shop\s+~1\.00/, 'her project, then her cost');
      assert.match(sessionRow(frame, 'bob'), /shop\s+-\s/, 'bob’s model has no price');

      await ui.press('8');
      frame = await ui.waitForFrame((f) => f.includes('8 Usage') && usageRow(f, 'agent', 'alice@shop') !== '', 'the Usage pane with its rows');
      assert.match(frame, /\[8 Usage\]/, 'the header names the pane');
      assert.match(usageRow(frame, 'total', 'all'), /all\s+\d+\s+~1\.00\s+\d+\s+~1\.00/);
      assert.match(usageRow(frame, 'agent', 'alice@shop'), /alice@shop\s+10\s+~1\.00\s+10\s+~1\.00/, 'tokens and cost today, then this week');
      assert.match(usageRow(frame, 'agent', 'bob@shop'), /bob@shop\s+5\s+-\s+5\s+-/);
      assert.match(usageRow(frame, 'model', 'pricey'), /pricey\s+10\s+~1\.00/);
      assert.match(usageRow(frame, 'model', 'free'), /free\s+5\s+-/);
      const lines = frame.split('\n');
      const at = (by: string, name: string) => lines.findIndex((l) => l === usageRow(frame, by, name));
      assert.ok(at('total', 'all') < at('agent', 'alice@shop') && at('agent', 'alice@shop') < at('agent', 'bob@shop') && at('agent', 'bob@shop') < at('model', 'pricey'), 'total, agents, then models, most costly first');

      await ask('bob', 'pricey');
      frame = await ui.waitForFrame((f) => /~0\.50/.test(usageRow(f, 'agent', 'bob@shop')), 'bob’s new request, live');
      assert.match(usageRow(frame, 'total', 'all'), /~1\.50/);

      await ui.press(KEYS.enter);
      frame = await ui.waitForFrame((f) => f.includes('every request') && f.includes('today (UTC)'), 'the total in full');
      assert.match(frame, /today \(UTC\): 4 requests/);
    } finally {
      await ui.close();
    }
  });
});
