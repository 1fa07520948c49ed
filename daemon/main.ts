// The composition root: start order (lock, store, bus, planes, socket) and the reverse order on a graceful stop.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { contract } from '../rpc/contract/index.js';
import { DAEMON_ALREADY_RUNNING_EXIT } from '../rpc/daemon-exit.js';
import { socketPathProblem, statePaths, type StatePaths } from '../rpc/paths.js';
import { clearStopped } from '../rpc/stopped.js';
import { ConfigError, loadConfig, type DaemonConfig } from './config.js';
import { createLogger, shouldColor, type Logger } from './log.js';
import { RotatingLog } from './log-rotation.js';
import { acquireInstanceLock, type InstanceLock } from './lifecycle/instance-lock.js';
import { readPidfile, removePidfile, writePidfile } from './lifecycle/pidfile.js';
import { Store } from './store/index.js';
import { LATEST_SCHEMA_VERSION, MigrationError, SchemaTooNewError } from './store/migrations/index.js';
import { schemaVersionOfFile, snapshotInThread } from './store/snapshots.js';
import { freshBackupPath } from './backup/names.js';
import { storeFault } from './store/faults.js';
import { EventBus } from './events/bus.js';
import { createMutate } from './events/mutate.js';
import { Subscriptions } from './events/subscriptions.js';
import { Dispatcher } from './server/dispatcher.js';
import { SocketServer } from './server/socket-server.js';
import { socketService } from './server/socket-service.js';
import { createHandlers } from './planes/index.js';
import type { MaintenanceReport, PlaneDeps } from './planes/shared/deps.js';
import { VERSION } from './version.js';
import { RuntimeSettings, SettingsFileError } from './settings.js';
import { AuditTrail, loadAuditKey } from './audit/trail.js';
import { ClientKeyRing } from './http/client-keys.js';
import { createHooks } from './planes/shared/hooks.js';
import { Reaper } from './planes/sessions/reaper.js';
import { markActive } from './planes/sessions/presence.js';
import { endSession } from './planes/sessions/handlers.js';
import { InstanceLinks } from './server/instance-links.js';
import { McpHttpServer } from './mcp/http-server.js';
import { mcpHttpStatus } from './mcp/http-status.js';
import { loadAdminKey } from './http/auth.js';
import { Access } from './principals/access.js';
import { ServiceRegistry } from './services/registry.js';
import { JobGuard, repeatingJob } from './services/backoff.js';
import { LoopDelayMonitor } from './services/loop-delay.js';
import { WalCheckpoints } from './services/wal-checkpoints.js';
import { outsideCall } from './principals/call-scope.js';
import { AgentRuntime } from './agents/runtime.js';
import { createDrivers } from './agents/drivers/index.js';
import { Scheduler } from './scheduler/scheduler.js';
import { clockOffsetFromEnv, systemClock } from './scheduler/clock.js';
import { InProcessCaller } from './mcp/http-caller.js';
import { GatewayService } from './gateway/service.js';
import { noticeBudget, RecordedRequests } from './planes/gateway/notices.js';

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
  const paths = statePaths(env);
  const rotation = RotatingLog.forFd(paths.daemonLog);
  const log = createLogger({ format: config.logFormat, level: config.logLevel, color: !config.detached && shouldColor(process.stderr, env), ...(rotation ? { write: rotation.write } : {}) });
  const problem = socketPathProblem(paths.socket);
  if (problem) {
    log.error(problem);
    return 2;
  }
  let lock: InstanceLock | null;
  try {
    prepareStateDir(paths);
    lock = acquireInstanceLock(paths.instanceLock);
  } catch (error) {
    const fault = storeFault(error, 'start');
    log.error(`the daemon cannot use its state directory ${paths.home}: ${fault?.message ?? (error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
  if (!lock) {
    const pid = readPidfile(paths.pidfile);
    log.error(`a brains daemon is already running for ${paths.home}${pid ? ` (pid ${pid})` : ''}; use brains status, or brains down to stop it`);
    return EXIT_ALREADY_RUNNING;
  }
  // Whoever started this daemon meant it to run: automatic clients may start it again after this one stops on its own.
  clearStopped(paths);

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
  rotation?.useLimits(() => ({ maxBytes: settings.get('log_max_bytes'), keepFiles: settings.get('log_keep_files') }), (message, fields) => log.warn(message, fields));

  let preMigrationBackup: string | null;
  try {
    preMigrationBackup = await backupBeforeMigrating(paths, log);
  } catch (error) {
    lock.release();
    log.error(`nothing was migrated, because the backup brains takes before migrating failed: ${error instanceof Error ? error.message : String(error)}; free some space (or fix ${paths.backupsDir}) and start again`);
    return 1;
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
    if (error instanceof MigrationError) {
      log.error(`${error.message}${preMigrationBackup ? `; the backup taken before is ${preMigrationBackup}` : ''}`);
      return 1;
    }
    const fault = storeFault(error, 'start');
    if (fault) {
      log.error(`the daemon cannot open ${paths.db}: ${fault.message}`, { error: error instanceof Error ? error.message : String(error) });
      return 1;
    }
    throw error;
  }

  let daemon: { stopped: Promise<number> };
  try {
    daemon = await startDaemon(paths, config, settings, store, lock, log);
  } catch (error) {
    // Nothing half-started stays behind: the services that started were stopped (the socket removed) before this.
    const fault = storeFault(error, 'start');
    log.error(fault ? `the daemon could not start: ${fault.message}` : 'the daemon could not start', { error: error instanceof Error ? error.message : String(error) });
    try {
      store.close();
    } catch {
      /* the store may be what failed */
    }
    removePidfile(paths.pidfile);
    lock.release();
    return 1;
  }
  return daemon.stopped;
}

/** A database at an older schema is backed up before this brains migrates it; resolves to the archive's path, or null. */
async function backupBeforeMigrating(paths: StatePaths, log: Logger): Promise<string | null> {
  const onDisk = existsSync(paths.db) ? schemaVersionOfFile(paths.db) : null;
  if (onDisk === null || onDisk === 0 || onDisk >= LATEST_SCHEMA_VERSION) return null;
  const out = freshBackupPath(paths.backupsDir, 'pre-migration', onDisk);
  // Loaded only here: a daemon that never migrates or backs up keeps the archive code (and zlib) out of its memory.
  const { writeBackup } = await import('./backup/make.js');
  const summary = await writeBackup({ paths, out, reason: 'pre-migration', version: VERSION, copyDatabase: (dest) => snapshotInThread(paths.db, dest) });
  log.info(`the database is at schema ${onDisk}; this brains migrates it to ${LATEST_SCHEMA_VERSION}, after a backup`, { backup: summary.path, bytes: summary.bytes });
  return summary.path;
}

function prepareStateDir(paths: StatePaths): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  chmodSync(paths.home, 0o700);
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
}

async function startDaemon(paths: StatePaths, config: DaemonConfig, settings: RuntimeSettings, store: Store, lock: InstanceLock, log: Logger) {
  const startedAt = new Date();
  const audit = new AuditTrail(store, loadAuditKey(paths.keysDir));
  const hooks = createHooks();
  const bus = new EventBus();
  const services = new ServiceRegistry(log);
  const checkpoints = new WalCheckpoints(store, log, config.checkpointIdleMs);
  services.add(checkpoints);
  /** Transactions that stored a change since the daemon started (system.info counts.commits). */
  let commits = 0;
  const onCommit = () => {
    commits += 1;
    checkpoints.afterCommit();
  };
  const mutate = createMutate(store, bus, { onCommit, checkEvents: config.checkResults, audit });
  const subscriptions = new Subscriptions(store.events, bus);
  const access = new Access(store);

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
  const http: { mcp: McpHttpServer | null; portTaken: boolean } = { mcp: null, portTaken: false };
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  let stopping = false;

  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { reason });
    try {
      outsideCall(() => mutate((emit) => emit('daemon.stopping', null, { pid: process.pid, reason })));
    } catch {
      /* the store may be what failed */
    }
    await services.stopAll();
    try {
      store.close();
    } catch (error) {
      log.error('closing the database failed', { error: String(error) });
    }
    removePidfile(paths.pidfile);
    lock.release();
    log.info('stopped');
    resolveStopped(code);
  };

  // A brains mcp instance ends once its process is gone (its last connection closed and none came back within the grace);
  // if ending it fails, the reaper ends it later (its pid is gone).
  const instancesGuard = new JobGuard('instances', log);
  const instances = new InstanceLinks(() => settings.get('session_disconnect_grace_seconds') * 1000, (sessionId) => {
    instancesGuard.run(() =>
      mutate((emit) => {
        const session = store.sessions.get(sessionId);
        if (session && session.state !== 'gone' && session.kind === 'mcp') endSession(deps, emit, session, 'session.ended', 'its brains mcp process disconnected');
      }),
    );
  });
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
    access,
    log,
    addService: (service) => services.add(service),
    version: VERSION,
    startedAt,
    liveCounts: () => ({
      connections: server.connections.size,
      commits,
      subscriptions: subscriptions.count,
      waiting: bus.waitingCount,
      calls_in_flight: dispatcher.callsInFlight,
      live_sessions: store.sessions.countLive(),
      projects: store.projects.count(),
      mcp_sessions: http.mcp?.sessionCount ?? 0,
    }),
    requestShutdown: (reason) => void shutdown(reason),
    maintain,
    mcpHttp: () =>
      mcpHttpStatus({
        configuredPort: config.mcpPort,
        server: http.mcp && { url: http.mcp.url, port: http.mcp.listeningPort, sessionCount: http.mcp.sessionCount },
        portTaken: http.portTaken,
      }),
    instanceConnected: (sessionId) => instances.isConnected(sessionId),
    eventLoop: () => loopDelay.figures(),
  };
  // Background services in start order; planes add theirs (lock expiry, dead letters) while their handlers are built.
  const loopDelay = new LoopDelayMonitor();
  services.add(loopDelay);
  services.add(new Reaper(deps, log));
  const handlers = createHandlers(deps);
  services.add(repeatingJob('housekeeping', log, () => Math.max(1000, config.maintenanceIntervalMs), () => void maintain()));
  dispatcher = new Dispatcher(contract, handlers, {
    log,
    checkResults: config.checkResults,
    access,
    audit,
    onInstanceCall: (sessionId) => markActive(deps, sessionId),
    lockWaitMs: () => settings.get('db_lock_wait_seconds') * 1000,
  });
  const connectionLimits = {
    maxFrameBytes: config.maxFrameBytes,
    pauseAtBufferedBytes: 4 * 1024 * 1024,
    dropAtBufferedBytes: 64 * 1024 * 1024,
    maxInFlight: 4096,
  };
  server = new SocketServer(dispatcher, connectionLimits, log, instances);
  services.add(socketService(server, dispatcher, paths.socket, config.shutdownGraceMs, instances));
  if (config.mcpPort !== null) {
    const mcp = { port: config.mcpPort, portIsDefault: config.mcpPortIsDefault, idleMs: config.mcpIdleMs, adminKey: loadAdminKey(paths.adminKey) };
    const clients = new ClientKeyRing(paths.keysDir, (message) => log.warn(message));
    services.add({
      name: 'mcp-http',
      start: async () => {
        http.mcp = await McpHttpServer.start({ ...mcp, tokens: store.mcpTokens, clients, dispatcher, version: VERSION, log });
        http.portTaken = http.mcp === null;
      },
      stop: async () => {
        await http.mcp?.stop();
        http.mcp = null;
      },
    });
  }

  const recordedRequests = new RecordedRequests(deps);
  services.add(recordedRequests);
  const gateway = new GatewayService({
    port: config.gatewayPort,
    portIsDefault: config.gatewayPortIsDefault,
    configPath: paths.gatewayConfig,
    adminKey: () => loadAdminKey(paths.adminKey),
    store,
    tokens: store.mcpTokens,
    log,
    version: VERSION,
    afterWrite: (rows) => {
      checkpoints.afterCommit();
      recordedRequests.recorded(rows);
    },
    noticeBudget: noticeBudget(deps),
    messageMaxAttempts: () => settings.get('message_max_attempts'),
  });
  deps.gateway = gateway;
  services.add(gateway);

  // Last in, first out: agent processes end before the socket and the MCP endpoint close.
  const agents = new AgentRuntime(deps, { drivers: createDrivers({ claudePath: process.env.BRAINS_CLAUDE_PATH, codexPath: process.env.BRAINS_CODEX_PATH, acpPaths: { ...(process.env.BRAINS_GEMINI_PATH ? { gemini: process.env.BRAINS_GEMINI_PATH } : {}), ...(process.env.BRAINS_COPILOT_PATH ? { copilot: process.env.BRAINS_COPILOT_PATH } : {}) }, version: VERSION, log: (message) => log.warn(message) }), daemonEnv: process.env, backoffMs: config.agentBackoffMs });
  deps.agents = agents;
  services.add(agents);
  // After the agent runtime: it has marked the turns a stopped daemon ran before the scheduler reads them; stops first.
  const scheduler = new Scheduler(deps, {
    clock: systemClock(clockOffsetFromEnv(process.env)),
    call: (principal, method, params) => new InProcessCaller(dispatcher, principal).call(method, params, { waits: true }),
  });
  deps.scheduler = scheduler;
  services.add(scheduler);

  // The first write: a store that cannot be written (read-only, full, locked) stops the start here, before any socket exists.
  outsideCall(() => mutate((emit) => emit('daemon.started', null, { pid: process.pid, version: VERSION })));
  store.failFastWhenLocked();
  await services.startAll();
  writePidfile(paths.pidfile);
  log.info('listening', { socket: paths.socket, mcp: http.mcp?.url ?? 'off', gateway: gateway.url ?? 'off', db: paths.db, pid: process.pid, version: VERSION, schema: store.schemaVersion(), services: services.names.join(',') });

  const onSignal = (signal: NodeJS.Signals) => void shutdown(`signal ${signal}`);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => log.info('SIGHUP ignored; use brains down to stop'));
  watchForCrashes(log, (why) => void shutdown(why, 1));
  return { stopped };
}

/**
 * A bug that escapes every handler is logged and the daemon goes on answering; only a storm of them (the state is
 * clearly broken) stops it, so a service manager can restart it cleanly.
 */
function watchForCrashes(log: Logger, stop: (why: string) => void): void {
  const recent: number[] = [];
  const onFault = (kind: string) => (error: unknown) => {
    log.error(kind, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    const now = Date.now();
    recent.push(now);
    while (recent.length > 0 && recent[0]! < now - 60_000) recent.shift();
    if (recent.length >= 20) stop(`${recent.length} uncaught errors within a minute`);
  };
  process.on('uncaughtException', onFault('uncaught exception'));
  process.on('unhandledRejection', onFault('unhandled promise rejection'));
}
