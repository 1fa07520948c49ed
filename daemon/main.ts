// The composition root: start order (lock, store, bus, planes, socket) and the reverse order on a graceful stop.
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { contract } from '../rpc/contract/index.js';
import { BrainsError } from '../rpc/errors.js';
import { DAEMON_ALREADY_RUNNING_EXIT } from '../rpc/autostart.js';
import { socketPathProblem, statePaths, type StatePaths } from '../rpc/paths.js';
import { ConfigError, loadConfig, type DaemonConfig } from './config.js';
import { createLogger, shouldColor, type Logger } from './log.js';
import { acquireInstanceLock, type InstanceLock } from './lifecycle/instance-lock.js';
import { readPidfile, removePidfile, writePidfile } from './lifecycle/pidfile.js';
import { Store } from './store/index.js';
import { SchemaTooNewError } from './store/migrations/index.js';
import { EventBus } from './events/bus.js';
import { createMutate } from './events/mutate.js';
import { Subscriptions } from './events/subscriptions.js';
import { Dispatcher } from './server/dispatcher.js';
import { SocketServer } from './server/socket-server.js';
import { createHandlers } from './planes/index.js';
import type { MaintenanceReport, PlaneDeps } from './planes/shared/deps.js';
import { VERSION } from './version.js';
import { RuntimeSettings, SettingsFileError } from './settings.js';
import { AuditTrail, loadAuditKey } from './audit.js';
import { ClientKeyRing } from './http/client-keys.js';
import { createHooks } from './planes/shared/hooks.js';
import { Reaper } from './planes/sessions/reaper.js';
import { McpHttpServer } from './mcp/http-server.js';
import { loadAdminKey } from './http/auth.js';

export const EXIT_ALREADY_RUNNING = DAEMON_ALREADY_RUNNING_EXIT;

/** Run the daemon in this process until it is stopped; resolves with the process exit code. */
export async function runDaemon(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: DaemonConfig;
  try {
    config = loadConfig(args, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`brains daemon: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const log = createLogger({ format: config.logFormat, level: config.logLevel, color: !config.detached && shouldColor(process.stderr, env) });
  const paths = statePaths(env);
  const problem = socketPathProblem(paths.socket);
  if (problem) {
    log.error(problem);
    return 2;
  }
  prepareStateDir(paths);

  const lock = acquireInstanceLock(paths.instanceLock);
  if (!lock) {
    const pid = readPidfile(paths.pidfile);
    log.error(`a brains daemon is already running for ${paths.home}${pid ? ` (pid ${pid})` : ''}; use brains status, or brains down to stop it`);
    return EXIT_ALREADY_RUNNING;
  }

  let settings: RuntimeSettings;
  try {
    settings = new RuntimeSettings(paths.config);
  } catch (error) {
    lock.release();
    if (error instanceof SettingsFileError) {
      log.error(error.message);
      return 1;
    }
    throw error;
  }

  let store: Store;
  try {
    store = Store.open(paths.db);
  } catch (error) {
    lock.release();
    if (error instanceof SchemaTooNewError) {
      log.error(error.message);
      return 1;
    }
    throw error;
  }

  try {
    const daemon = await startServices(paths, config, settings, store, lock, log);
    return await daemon.stopped;
  } catch (error) {
    log.error('the daemon could not start', { error: error instanceof Error ? error.message : String(error) });
    store.close();
    lock.release();
    return 1;
  }
}

function prepareStateDir(paths: StatePaths): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  chmodSync(paths.home, 0o700);
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
}

/** A socket file left by a daemon that died (we hold the lock, so nobody else is listening on it). */
function removeStaleSocket(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; move it away or set BRAINS_SOCKET`);
  unlinkSync(path);
}

async function startServices(paths: StatePaths, config: DaemonConfig, settings: RuntimeSettings, store: Store, lock: InstanceLock, log: Logger) {
  const startedAt = new Date();
  const audit = new AuditTrail(store, loadAuditKey(paths.keysDir));
  const hooks = createHooks();
  const bus = new EventBus();
  let checkpointTimer: NodeJS.Timeout | null = null;
  const scheduleCheckpoint = () => {
    if (checkpointTimer) checkpointTimer.refresh();
    else {
      checkpointTimer = setTimeout(() => {
        checkpointTimer = null;
        store.checkpoint();
      }, config.checkpointIdleMs);
      checkpointTimer.unref();
    }
  };
  const mutate = createMutate(store, bus, { onCommit: scheduleCheckpoint, checkEvents: config.checkResults });
  const subscriptions = new Subscriptions(store.events, bus);

  const maintain = (): MaintenanceReport => {
    const walBefore = store.sizeBytes().wal;
    const olderThan = config.eventRetentionSeconds === null ? null : new Date(Date.now() - config.eventRetentionSeconds * 1000).toISOString();
    const pruned = store.transaction(() => store.events.prune(olderThan, config.eventRetentionMax));
    store.checkpoint();
    if (pruned > 0) log.info('pruned events past retention', { count: pruned });
    return {
      pruned_events: pruned,
      oldest_seq: store.events.oldest(),
      head_seq: store.events.head(),
      wal_bytes_before: walBefore,
      wal_bytes_after: store.sizeBytes().wal,
    };
  };

  let server: SocketServer;
  let dispatcher: Dispatcher;
  let mcpHttp: McpHttpServer | null = null;
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  let stopping = false;

  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { reason });
    try {
      mutate((emit) => emit('daemon.stopping', null, { pid: process.pid, reason }));
    } catch {
      /* the store may be what failed */
    }
    await mcpHttp?.stop();
    void server.stopAccepting();
    dispatcher.refuseNewCalls();
    const cancelled = new BrainsError('UNAVAILABLE', 'the daemon is shutting down; call again once it has restarted');
    for (const connection of server.connections) connection.cancelCalls(cancelled);
    await Promise.race([server.idle(), sleep(config.shutdownGraceMs)]);
    await closeConnections(server, 2000);
    clearInterval(maintenanceTimer);
    reaper.stop();
    try {
      audit.flush();
    } catch (error) {
      log.error('writing the last audit rows failed', { error: String(error) });
    }
    if (checkpointTimer) clearTimeout(checkpointTimer);
    try {
      store.close();
    } catch (error) {
      log.error('closing the database failed', { error: String(error) });
    }
    try {
      unlinkSync(paths.socket);
    } catch {
      /* already gone */
    }
    removePidfile(paths.pidfile);
    lock.release();
    log.info('stopped');
    resolveStopped(code);
  };

  const deps: PlaneDeps = {
    store,
    bus,
    mutate,
    subscriptions,
    paths,
    config,
    settings,
    audit,
    hooks,
    version: VERSION,
    startedAt,
    liveCounts: () => ({
      connections: server.connections.size,
      subscriptions: subscriptions.count,
      waiting: bus.waitingCount,
      calls_in_flight: dispatcher.callsInFlight,
      live_sessions: store.sessions.countLive(),
      projects: store.projects.count(),
      mcp_sessions: mcpHttp?.sessionCount ?? 0,
    }),
    requestShutdown: (reason) => void shutdown(reason),
    maintain,
    mcpUrl: () => mcpHttp?.url ?? null,
  };
  const handlers = createHandlers(deps);
  const reaper = new Reaper(deps, log);
  dispatcher = new Dispatcher(contract, handlers, {
    log,
    checkResults: config.checkResults,
    onMutatingCall: (method, params, outcome) => audit.record(method, params, outcome),
  });
  const connectionLimits = {
    maxFrameBytes: config.maxFrameBytes,
    pauseAtBufferedBytes: 4 * 1024 * 1024,
    dropAtBufferedBytes: 64 * 1024 * 1024,
    maxInFlight: 4096,
  };
  server = new SocketServer(dispatcher, connectionLimits, log);

  removeStaleSocket(paths.socket);
  await server.listen(paths.socket);
  if (config.mcpPort !== null) {
    const mcp = { port: config.mcpPort, portIsDefault: config.mcpPortIsDefault, idleMs: config.mcpIdleMs, adminKey: loadAdminKey(paths.adminKey) };
    const clients = new ClientKeyRing(paths.keysDir, (message) => log.warn(message));
    const onRefused = (method: string, params: Record<string, unknown>, outcome: string) => audit.record(method, params, outcome);
    mcpHttp = await McpHttpServer.start({ ...mcp, tokens: store.mcpTokens, clients, onRefused, dispatcher, limits: connectionLimits, version: VERSION, log }).catch((error: unknown) => {
      unlinkSync(paths.socket);
      throw error;
    });
  }
  writePidfile(paths.pidfile);
  const maintenanceTimer = setInterval(() => {
    try {
      maintain();
    } catch (error) {
      log.error('housekeeping failed', { error: String(error) });
    }
  }, Math.max(1000, config.maintenanceIntervalMs));
  maintenanceTimer.unref();

  mutate((emit) => emit('daemon.started', null, { pid: process.pid, version: VERSION }));
  reaper.start();
  log.info('listening', { socket: paths.socket, mcp: mcpHttp?.url ?? 'off', db: paths.db, pid: process.pid, version: VERSION, schema: store.schemaVersion() });

  const onSignal = (signal: NodeJS.Signals) => void shutdown(`signal ${signal}`);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => log.info('SIGHUP ignored; use brains down to stop'));
  let crashing = false;
  process.on('uncaughtException', (error) => {
    if (crashing) return; // one graceful attempt; a second failure must not loop
    crashing = true;
    log.error('uncaught exception', { error: error.stack ?? error.message });
    void shutdown('uncaught exception', 1);
  });
  return { stopped };
}

async function closeConnections(server: SocketServer, graceMs: number): Promise<void> {
  const open = [...server.connections];
  if (open.length === 0) return;
  const allClosed = Promise.all(open.map((c) => new Promise<void>((resolve) => (c.isOpen ? c.onClose(resolve) : resolve()))));
  for (const connection of open) connection.end();
  await Promise.race([allClosed, sleep(graceMs)]);
  for (const connection of server.connections) connection.destroy();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
