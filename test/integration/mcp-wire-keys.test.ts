// The keys `brains wire --transport http` writes, used against a real daemon: an agent tool's session binds to the
// names it takes and never acts as the operator; keys survive restarts; unwire revokes at once; per-agent tokens stay in scope.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrainsClient } from '../../rpc/client.js';
import { runCli, startDaemon, tempHome, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { call, callError, initialize, JSON_HEADERS, openHttp, raw, type Http } from '../helpers/mcp-http.js';

describe('brains wire --transport http against a running daemon', () => {
  let daemon: TestDaemon;
  let admin: BrainsClient;
  let url: string;
  let port: number;
  let home: string;
  const open: Http[] = [];
  const connect = async (key: string) => {
    const http = await openHttp(url, key);
    open.push(http);
    return http;
  };
  const wire = (args: string[], cmd = 'wire') => runCli([cmd, ...args], { home: daemon.home, env: { HOME: home, BRAINS_MCP_PORT: String(port) } });
  const claudeKey = (): string => {
    const entry = (JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')) as { mcpServers: { brains: { url: string; headers: { Authorization: string } } } }).mcpServers.brains;
    assert.equal(entry.url, url, 'the entry points at this daemon');
    return entry.headers.Authorization.replace(/^Bearer /, '');
  };
  const initializeStatus = async (key: string) => (await raw(url, { headers: { ...JSON_HEADERS, Authorization: `Bearer ${key}` }, body: initialize('2025-11-25') })).status;

  before(async () => {
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    admin = await daemon.client();
    url = (await admin.call('system.info')).mcp_url!;
    port = Number(new URL(url).port);
    home = tempHome();
    writeFileSync(join(home, '.claude.json'), '{"numStartups": 3}\n', { mode: 0o600 });
    mkdirSync(join(home, '.codex'));
    await admin.call('project.create', { project_id: 'shop', name: 'Shop' });
    await admin.call('project.join', { project_id: 'shop', agent_name: 'backend', working_directory: '/tmp/w/be' });
  });
  after(async () => {
    for (const http of open) await http.client.close().catch(() => {});
    await daemon?.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  test('the key wire wrote opens a session that binds to the name it takes, cannot speak for others, and never acts as the operator', async () => {
    const wired = await wire(['--transport', 'http', '--tool', 'claude-code', '--tool', 'codex', '--no-rules', '--no-hooks']);
    assert.equal(wired.code, 0, wired.stdout + wired.stderr);
    const key = claudeKey();
    const fe = await connect(key);

    assert.equal((await call(fe, 'status', { working_directory: '/tmp/w/fe' })).total_projects, 0);
    assert.match(await callError(fe, 'send_message', { project_id: 'shop', to_agent: 'backend', payload: 'x' }), /from_agent is missing and this session holds no name in project shop: call join_project/);
    await call(fe, 'join_project', { project_id: 'shop', agent_name: 'frontend', working_directory: '/tmp/w/fe' });
    assert.deepEqual((await call(fe, 'send_message', { project_id: 'shop', to_agent: 'backend', payload: 'hi' })).recipients, ['backend']);

    const spoof = await callError(fe, 'send_message', { project_id: 'shop', from_agent: 'backend', to_agent: 'frontend', payload: 'spoof' });
    assert.match(spoof, /^PERMISSION_DENIED: .*in shop this session is frontend and cannot act as backend/);
    assert.match(await callError(fe, 'receive_messages', { project_id: 'shop', agent_name: 'backend' }), /PERMISSION_DENIED/);
    assert.match(await callError(fe, 'send_message', { project_id: 'shop', from_agent: 'operator', to_agent: 'backend', payload: 'x' }), /PERMISSION_DENIED: .*cannot act as the operator/);
    assert.match(await callError(fe, 'lock_acquire', { key: 'src/a.ts', holder: { session_id: 'someone-else' } }), /PERMISSION_DENIED: .*cannot act for session someone-else/);
    assert.match(await callError(fe, 'lock_acquire', { key: 'src/a.ts', holder: { project_id: 'shop', agent_name: 'operator' } }), /PERMISSION_DENIED/);
    const inbox = await admin.call('message.receive', { project_id: 'shop', agent_name: 'backend' });
    assert.deepEqual(inbox.messages.map((m) => m.payload), ['hi'], 'refused calls stored nothing');

    const asked = await call(fe, 'request_approval', { project_id: 'shop', title: 'Drop the old table' });
    const decide = await callError(fe, 'decide_approval', { approval_id: asked.approval_id, decision: 'approve', decided_by: 'operator' });
    assert.match(decide, /^PERMISSION_DENIED: decide_approval is the operator's to call \(the human at brains tui or brains rpc\); client:claude-code cannot/);
    assert.equal((await admin.call('approval.get', { approval_id: asked.approval_id })).status, 'pending');
    await admin.call('approval.decide', { approval_id: asked.approval_id, decision: 'approve' });
    assert.equal((await call(fe, 'wait_approval', { approval_id: asked.approval_id })).decision, 'approve');

    const second = await connect(key);
    assert.deepEqual((await call(second, 'send_message', { project_id: 'shop', from_agent: 'backend', to_agent: 'frontend', payload: 'from be' })).recipients, ['frontend'], 'another window of the tool may be another agent');
    assert.match(await callError(second, 'send_message', { project_id: 'shop', from_agent: 'frontend', to_agent: 'backend', payload: 'x' }), /this session is backend/);

    // Refusals land in the audit trail under the key that was refused (the principal), with what it tried to act as.
    const refusals = (await admin.call('audit.list', { actor: 'client:claude-code', method: 'message.send', limit: 1000 })).rows.filter((r) => r.outcome === 'PERMISSION_DENIED');
    assert.ok(refusals.length >= 3, JSON.stringify(refusals));
    assert.ok(refusals.some((r) => r.acting_as === 'shop/operator'));
    const decideRows = (await admin.call('audit.list', { method: 'approval.decide' })).rows;
    assert.ok(decideRows.some((r) => r.actor === 'client:claude-code' && r.outcome === 'PERMISSION_DENIED'));

    const codexEnv = readFileSync(join(home, '.codex', '.env'), 'utf8');
    const codexKey = /^BRAINS_MCP_TOKEN=(\S+)$/m.exec(codexEnv)?.[1] as string;
    assert.notEqual(codexKey, key);
    assert.equal((await call(await connect(codexKey), 'version')).name, 'brains', 'the key Codex reads from ~/.codex/.env works');
  });

  test('the key survives a daemon restart and identity resumes with status; unwire revokes it at once; wiring again makes a new one', async () => {
    const key = claudeKey();
    await daemon.stop();
    daemon = await startDaemon({ home: daemon.home, env: { BRAINS_MCP_PORT: String(port) } });
    admin = await daemon.client();
    assert.equal((await admin.call('system.info')).mcp_url, url);

    const fe = await connect(key);
    const status = await call(fe, 'status', { working_directory: '/tmp/w/fe' });
    assert.deepEqual(status.projects.map((p: { agent_name: string }) => p.agent_name), ['frontend']);
    const sent = await call(fe, 'send_message', { project_id: 'shop', to_agent: 'backend', payload: 'after restart' });
    assert.deepEqual(sent.recipients, ['backend']);
    assert.match(await callError(fe, 'send_message', { project_id: 'shop', from_agent: 'backend', to_agent: 'frontend', payload: 'x' }), /PERMISSION_DENIED/);

    const unwired = await wire(['--tool', 'claude-code'], 'unwire');
    assert.equal(unwired.code, 0, unwired.stdout);
    assert.match(unwired.stdout, /claude-code: its MCP HTTP key is revoked/);
    assert.equal(await initializeStatus(key), 401, 'revoked without a daemon restart');
    await assert.rejects(fe.client.callTool({ name: 'version', arguments: {} }), 'a session opened with the key is cut off too');
    assert.equal(readFileSync(join(home, '.claude.json'), 'utf8'), '{"numStartups": 3}\n');

    assert.equal((await wire(['--transport', 'http', '--tool', 'claude-code', '--no-rules', '--no-hooks'])).code, 0);
    const fresh = claudeKey();
    assert.notEqual(fresh, key);
    assert.equal(await initializeStatus(fresh), 200);
    assert.equal(await initializeStatus(key), 401);
  });

  test('hostile keys: near misses, oversized, another tool name, a damaged or missing keys file all get 401; the admin key still works', async () => {
    const key = claudeKey();
    const flipped = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    for (const bad of [flipped, key.slice(0, -2), `${key}0`, key.toUpperCase(), 'brains_w_' + 'f'.repeat(64), `${key} ${key}`, 'x'.repeat(600)]) {
      assert.equal(await initializeStatus(bad), 401, bad.slice(0, 20));
    }
    const keysFile = join(daemon.paths.keysDir, 'mcp-clients.json');
    const good = readFileSync(keysFile, 'utf8');
    writeFileSync(keysFile, '{"clients": [');
    assert.equal(await initializeStatus(key), 401, 'a damaged keys file holds no keys');
    const adminKey = readFileSync(daemon.paths.adminKey, 'utf8').trim();
    assert.equal(await initializeStatus(adminKey), 200);
    const damaged = await wire(['--transport', 'http', '--tool', 'gemini']);
    assert.equal(damaged.code, 1);
    assert.match(damaged.stderr, /not valid JSON; fix it or delete it/);
    writeFileSync(keysFile, good);
    chmodSync(keysFile, 0o600);
    assert.equal(await initializeStatus(key), 200, 'picked up again once repaired');
    rmSync(keysFile);
    assert.equal(await initializeStatus(key), 401);
    writeFileSync(keysFile, good, { mode: 0o600 });
  });
});

describe('per-agent tokens stay inside their scope', () => {
  const { client: admin } = withDaemon({ env: { BRAINS_MCP_PORT: '0' } });
  let url: string;
  const open: Http[] = [];

  before(async () => {
    url = (await admin.call('system.info')).mcp_url!;
    for (const project of ['alpha', 'beta']) await admin.call('project.create', { project_id: project, name: project });
    // One working directory with an identity in two projects: a token for alpha must not reveal beta.
    await admin.call('project.join', { project_id: 'alpha', agent_name: 'dev', working_directory: '/tmp/w/both' });
    await admin.call('project.join', { project_id: 'beta', agent_name: 'dev', working_directory: '/tmp/w/both' });
    await admin.call('message.send', { project_id: 'beta', from_agent: 'operator', to_agent: 'dev', payload: 'beta secret' });
    await admin.call('lock.acquire', { key: 'beta/plan.md', holder: { project_id: 'beta', agent_name: 'dev' } });
  });
  after(async () => {
    for (const http of open) await http.client.close().catch(() => {});
  });

  test('status by working directory shows only the token\'s project; holding a lock for another session is refused', async () => {
    const { token } = await admin.call('mcp.token', { project_id: 'alpha', agent_name: 'dev' });
    const dev = await openHttp(url, token);
    open.push(dev);
    const status = await call(dev, 'status', { working_directory: '/tmp/w/both' });
    assert.deepEqual(status.projects.map((p: { project_id: string }) => p.project_id), ['alpha']);
    assert.equal(status.total_projects, 1);
    assert.equal(status.total_unread_messages, 0, 'beta\'s unread mail is not counted');
    assert.ok(status.identity_reminder.every((line: string) => !line.includes('beta')));
    assert.deepEqual(status.locks, [], 'beta\'s lease is not shown');

    const session = await admin.call('session.start', { tool: 'other', working_directory: '/tmp/w/other' });
    const refused = await callError(dev, 'lock_acquire', { key: 'alpha/x.ts', holder: { session_id: session.session_id } });
    assert.match(refused, /^PERMISSION_DENIED: .*cannot act for session/);
    assert.equal((await admin.call('lock.list', {})).locks.length, 1, 'only beta\'s lease exists');
    const own = await call(dev, 'lock_acquire', { key: 'alpha/x.ts' });
    assert.deepEqual(own.holder, { project_id: 'alpha', agent_name: 'dev' });
  });
});
