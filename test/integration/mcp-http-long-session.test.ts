// A long MCP HTTP session with a wired tool's key leaks nothing: 3,000 tool calls over one session leave no
// listener behind on the client's connection signal, print no MaxListenersExceededWarning on either side, and the
// daemon still holds one session.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ensureClientKey } from '../../daemon/http/client-keys.js';
import type { BrainsClient } from '../../rpc/client.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { call, httpFetch, openHttp, type Http } from '../helpers/mcp-http.js';

const CALLS = 3_000;
/** Calls in flight at once on the one session: the leak is per request, and a loaded machine must finish within the file timeout. */
const LANES = 4;
const LISTENER_BOUND = LANES + 4;

describe('a long MCP HTTP session with a wired tool\'s key', () => {
  let daemon: TestDaemon;
  let admin: BrainsClient;
  let url: string;
  let http: Http | undefined;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  before(async () => {
    process.on('warning', onWarning);
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    admin = await daemon.client();
    url = (await admin.call('system.info')).mcp_url!;
    await admin.call('project.create', { project_id: 'shop', name: 'Shop' });
    await admin.call('project.join', { project_id: 'shop', agent_name: 'sink', working_directory: '/tmp/w/sink' });
  });
  after(async () => {
    process.off('warning', onWarning);
    await http?.client.close().catch(() => {});
    await admin?.close();
    await daemon?.cleanup();
  });

  test(`${CALLS} tool calls leave no listener behind and print no MaxListenersExceededWarning`, async () => {
    const key = ensureClientKey(daemon.paths.keysDir, 'claude-code').key;
    let connection: AbortSignal | undefined;
    http = await openHttp(url, key, (target, init) => {
      connection ??= init?.signal ?? undefined;
      return httpFetch(target, init);
    });
    await call(http, 'join_project', { project_id: 'shop', agent_name: 'tx', working_directory: '/tmp/w/tx' });
    assert.ok(connection, 'the SDK client passes its connection signal to fetch');
    let most = 0;
    const lane = async (first: number) => {
      for (let i = first; i < CALLS; i += LANES) {
        if (i % 2 === 0) assert.deepEqual((await call(http!, 'send_message', { project_id: 'shop', to_agent: 'sink', payload: { n: i } })).recipients, ['sink']);
        else assert.equal(typeof (await call(http!, 'version')).version, 'string');
        most = Math.max(most, getEventListeners(connection!, 'abort').length);
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, first) => lane(first)));

    // The standing GET stream's, one per call in flight, and a few whose bodies are still closing; never one per call.
    assert.ok(most <= LISTENER_BOUND, `abort listeners on the connection signal grew to ${most} during ${CALLS} calls`);
    const leaks = warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
    assert.deepEqual(leaks.map((w) => w.message), [], 'the client printed no MaxListenersExceededWarning');
    assert.doesNotMatch(daemon.stderr(), /MaxListenersExceededWarning|memory leak/, 'neither did the daemon');
    const info = await admin.call('system.info');
    assert.equal(info.mcp_http.sessions, 1, 'one session, still open');
  });
});
