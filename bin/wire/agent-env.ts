// Who an agent is travels in environment variables, and some tools start MCP servers with only part of theirs: how each tool's entry carries them.
import type { ToolName } from './targets.js';

/** What `brains mcp` reads to tell which agent it is (BRAINS_AGENT wins over the working directory). */
export const AGENT_VARIABLES = ['BRAINS_AGENT', 'BRAINS_CLIENT_ID', 'BRAINSTORM_CLIENT_ID', 'BRAINS_AGENT_TOKEN'] as const;

const TOOL_VARIABLE = 'BRAINS_TOOL';

/**
 * inherit: the tool starts stdio servers with its whole environment; reference: it passes a filtered one but expands
 * `${VAR}` in the entry's env; env_vars: Codex, which forwards the variables its table names; unreachable: neither.
 */
type Passage = 'inherit' | 'reference' | 'env_vars' | 'unreachable';

interface AgentEnvRule {
  /** The BRAINS_TOOL value for this tool: the daemon's names, `other` where it has none. */
  tool: string;
  passage: Passage;
}

const RULES: Record<ToolName, AgentEnvRule> = {
  // Claude Code starts stdio servers with its own environment (it documents `${VAR}` expansion for .mcp.json only).
  'claude-code': { tool: 'claude-code', passage: 'inherit' },
  codex: { tool: 'codex', passage: 'env_vars' },
  // Copilot CLI passes MCP servers a filtered environment; `${VAR}` in env reads its own.
  copilot: { tool: 'copilot', passage: 'reference' },
  // Gemini CLI withholds variables whose names look secret (*TOKEN*, *KEY*, ...) unless env names them; unset ones expand to "".
  gemini: { tool: 'gemini', passage: 'reference' },
  cursor: { tool: 'cursor', passage: 'inherit' },
  // VS Code lays env over its extension host's environment; several agents run in it, none of them a BRAINS_TOOL name.
  vscode: { tool: 'other', passage: 'inherit' },
  // Claude Desktop passes only USER, HOME, PATH and the like, and expands nothing.
  'claude-desktop': { tool: 'other', passage: 'unreachable' },
};

/** The literal `env` members wire adds to a tool's stdio entry. */
export function agentEnvOf(tool: ToolName): Record<string, string> {
  const rule = RULES[tool];
  const env: Record<string, string> = { [TOOL_VARIABLE]: rule.tool };
  if (rule.passage === 'reference') for (const name of AGENT_VARIABLES) env[name] = `\${${name}}`;
  return env;
}

/** The variables a Codex table forwards from Codex's own environment (`env_vars`). */
export function forwardedByName(tool: ToolName): readonly string[] {
  return RULES[tool].passage === 'env_vars' ? AGENT_VARIABLES : [];
}

/** Said in --status for a tool whose agents cannot name themselves to brains mcp through the environment. */
export function agentEnvNotes(tool: ToolName): string[] {
  return RULES[tool].passage === 'unreachable' ? [`${AGENT_VARIABLES.join(', ')} cannot reach brains mcp: it passes MCP servers only a few variables of its own`] : [];
}
