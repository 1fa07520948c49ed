// The logging capability over MCP HTTP and stdio: logging/setLevel, then each call's lines as notifications/message at or
// above the level and none below, nothing before a level is chosen, and a bad level answered with the levels to choose from.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EmptyResultSchema, LoggingMessageNotificationSchema, McpError, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { call, callError, openHttp, type Http } from '../helpers/mcp-http.js';
import { openMcp } from '../helpers/mcp-stdio.js';

type Line = LoggingMessageNotification['params'];

/** Every notifications/message the client receives, in order. */
function collectLines(client: Client): Line[] {
  const lines: Line[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void lines.push(notification.params));
  return lines;
}

const text = (line: Line) => String((line.data as { message?: unknown }).message);
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const severity = (line: Line) => LEVELS.indexOf(line.level);

describe('MCP logging over HTTP', () => {
  let daemon: TestDaemon;
  let http: Http;
  let lines: Line[];

  before(async () => {
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0', BRAINS_LOG_LEVEL: 'debug' } });
    const admin = await daemon.client();
    const url = (await admin.call('system.info')).mcp_url!;
    http = await openHttp(url, readFileSync(daemon.paths.adminKey, 'utf8').trim());
    lines = collectLines(http.client);
  });
  after(async () => {
    await http?.client.close().catch(() => {});
    await daemon?.cleanup();
  });

  /** Make one call and return the lines it brought, once its last expected line is in. */
  async function linesOf(work: () => Promise<unknown>, last: RegExp): Promise<Line[]> {
    const from = lines.length;
    await work();
    await waitFor(() => lines.slice(from).some((line) => last.test(text(line))), 10_000, `a line matching ${last}`);
    return lines.slice(from);
  }

  test('the server offers the logging capability; before a level is chosen nothing is sent', async () => {
    assert.deepEqual(http.client.getServerCapabilities()?.logging, {});
    await call(http, 'list_projects');
    await callError(http, 'join_project', { project_id: 'nowhere', agent_name: 'x', working_directory: '/tmp/x' });
    // A call after setLevel brings its lines: had the calls before brought any, they would have come first.
    await http.client.setLoggingLevel('debug');
    const first = await linesOf(() => call(http, 'list_projects'), /answered/);
    assert.equal(lines.length, first.length, `no lines before setLevel: ${JSON.stringify(lines.slice(0, lines.length - first.length))}`);
  });

  test('at info: the answered line, no debug line; a refusal is a warning naming its code', async () => {
    await http.client.setLoggingLevel('info');
    const ok = await linesOf(() => call(http, 'list_projects'), /answered/);
    assert.deepEqual(
      ok.map((line) => [line.level, text(line)]),
      [['info', 'list_projects (project.list): answered']],
    );
    assert.equal(ok[0]!.logger, 'brains');
    assert.equal((ok[0]!.data as { method: string }).method, 'project.list');

    const refused = await linesOf(() => callError(http, 'join_project', { project_id: 'nowhere', agent_name: 'x', working_directory: '/tmp/x' }), /join_project/);
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.equal(refused[0]!.level, 'warning');
    assert.match(text(refused[0]!), /^join_project \(project\.join\): NOT_FOUND: /);
    assert.equal((refused[0]!.data as { code: string }).code, 'NOT_FOUND');
  });

  test('at warning: a call that is answered sends nothing; a refused one sends its warning', async () => {
    await http.client.setLoggingLevel('warning');
    const from = lines.length;
    await call(http, 'list_projects');
    const refused = await linesOf(() => callError(http, 'join_project', { project_id: 'nowhere', agent_name: 'x', working_directory: '/tmp/x' }), /NOT_FOUND/);
    assert.equal(lines.length - from, refused.length, 'the answered call sent no line');
    assert.ok(refused.every((line) => severity(line) >= severity({ level: 'warning' } as Line)), JSON.stringify(refused));
  });

  test('at debug: called, then answered, on the stream of the request they are about', async () => {
    await http.client.setLoggingLevel('debug');
    const all = await linesOf(() => call(http, 'version'), /answered/);
    assert.deepEqual(
      all.map((line) => [line.level, text(line)]),
      [
        ['debug', 'system.info: called'],
        ['info', 'system.info: answered'],
      ],
    );
  });

  test('the same lines are in the daemon log at debug, with the session', async () => {
    await waitFor(() => /MCP HTTP list_projects \(project\.list\): answered .*session=[0-9a-f-]{36}/.test(daemon.stderr()), 10_000, 'the daemon log line');
  });

  test('a level that is not one of the eight is Invalid params naming them; the level chosen before stays', async () => {
    await http.client.setLoggingLevel('error');
    for (const level of ['verbose', 'WARNING', '', 42, null]) {
      const refused = await http.client.request({ method: 'logging/setLevel', params: { level } } as never, EmptyResultSchema).then(
        () => assert.fail(`level ${JSON.stringify(level)} was accepted`),
        (error: unknown) => error as McpError,
      );
      assert.ok(refused instanceof McpError, String(refused));
      assert.equal(refused.code, -32602, refused.message);
      assert.match(refused.message, /level must be one of debug, info, notice, warning, error, critical, alert, emergency; got /);
    }
    const missing = await http.client.request({ method: 'logging/setLevel', params: {} } as never, EmptyResultSchema).catch((error: McpError) => error);
    assert.match(String((missing as McpError).message), /got nothing/);
    // At error a refusal (a warning) is not sent: the bad levels left it at error. A call made after it at debug brings
    // only its own lines, so the refusal's would have come before them.
    const from = lines.length;
    await callError(http, 'join_project', { project_id: 'nowhere', agent_name: 'x', working_directory: '/tmp/x' });
    await http.client.setLoggingLevel('debug');
    const next = await linesOf(() => call(http, 'list_projects'), /answered/);
    assert.deepEqual(lines.slice(from), next);
    assert.ok(next.every((line) => /list_projects/.test(text(line))), JSON.stringify(next));
  });
});

describe('MCP logging over stdio (brains mcp)', () => {
  test('setLevel, then a call brings its lines at or above the level, and none below', async () => {
    const daemon = await startDaemon();
    const mcp = await openMcp(daemon);
    try {
      assert.deepEqual(mcp.client.getServerCapabilities()?.logging, {});
      const lines = collectLines(mcp.client);
      await mcp.client.setLoggingLevel('info');
      await mcp.client.callTool({ name: 'list_projects', arguments: {} });
      await waitFor(() => lines.some((line) => /answered/.test(text(line))), 10_000, 'the answered line');
      assert.deepEqual(
        lines.map((line) => [line.level, text(line)]),
        [['info', 'list_projects (project.list): answered']],
      );
      await assert.rejects(mcp.client.request({ method: 'logging/setLevel', params: { level: 'loud' } } as never, EmptyResultSchema), /level must be one of debug, info/);
    } finally {
      await mcp.close();
      await daemon.cleanup();
    }
  });
});
