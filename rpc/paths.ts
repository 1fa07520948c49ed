// Where brains keeps its state: one directory (BRAINS_HOME) holds the db, socket, logs, keys and pidfile.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StatePaths {
  home: string;
  socket: string;
  db: string;
  config: string;
  /** The model gateway's providers, models, tiers and prices; reloaded when it changes. */
  gatewayConfig: string;
  pidfile: string;
  instanceLock: string;
  startLock: string;
  /** Present while the user has stopped the daemon with `brains down`: automatic clients do not start it then. */
  stoppedMarker: string;
  logDir: string;
  daemonLog: string;
  /** Scheduled backups, the automatic one taken before a migration, and the state a restore replaced. */
  backupsDir: string;
  keysDir: string;
  /** The MCP HTTP admin key (0600), made on the daemon's first start. */
  adminKey: string;
  /** `brains demo`: the pid of its running driver, the lock only one driver holds, and its log. */
  demoPidfile: string;
  demoLock: string;
  demoLog: string;
}

// A Unix socket path longer than this fails to bind on Linux (sun_path is 108 bytes with the NUL).
export const MAX_SOCKET_PATH_BYTES = 107;

export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BRAINS_HOME;
  return fromEnv && fromEnv.trim() !== '' ? resolve(fromEnv) : join(homedir(), '.brains');
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const home = stateHome(env);
  const socket = env.BRAINS_SOCKET && env.BRAINS_SOCKET.trim() !== '' ? resolve(env.BRAINS_SOCKET) : join(home, 'brains.sock');
  const logDir = join(home, 'logs');
  const keysDir = join(home, 'keys');
  return {
    home,
    socket,
    db: join(home, 'brains.db'),
    config: join(home, 'config.json'),
    gatewayConfig: join(home, 'gateway.json'),
    pidfile: join(home, 'daemon.pid'),
    instanceLock: join(home, 'daemon.lock'),
    startLock: join(home, 'start.lock'),
    stoppedMarker: join(home, 'stopped'),
    logDir,
    daemonLog: join(logDir, 'daemon.log'),
    backupsDir: join(home, 'backups'),
    keysDir,
    adminKey: join(keysDir, 'admin.key'),
    demoPidfile: join(home, 'demo.pid'),
    demoLock: join(home, 'demo.lock'),
    demoLog: join(logDir, 'demo.log'),
  };
}

export function socketPathProblem(socket: string): string | null {
  const bytes = Buffer.byteLength(socket);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    return `socket path is ${bytes} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit for Unix sockets; set BRAINS_HOME to a shorter directory or BRAINS_SOCKET to a shorter socket path`;
  }
  return null;
}
