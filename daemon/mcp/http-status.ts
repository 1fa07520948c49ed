// What system.info says of the MCP HTTP endpoint: where it listens, or why it does not and what to do about it.
import type { McpHttpStatus } from '../../rpc/contract/system.js';

export interface McpHttpFacts {
  /** The port asked for (0: any free one); null when MCP HTTP is turned off. */
  configuredPort: number | null;
  /** The listening server, if any. */
  server: { url: string; port: number; sessionCount: number } | null;
  /** The default port was in use when the daemon started, so it serves no MCP HTTP. */
  portTaken: boolean;
}

export function mcpHttpStatus({ configuredPort, server, portTaken }: McpHttpFacts): McpHttpStatus {
  if (server) return { state: 'on', url: server.url, port: server.port, reason: null, sessions: server.sessionCount };
  const off = { url: null, sessions: 0 };
  if (configuredPort === null) {
    return { ...off, state: 'disabled', port: null, reason: 'turned off (--mcp-port off or BRAINS_MCP_PORT=off); give it a port and restart the daemon to serve it' };
  }
  if (portTaken) {
    return {
      ...off,
      state: 'port_taken',
      port: configuredPort,
      reason: `port ${configuredPort} was in use when the daemon started; set --mcp-port or BRAINS_MCP_PORT to another port (0 for any free one) and restart the daemon`,
    };
  }
  return { ...off, state: 'stopped', port: configuredPort, reason: 'not listening: the daemon is starting or stopping' };
}
