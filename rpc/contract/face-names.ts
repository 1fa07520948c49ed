// Hints name the next call in the caller's own face: a socket client reads method names, an MCP agent its tool names.
import { contract } from './index.js';
import type { MethodDef } from './define.js';

/** How a caller reaches the daemon: the JSON-RPC socket (brains rpc, the cockpit, scripts) or MCP tools (agents). */
export type Face = 'socket' | 'mcp';

const toolNames = new Map(Object.entries(contract as Record<string, MethodDef>).flatMap(([method, def]) => (def.mcpTool ? [[method, def.mcpTool] as const] : [])));

/** The MCP tool that offers the method to agents, or undefined when agents cannot call it as a tool. */
export function mcpToolOf(method: string): string | undefined {
  return toolNames.get(method);
}

/** What a caller of this face calls the method: its tool name over MCP (when it has one), else the method itself. */
export function nameIn(face: Face, method: string): string {
  return face === 'mcp' ? (mcpToolOf(method) ?? method) : method;
}

/** A hint written in method names (as the daemon writes every hint), with each known method renamed for the face. */
export function inFaceNames(face: Face, text: string): string {
  if (face === 'socket') return text;
  return text.replace(/\b[a-z_]+\.[a-z_]+\b/g, (match) => nameIn(face, match));
}
