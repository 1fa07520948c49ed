// The brains MCP server as the agent's MCP config file names it (spec.ts writes it): each protocol hands it on its own way.
import { readFileSync } from 'node:fs';
import { isRecord } from './tool-summary.js';

export interface McpServer {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The `brains` entry of the config file, or null when there is none (an agent not put in the fabric). */
export function brainsMcpServer(mcpConfigPath: string | null): McpServer | null {
  if (!mcpConfigPath) return null;
  let server: unknown;
  try {
    server = (JSON.parse(readFileSync(mcpConfigPath, 'utf8')) as { mcpServers?: { brains?: unknown } }).mcpServers?.brains;
  } catch {
    return null;
  }
  if (!isRecord(server) || typeof server.command !== 'string' || !Array.isArray(server.args)) return null;
  const env = isRecord(server.env) ? Object.fromEntries(Object.entries(server.env).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  return { command: server.command, args: server.args.filter((arg): arg is string => typeof arg === 'string'), env };
}
