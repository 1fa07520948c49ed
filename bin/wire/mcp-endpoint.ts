// Where the running daemon serves MCP HTTP (its real port, not a guess from the environment), and whether a wired URL answers.
import { BrainsClient } from '../../rpc/client.js';
import type { StatePaths } from '../../rpc/paths.js';

export type Endpoint = { url: string } | { problem: string };

/** Asks the running daemon (never starts one) where MCP HTTP listens; says what to do when nothing does. */
export async function daemonEndpoint(paths: StatePaths): Promise<Endpoint> {
  let client: BrainsClient;
  try {
    client = await BrainsClient.connect(paths.socket);
  } catch {
    return { problem: `no brains daemon is running at ${paths.socket} to serve MCP HTTP; start it with brains up, then run this again (or use --transport stdio)` };
  }
  try {
    const info = await client.call('system.info');
    if (info.mcp_http.state === 'on' && info.mcp_http.url !== null) return { url: info.mcp_http.url };
    return { problem: `the daemon serves no MCP HTTP: ${info.mcp_http.reason ?? info.mcp_http.state}; or use --transport stdio` };
  } catch (error) {
    return { problem: `could not ask the daemon where MCP HTTP listens: ${(error as Error).message}` };
  } finally {
    await client.close();
  }
}

const PROBE_TIMEOUT_MS = 3000;

/**
 * Knocks on a wired MCP URL with its key, without opening a session: the endpoint answers a keyed GET that has no
 * session with 400, an unknown key with 401. Returns null when it answers and takes the key, else what is wrong.
 */
export async function endpointProblem(url: string, key: string | null): Promise<string | null> {
  let status: number;
  try {
    const response = await fetch(url, { headers: key ? { Authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    status = response.status;
    await response.body?.cancel();
  } catch {
    return `nothing answers at ${url}: start the daemon (brains up) or run brains wire --transport http again to point it at the daemon's port`;
  }
  if (status === 401) return `${url} refuses its key: run brains wire --transport http again`;
  if (status !== 400) return `${url} answered HTTP ${status}, not as the brains MCP endpoint: run brains wire --transport http again`;
  return null;
}
