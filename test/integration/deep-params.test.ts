// Params nested thousands of levels deep, on every face: refused with the depth error before anything recursive runs
// (the audit digest included), with an audit row of the refusal, and the daemon answering on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BrainsClient } from '../../rpc/client.js';
import { CLI, envFor, RawPeer, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { initialize, JSON_HEADERS, messagesOf, raw } from '../helpers/mcp-http.js';
import { errorLine } from '../helpers/mcp-stdio.js';

/** JSON text of an array nested `depth` levels (built as text: JSON.stringify itself would overflow the stack). */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const DEPTH_ERROR = /params are nested more than \d+ levels deep; flatten them/;

async function refusals(c: BrainsClient): Promise<Array<{ method: string; outcome: string }>> {
  return (await c.call('audit.list', { limit: 200 })).rows.filter((row) => row.outcome === 'LIMIT_EXCEEDED');
}

/** `brains mcp` spoken to line by line, so a test can send arguments no JSON encoder of ours could write. */
class RawMcp {
  private buffer = '';
  private readonly waiting = new Map<number, (reply: any) => void>();
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      this.buffer += text;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
        if (typeof message.id === 'number') this.waiting.get(message.id)?.(message);
      }
    });
  }

  static async open(home: string): Promise<RawMcp> {
    const mcp = new RawMcp(spawn(process.execPath, [CLI, 'mcp', '--no-start'], { env: envFor(home), stdio: 'pipe' }));
    await mcp.request(1, initialize('2025-11-25'));
    mcp.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    return mcp;
  }

  request(id: number, text: string): Promise<any> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${text}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

describe('params nested past the depth limit', () => {
  let daemon: TestDaemon;
  let c: BrainsClient;

  before(async () => {
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    c = await daemon.client();
    await c.call('project.create', { project_id: 'deep', name: 'deep' });
    await c.call('project.join', { project_id: 'deep', agent_name: 'a', working_directory: '/tmp/deep-a' });
  });
  after(async () => daemon?.cleanup());

  for (const depth of [6_000, 200_000]) {
    test(`${depth} levels over the socket: LIMIT_EXCEEDED, an audit row of the refusal, the daemon answers on`, async () => {
      const before = (await refusals(c)).length;
      const peer = await RawPeer.open(daemon.paths.socket);
      const send = `{"jsonrpc":"2.0","id":1,"method":"message.send","params":{"project_id":"deep","from_agent":"a","to_agent":"a","payload":${nested(depth)}}}`;
      const reply = await peer.roundTrip(send);
      assert.equal(reply.error.code, 4013, JSON.stringify(reply));
      assert.equal(reply.error.data.code, 'LIMIT_EXCEEDED');
      assert.match(reply.error.message, DEPTH_ERROR);
      const read = await peer.roundTrip(`{"jsonrpc":"2.0","id":2,"method":"system.ping","params":{"x":${nested(depth)}}}`);
      assert.match(read.error.message, DEPTH_ERROR, 'a method that stores nothing is refused the same way');
      const rows = await refusals(c);
      assert.equal(rows.length, before + 1);
      assert.equal(rows.at(-1)!.method, 'message.send');
      assert.equal((await c.call('audit.verify')).ok, true, 'the refusal chains like any row');
      assert.ok(await c.call('system.ping'), 'the daemon answers on');
      peer.close();
    });

    test(`${depth} levels through brains mcp (stdio): the same message, no crash`, async () => {
      const mcp = await RawMcp.open(daemon.home);
      try {
        const args = `{"project_id":"deep","from_agent":"a","to_agent":"a","payload":${nested(depth)}}`;
        const reply = await mcp.request(2, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"send_message","arguments":${args}}}`);
        assert.equal(reply.result?.isError, true, JSON.stringify(reply).slice(0, 500));
        assert.match(errorLine(reply.result.content), /^LIMIT_EXCEEDED: params are nested more than \d+ levels deep; flatten them$/);
      } finally {
        mcp.close();
      }
    });

    test(`${depth} levels over MCP HTTP: the same message and an audit row`, async () => {
      const url = (await c.call('system.info')).mcp_url!;
      const key = readFileSync(daemon.paths.adminKey, 'utf8').trim();
      const init = await raw(url, { headers: { ...JSON_HEADERS, Authorization: `Bearer ${key}` }, body: initialize('2025-11-25') });
      const headers = { ...JSON_HEADERS, Authorization: `Bearer ${key}`, 'Mcp-Session-Id': init.headers['mcp-session-id'] as string, 'Mcp-Protocol-Version': '2025-11-25' };
      await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
      const before = (await refusals(c)).length;
      const args = `{"project_id":"deep","from_agent":"a","to_agent":"a","payload":${nested(depth)}}`;
      const reply = await raw(url, { headers, body: `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"send_message","arguments":${args}}}` });
      const [answer] = messagesOf(reply.body);
      assert.equal(answer.result?.isError, true, reply.body.slice(0, 500));
      assert.match(errorLine(answer.result.content), /^LIMIT_EXCEEDED: params are nested more than \d+ levels deep; flatten them$/);
      assert.equal((await refusals(c)).length, before + 1);
      await raw(url, { method: 'DELETE', headers });
    });
  }
});
