// MCP over Streamable HTTP served by the daemon: the SDK's own client with the admin key and with per-agent tokens, both
// protocol versions current clients send, cancellation releasing waits, and the HTTP edge (keys, Origin, Host, body size).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import type { BrainsClient } from '../../rpc/client.js';
import { McpHttpServer } from '../../daemon/mcp/http-server.js';
import type { Logger } from '../../daemon/log.js';
import type { Dispatcher } from '../../daemon/server/dispatcher.js';
import { CLI, envFor, startDaemon, tempHome, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { invalidParams, refusedWith } from '../helpers/rpc-assert.js';
import { call, callError, initialize, JSON_HEADERS, messagesOf, openHttp, raw, type Http } from '../helpers/mcp-http.js';

const HTTP_ENV = { BRAINS_MCP_PORT: '0' };
async function waiting(admin: BrainsClient): Promise<number> {
  return (await admin.call('system.info')).counts.waiting ?? 0;
}

describe('MCP over Streamable HTTP', () => {
  let daemon: TestDaemon;
  let admin: BrainsClient;
  let url: string;
  let port: number;
  let adminKey: string;
  const auth = () => ({ ...JSON_HEADERS, Authorization: `Bearer ${adminKey}` });
  const open: Http[] = [];
  const openTracked = async (key: string) => {
    const http = await openHttp(url, key);
    open.push(http);
    return http;
  };

  before(async () => {
    daemon = await startDaemon({ env: HTTP_ENV });
    admin = await daemon.client();
    url = (await admin.call('system.info')).mcp_url!;
    port = Number(new URL(url).port);
    adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
  });
  after(async () => {
    for (const http of open) await http.client.close().catch(() => {});
    await daemon?.cleanup();
  });

  test('listens on 127.0.0.1 only, on the port system.info names; the admin key is 32 random bytes, 0600', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.notEqual(port, 9877);
    assert.match(adminKey, /^[0-9a-f]{64}$/);
    assert.equal(statSync(daemon.paths.adminKey).mode & 0o777, 0o600);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port });
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      assert.equal(refused, true, `nothing listens on ${external.address}:${port}`);
    }
  });

  test('the SDK client lists tools and prompts and calls a flow: create, join, a waiting receive woken by another client, ack', async () => {
    const lead = await openTracked(adminKey);
    const helper = await openTracked(adminKey);
    const { tools } = await lead.client.listTools();
    const names = new Set(tools.map((t) => t.name));
    for (const name of ['send_message', 'receive_messages', 'acknowledge_message', 'join_project', 'version']) assert.ok(names.has(name), name);
    assert.ok(!names.has('mcp_token'), 'tokens are minted by the operator, not over MCP');
    assert.ok((await lead.client.listPrompts()).prompts.length >= 10);
    assert.equal((await call(lead, 'version')).name, 'brains');

    await call(lead, 'create_project', { project_id: 'web', name: 'Web', agent_name: 'lead', working_directory: '/tmp/lead' });
    await call(helper, 'join_project', { project_id: 'web', agent_name: 'helper', working_directory: '/tmp/helper' });
    const before = await waiting(admin);
    const parked = call(helper, 'receive_messages', { project_id: 'web', wait: true, timeout_seconds: 60, ack: 'manual' });
    await waitFor(async () => (await waiting(admin)) === before + 1, 10_000, 'the receive to park');
    const sent = await call(lead, 'send_message', { project_id: 'web', to_agent: 'helper', payload: { hi: 1 }, reply_expected: true });
    assert.deepEqual(sent.recipients, ['helper']);
    const got = await parked;
    assert.equal(got.count, 1);
    assert.equal(got.messages[0].from_agent, 'lead');
    assert.deepEqual(got.messages[0].payload, { hi: 1 });
    const acked = await call(helper, 'acknowledge_message', { project_id: 'web', delivery_tokens: [got.messages[0].delivery_token] });
    assert.deepEqual(acked.acknowledged, [got.messages[0].delivery_token]);
    assert.deepEqual(acked.refused, []);
    const audit = await admin.call('audit.list', { method: 'message.send', limit: 10 });
    assert.ok(
      audit.rows.some((r: { actor: string; acting_as: string | null }) => r.actor === 'operator' && r.acting_as === 'web/lead'),
      'MCP HTTP calls are audited like socket calls: the principal (the admin key is the operator) and the agent it acted as',
    );
  });

  for (const version of ['2025-06-18', '2025-11-25']) {
    test(`protocol ${version} initializes and lists tools`, async () => {
      const init = await raw(url, { headers: auth(), body: initialize(version) });
      assert.equal(init.status, 200, init.body);
      const [reply] = messagesOf(init.body);
      assert.equal(reply.result.protocolVersion, version);
      assert.equal(reply.result.serverInfo.name, 'brains');
      const session = init.headers['mcp-session-id'] as string;
      assert.ok(session);
      const headers = { ...auth(), 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': version };
      const initialized = await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
      assert.equal(initialized.status, 202);
      const list = await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
      assert.equal(list.status, 200);
      assert.ok(messagesOf(list.body)[0].result.tools.some((t: { name: string }) => t.name === 'send_message'));
      assert.equal((await raw(url, { method: 'DELETE', headers })).status, 200);
    });
  }

  test('a per-agent token holds its session to that agent and project', async () => {
    await admin.call('project.create', { project_id: 'shop', name: 'Shop' });
    await admin.call('project.join', { project_id: 'shop', agent_name: 'frontend', working_directory: '/tmp/fe' });
    await admin.call('project.join', { project_id: 'shop', agent_name: 'backend', working_directory: '/tmp/be' });
    const minted = await admin.call('mcp.token', { project_id: 'shop', agent_name: 'frontend' });
    assert.match(minted.token, /^brains_[0-9a-f]{64}$/);
    assert.equal(minted.replaced, false);
    const fe = await openTracked(minted.token);

    const asOther = await callError(fe, 'send_message', { project_id: 'shop', from_agent: 'backend', to_agent: 'frontend', payload: 'spoof' });
    assert.match(asOther, /^PERMISSION_DENIED: .*frontend/);
    assert.match(await callError(fe, 'receive_messages', { project_id: 'shop', agent_name: 'backend' }), /PERMISSION_DENIED/);
    assert.match(await callError(fe, 'get_project_info', { project_id: 'web' }), /PERMISSION_DENIED/);
    assert.match(await callError(fe, 'create_project', { project_id: 'mine', name: 'Mine' }), /PERMISSION_DENIED/);
    assert.match(await callError(fe, 'lock_acquire', { key: 'a.ts', holder: { project_id: 'shop', agent_name: 'backend' } }), /PERMISSION_DENIED/);
    const backendInbox = await admin.call('message.receive', { project_id: 'shop', agent_name: 'backend' });
    assert.equal(backendInbox.count, 0, 'the refused send stored nothing');
    const preBound = await call(fe, 'send_message', { project_id: 'shop', to_agent: 'backend', payload: 'pre-bound' });
    assert.deepEqual(preBound.recipients, ['backend'], 'a token session acts as its agent from the start, without join_project');

    const sent = await call(fe, 'send_message', { project_id: 'shop', from_agent: 'frontend', to_agent: 'backend', payload: 'real' });
    assert.deepEqual(sent.recipients, ['backend']);
    const inbox = await admin.call('message.receive', { project_id: 'shop', agent_name: 'backend' });
    assert.equal(inbox.messages[0]!.from_agent, 'frontend');
    await call(fe, 'join_project', { project_id: 'shop', agent_name: 'frontend', working_directory: '/tmp/fe' });
    assert.deepEqual((await call(fe, 'send_message', { project_id: 'shop', to_agent: 'backend', payload: 'bound' })).recipients, ['backend']);

    const other = await openTracked(adminKey);
    const session = fe.transport.sessionId!;
    const stolen = await raw(url, {
      headers: { ...auth(), 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    assert.equal(stolen.status, 403, 'a session answers only to the key that opened it');
    assert.equal((await call(other, 'version')).name, 'brains');
  });

  test('mcp.token refuses the operator, missing projects and hostile names; minting again replaces the token', async () => {
    await refusedWith(admin.call('mcp.token', { project_id: 'shop', agent_name: 'operator' }), 'INVALID');
    await refusedWith(admin.call('mcp.token', { project_id: 'nope', agent_name: 'x' }), 'NOT_FOUND');
    for (const bad of ['../x', 'a b', "x'; DROP TABLE mcp_tokens;--", 'x'.repeat(300), '']) {
      await invalidParams(admin.callRaw('mcp.token', { project_id: 'shop', agent_name: bad }));
    }
    const first = await admin.call('mcp.token', { project_id: 'shop', agent_name: 'backend' });
    const second = await admin.call('mcp.token', { project_id: 'shop', agent_name: 'backend' });
    assert.equal(second.replaced, true);
    const init = (key: string) => raw(url, { headers: { ...JSON_HEADERS, Authorization: `Bearer ${key}` }, body: initialize('2025-11-25') });
    assert.equal((await init(first.token)).status, 401, 'the replaced token no longer works');
    assert.equal((await init(second.token)).status, 200);
  });

  test('no key or a wrong key is 401 with a Bearer challenge; errors name no paths', async () => {
    const none = await raw(url, { headers: JSON_HEADERS, body: initialize('2025-11-25') });
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    for (const key of ['wrong', adminKey.slice(0, -1), `${adminKey}0`, 'brains_' + '0'.repeat(64)]) {
      const wrong = await raw(url, { headers: { ...JSON_HEADERS, Authorization: `Bearer ${key}` }, body: initialize('2025-11-25') });
      assert.equal(wrong.status, 401, key);
      assert.ok(!wrong.body.includes(daemon.home) && !/\bat \S+:\d+/.test(wrong.body), 'no paths or stacks');
    }
    assert.equal((await raw(url, { headers: { ...JSON_HEADERS, Authorization: `Basic ${adminKey}` }, body: initialize('2025-11-25') })).status, 401);
  });

  test('a foreign Origin is 403, even with the admin key', async () => {
    for (const origin of ['null', 'http://localhost.evil.com', 'http://127.0.0.1.evil.com', `http://localhost:${port + 1}`, 'https://example.com', `https://localhost:${port}`]) {
      const reply = await raw(url, { headers: { ...auth(), Origin: origin }, body: initialize('2025-11-25') });
      assert.equal(reply.status, 403, origin);
    }
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const reply = await raw(url, { headers: { ...auth(), Origin: origin }, body: initialize('2025-11-25') });
      assert.equal(reply.status, 200, origin);
    }
  });

  test('a foreign Host is 403', async () => {
    for (const host of ['evil.com', `evil.com:${port}`, `127.0.0.1:${port + 1}`, `localhost.evil.com:${port}`, '127.0.0.1', `0.0.0.0:${port}`]) {
      const reply = await raw(url, { headers: { ...auth(), Host: host }, body: initialize('2025-11-25') });
      assert.equal(reply.status, 403, host);
    }
    assert.equal((await raw(url, { headers: { ...auth(), Host: `localhost:${port}` }, body: initialize('2025-11-25') })).status, 200);
  });

  test('an oversized body is 413; bad JSON is 400; other paths 404; other methods 405', async () => {
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    assert.equal((await raw(url, { headers: auth(), body: huge })).status, 413);
    assert.equal((await raw(url, { headers: auth(), body: '{"jsonrpc":' })).status, 400);
    assert.equal((await raw(url, { headers: auth(), body: initialize('2025-11-25'), path: '/other' })).status, 404);
    assert.equal((await raw(url, { method: 'PUT', headers: auth(), body: '{}' })).status, 405);
    const noSession = await raw(url, { headers: auth(), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    assert.equal(noSession.status, 400);
    assert.equal((await admin.call('system.ping')).pong, true, 'the daemon is fine');
  });

  test('cancelling a waiting call, or hanging up on it, releases the wait', async () => {
    await admin.call('project.create', { project_id: 'calm', name: 'Calm' });
    await admin.call('project.join', { project_id: 'calm', agent_name: 'sleeper', working_directory: '/tmp/sl' });
    const http = await openTracked(adminKey);
    const before = await waiting(admin);
    const controller = new AbortController();
    const parked = http.client.callTool({ name: 'receive_messages', arguments: { project_id: 'calm', agent_name: 'sleeper', wait: true, timeout_seconds: 600 } }, undefined, {
      signal: controller.signal,
    });
    await waitFor(async () => (await waiting(admin)) === before + 1, 10_000, 'the receive to park');
    controller.abort();
    await assert.rejects(parked);
    await waitFor(async () => (await waiting(admin)) === before, 10_000, 'the wait to be released after cancel');

    const init = await raw(url, { headers: auth(), body: initialize('2025-11-25') });
    const headers = { ...auth(), 'Mcp-Session-Id': init.headers['mcp-session-id'] as string, 'Mcp-Protocol-Version': '2025-11-25' };
    await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers });
    req.on('error', () => {});
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'receive_messages', arguments: { project_id: 'calm', agent_name: 'sleeper', wait: true, timeout_seconds: 600 } } }));
    await waitFor(async () => (await waiting(admin)) === before + 1, 10_000, 'the raw receive to park');
    req.destroy();
    // The stream was primed (a 2025-11-25 session): the call waits out the resume window before it is cancelled.
    await waitFor(async () => (await waiting(admin)) === before, 30_000, 'the wait to be released after the hang-up and the resume window');
  });

  test('DELETE ends the session and releases its waits', async () => {
    const http = await openTracked(adminKey);
    const session = http.transport.sessionId!;
    assert.ok(session);
    const before = await waiting(admin);
    const parked = http.client.callTool({ name: 'receive_messages', arguments: { project_id: 'calm', agent_name: 'sleeper', wait: true, timeout_seconds: 600 } });
    parked.catch(() => {});
    await waitFor(async () => (await waiting(admin)) === before + 1, 10_000, 'the receive to park');
    await http.transport.terminateSession();
    await waitFor(async () => (await waiting(admin)) === before, 10_000, 'the wait to be released when the session ends');
    const after = await raw(url, {
      headers: { ...auth(), 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    assert.equal(after.status, 404);
  });

  test('tokens and the admin key survive a restart; idle sessions are closed', async () => {
    const minted = await admin.call('mcp.token', { project_id: 'shop', agent_name: 'frontend' });
    await daemon.stop();
    const home = daemon.home;
    daemon = await startDaemon({ home, env: { ...HTTP_ENV, BRAINS_MCP_IDLE: '1s' } });
    admin = await daemon.client();
    url = (await admin.call('system.info')).mcp_url!;
    assert.equal(readFileSync(daemon.paths.adminKey, 'utf8').trim(), adminKey);
    const fe = await openTracked(minted.token);
    assert.match(await callError(fe, 'send_message', { project_id: 'shop', from_agent: 'backend', to_agent: 'frontend', payload: 1 }), /PERMISSION_DENIED/);
    assert.deepEqual((await call(fe, 'send_message', { project_id: 'shop', from_agent: 'frontend', to_agent: 'backend', payload: 1 })).recipients, ['backend']);

    const init = await raw(url, { headers: auth(), body: initialize('2025-06-18') });
    const headers = { ...auth(), 'Mcp-Session-Id': init.headers['mcp-session-id'] as string, 'Mcp-Protocol-Version': '2025-06-18' };
    assert.equal((await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202);
    const sessions = async () => (await admin.call('system.info')).counts.mcp_sessions ?? 0;
    assert.ok((await sessions()) >= 2, 'the SDK session and the raw one are open');
    // The SDK client keeps its GET event stream open, so only the raw session (no request open) goes idle.
    await waitFor(async () => (await sessions()) === 1, 20_000, 'the idle session to be closed');
    const list = await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }) });
    assert.equal(list.status, 404);
    assert.equal((await call(fe, 'version')).name, 'brains', 'the session with its event stream open is kept');
  });
});

describe('MCP HTTP settings', () => {
  test('BRAINS_MCP_PORT=off serves no endpoint (mcp_url is null)', async () => {
    const daemon = await startDaemon({ env: { BRAINS_MCP_PORT: 'off' } });
    try {
      const admin = await daemon.client();
      assert.equal((await admin.call('system.info')).mcp_url, null);
    } finally {
      await daemon.cleanup();
    }
  });

  test('the default port already taken leaves MCP HTTP off with a warning instead of failing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const taken = (blocker.address() as { port: number }).port;
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (msg: string) => void warnings.push(msg), error() {} } as unknown as Logger;
    const base = { idleMs: 60_000, adminKey: 'k', tokens: { byHash: () => null }, dispatcher: null as unknown as Dispatcher, version: '0', log };
    try {
      assert.equal(await McpHttpServer.start({ ...base, port: taken, portIsDefault: true }), null);
      assert.match(warnings.join('\n'), /MCP HTTP is off: its default port is in use/);
      await assert.rejects(McpHttpServer.start({ ...base, port: taken, portIsDefault: false }), /cannot listen on 127\.0\.0\.1/);
    } finally {
      blocker.close();
    }
  });

  test('an explicitly asked port that is taken stops the start with a clear message; a bad value is a usage error', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const taken = (blocker.address() as { port: number }).port;
    const home = tempHome();
    try {
      const run = (value: string) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [CLI, 'daemon'], { env: envFor(home, { BRAINS_MCP_PORT: value }), stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.once('exit', (code) => resolve({ code, stderr }));
        });
      const busy = await run(String(taken));
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`127\\.0\\.0\\.1:${taken}.*BRAINS_MCP_PORT`));
      const bad = await run('http');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--mcp-port \(or BRAINS_MCP_PORT\)/);
    } finally {
      blocker.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
