// The entries brains wire writes, started the way each tool starts them (its own expansion, its own forwarding), tell the
// daemon which tool and which agent a brains mcp is: BRAINS_TOOL, BRAINS_AGENT and BRAINSTORM_CLIENT_ID arrive.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { call, openMcp } from '../helpers/mcp-stdio.js';

type Env = Record<string, string>;

/** Gemini CLI: `${VAR}` in env reads its own environment; an unset variable becomes "". */
function asGeminiExpands(env: Env, own: Env): Env {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{(\w+)\}/g, (_, name: string) => own[name] ?? '')]));
}

/** The worst a tool may do with an unset variable: leave the reference as it is. */
function asLeftUnexpanded(env: Env, own: Env): Env {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{(\w+)\}/g, (ref, name: string) => own[name] ?? ref)]));
}

/** Codex: the [mcp_servers.brains.env] table, plus each variable env_vars names that is set in Codex's environment. */
function asCodexStarts(toml: string, own: Env): Env {
  const names = JSON.parse(/^env_vars = (\[.*\])$/m.exec(toml)?.[1] ?? '[]') as string[];
  const table = toml.slice(toml.indexOf('[mcp_servers.brains.env]'));
  const literal = Object.fromEntries([...table.matchAll(/^(\w+) = (".*")$/gm)].map((m) => [m[1], JSON.parse(m[2]!) as string]));
  return { ...literal, ...Object.fromEntries(names.filter((name) => own[name] !== undefined).map((name) => [name, own[name]!])) };
}

/** Every agent variable present, so none leaks in from the environment these tests run in. */
const NONE: Env = { BRAINS_AGENT: '', BRAINS_CLIENT_ID: '', BRAINSTORM_CLIENT_ID: '', BRAINS_AGENT_TOKEN: '', BRAINS_TOOL: '' };

describe('what wire forwards reaches brains mcp', () => {
  const { daemon, client: admin } = withDaemon();
  const home = tempHome();
  after(() => rmSync(home, { recursive: true, force: true }));
  const entryEnv = (file: string, container: string): Env =>
    (JSON.parse(readFileSync(join(home, file), 'utf8')) as Record<string, Record<string, { env: Env }>>)[container]!.brains!.env;

  const registeredAs = async (env: Env) => {
    const mcp = await openMcp(daemon, { env: { ...NONE, ...env } });
    try {
      const me = (await call(mcp, 'status')) as { client_id: string; projects: Array<{ agent_name: string }> };
      const session = (await admin.call('session.list', {})).sessions.find((s) => s.working_directory === mcp.dir);
      return { names: me.projects.map((p) => p.agent_name), clientId: me.client_id, tool: session?.tool, stderr: mcp.stderr() };
    } finally {
      await mcp.close();
    }
  };

  test('Gemini CLI, Copilot CLI and Codex each pass the agent on; every entry says its tool', async () => {
    await admin.call('project.create', { project_id: 'fwd', name: 'fwd' });
    for (const agent of ['alice', 'bob', 'carol']) await admin.call('project.join', { project_id: 'fwd', agent_name: agent, client_id: `fwd-${agent}` });
    const wired = await runCli(['wire', '--tool', 'gemini', '--tool', 'copilot', '--tool', 'codex', '--no-rules', '--no-hooks'], { home: daemon.home, env: { HOME: home } });
    assert.equal(wired.code, 0, wired.stdout + wired.stderr);

    const gemini = await registeredAs(asGeminiExpands(entryEnv('.gemini/settings.json', 'mcpServers'), { BRAINS_AGENT: 'alice' }));
    assert.deepEqual(gemini, { names: ['alice'], clientId: 'fwd-alice', tool: 'gemini', stderr: gemini.stderr });

    // The references to unset variables arrive as written: brains mcp reads them as not given, not as names.
    const copilot = await registeredAs(asLeftUnexpanded(entryEnv('.copilot/mcp-config.json', 'mcpServers'), { BRAINSTORM_CLIENT_ID: 'fwd-bob' }));
    assert.deepEqual(copilot, { names: ['bob'], clientId: 'fwd-bob', tool: 'copilot', stderr: copilot.stderr });
    assert.doesNotMatch(copilot.stderr, /not a name brains accepts/);

    const codex = await registeredAs(asCodexStarts(readFileSync(join(home, '.codex/config.toml'), 'utf8'), { BRAINS_AGENT: 'carol', UNRELATED: 'x' }));
    assert.deepEqual(codex, { names: ['carol'], clientId: 'fwd-carol', tool: 'codex', stderr: codex.stderr });
  });
});
