// What an agent process starts with: an explicit environment (nothing inherited by accident), its token, and the MCP
// config file that puts it in the fabric through `brains mcp`.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentRow } from '../store/agents.js';
import type { AgentSpec } from './driver.js';

/** Variables an agent CLI needs from the daemon's own environment to run at all (its login, its locale, its proxy). */
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TMPDIR', 'TZ', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
/** Vendors' own settings (keys, endpoints, config dirs) pass through too. */
const VENDOR_PREFIXES = /^(ANTHROPIC_|CLAUDE_|CLAUDE_CODE_|OPENAI_|CODEX_|GEMINI_|GOOGLE_|AWS_|AZURE_|VERTEX_|BRAINS_CLAUDE_PATH$)/;

const BRAINS_CLI = fileURLToPath(new URL('../../bin/brains.js', import.meta.url));
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface SpecInputs {
  daemonEnv: NodeJS.ProcessEnv;
  stateHome: string;
  socket: string;
  /** The agent's token for this process (minted at its start), or null when it is not put in the fabric. */
  token: string | null;
  /** The model gateway's base URL, or null when it does not listen. */
  gatewayUrl?: string | null;
  maxOutputBytes?: number;
}

export function agentEnvironment(agent: AgentRow, inputs: SpecInputs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs.daemonEnv)) {
    if (value !== undefined && (PASSED_THROUGH.includes(name) || VENDOR_PREFIXES.test(name))) env[name] = value;
  }
  const filled: Record<string, string> = { BRAINS_AGENT_TOKEN: inputs.token ?? '', BRAINS_GATEWAY_URL: inputs.gatewayUrl ?? '' };
  // ${BRAINS_AGENT_TOKEN} and ${BRAINS_GATEWAY_URL} in the agent's own env: how its CLI sends its model traffic through
  // the gateway as itself (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN, OPENAI_BASE_URL, OPENAI_API_KEY).
  for (const [name, value] of Object.entries(JSON.parse(agent.env) as Record<string, string>)) {
    env[name] = value.replace(/\$\{(BRAINS_AGENT_TOKEN|BRAINS_GATEWAY_URL)\}/g, (_whole, ref: string) => filled[ref]!);
  }
  env.BRAINS_HOME = inputs.stateHome;
  env.BRAINS_SOCKET = inputs.socket;
  env.BRAINS_TOOL = 'managed';
  env.BRAINS_AGENT = agent.agent_name;
  if (inputs.token !== null) env.BRAINS_AGENT_TOKEN = inputs.token;
  if (inputs.gatewayUrl) env.BRAINS_GATEWAY_URL = inputs.gatewayUrl;
  return env;
}

/** Write the agent's MCP config (0600, replaced on every start); returns its path. */
export function writeMcpConfig(agent: AgentRow, inputs: SpecInputs, token: string): string {
  const dir = join(inputs.stateHome, 'agents', agent.agent_name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = join(dir, 'mcp.json');
  const config = {
    mcpServers: {
      brains: {
        type: 'stdio',
        command: process.execPath,
        args: [BRAINS_CLI, 'mcp', '--no-start'],
        env: { BRAINS_HOME: inputs.stateHome, BRAINS_SOCKET: inputs.socket, BRAINS_TOOL: 'managed', BRAINS_AGENT: agent.agent_name, BRAINS_AGENT_TOKEN: token },
      },
    },
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function specOf(agent: AgentRow, inputs: SpecInputs, mcpConfigPath: string | null): AgentSpec {
  return {
    agentName: agent.agent_name,
    workingDirectory: agent.working_directory,
    model: agent.model,
    systemPrompt: agent.system_prompt,
    addDirs: JSON.parse(agent.add_dirs) as string[],
    env: agentEnvironment(agent, inputs),
    nativeSessionId: agent.native_session_id,
    mcpConfigPath,
    command: agent.command === null ? null : (JSON.parse(agent.command) as string[]),
    maxOutputBytes: inputs.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
}
