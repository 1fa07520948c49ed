// Doctor: the MCP HTTP and gateway ports. Asked of the running daemon; with none running, tried: free, taken by another process, or off.
import { createServer } from 'node:http';
import type { GatewayStatus, McpHttpStatus } from '../../rpc/contract/system.js';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { listenOnLoopback } from '../../daemon/http/listen.js';
import { check, type Check } from './check.js';
import type { DaemonProbe } from './daemon.js';

interface Face {
  name: 'mcp' | 'gateway';
  title: string;
  flag: string;
  env: string;
}

const FACES: readonly Face[] = [
  { name: 'mcp', title: 'MCP HTTP', flag: '--mcp-port', env: 'BRAINS_MCP_PORT' },
  { name: 'gateway', title: 'the model gateway', flag: '--gateway-port', env: 'BRAINS_GATEWAY_PORT' },
];

function whoHolds(port: number): string {
  return `ss -ltnp 'sport = :${port}' shows what holds it`;
}

/** What the running daemon said of one HTTP face. */
export function faceCheck(face: Face, status: McpHttpStatus | GatewayStatus | undefined): Check {
  const { name, title } = face;
  if (status === undefined) return check('ports', name, 'info', `${title}: the daemon does not say (an older daemon)`);
  switch (status.state) {
    case 'on':
      return check('ports', name, 'ok', `${title} on ${status.url ?? `port ${status.port}`}`);
    case 'port_taken':
      return check('ports', name, 'warn', `${title} is off: port ${status.port} was taken by another process when the daemon started`, {
        fix: `free port ${status.port} (${whoHolds(status.port ?? 0)}) and restart the daemon (brains down && brains up), or give it another: brains down && brains up ${face.flag} PORT`,
      });
    case 'disabled':
      return check('ports', name, 'info', `${title} is off: ${status.reason ?? `turned off with ${face.flag} off`}`);
    default:
      return check('ports', name, 'info', `${title} is not listening: ${status.reason ?? status.state}`);
  }
}

/** Tries to bind 127.0.0.1:port; null when it is free, else the error code (EADDRINUSE, EACCES). */
export async function bindProblem(port: number): Promise<string | null> {
  const server = createServer();
  try {
    await listenOnLoopback(server, port);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }
}

async function triedCheck(face: Face, port: number | null, isDefault: boolean): Promise<Check> {
  const { name, title } = face;
  if (port === null) return check('ports', name, 'info', `${title} is off (${face.flag} off or ${face.env}=off)`);
  if (port === 0) return check('ports', name, 'info', `${title} takes any free port when the daemon starts (${face.env}=0)`);
  const problem = await bindProblem(port);
  if (problem === null) return check('ports', name, 'ok', `port ${port} is free for ${title}`);
  const taken = problem === 'EADDRINUSE' ? `port ${port} is taken by another process` : `port ${port} cannot be bound (${problem})`;
  if (isDefault) {
    return check('ports', name, 'warn', `${taken}: ${title} stays off when the daemon starts`, {
      fix: `free it (${whoHolds(port)}), or start brains with another: brains up ${face.flag} PORT`,
    });
  }
  return check('ports', name, 'problem', `${taken}, and ${face.flag} (or ${face.env}) asks for it: the daemon will not start`, {
    fix: `free it (${whoHolds(port)}), or set ${face.env} to another port (0 for any free one)`,
  });
}

export async function portChecks(probe: DaemonProbe, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  if (probe.state === 'up') {
    const { info } = probe;
    const checks = [faceCheck(FACES[0]!, info.mcp_http), faceCheck(FACES[1]!, info.gateway)];
    if (info.gateway?.config_problem) {
      checks.push(check('ports', 'gateway-config', 'warn', `gateway.json was refused: ${info.gateway.config_problem}`, { fix: 'fix gateway.json (brains rpc gateway.config_get shows what serves); the last good configuration serves meanwhile' }));
    }
    return checks;
  }
  if (probe.state === 'silent') return [check('ports', 'ports', 'info', 'not checked: the daemon that may hold them does not answer')];
  let config;
  try {
    config = loadConfig([], env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [check('ports', 'settings', 'problem', `the daemon will not start: ${error.message}`, { fix: 'correct or unset that environment variable' })];
  }
  return Promise.all([triedCheck(FACES[0]!, config.mcpPort, config.mcpPortIsDefault), triedCheck(FACES[1]!, config.gatewayPort, config.gatewayPortIsDefault)]);
}
