// `brains up`, `down` and `status`: start the daemon (detached, or through its installed service), stop it gracefully, and say whether it runs.
import { startDaemon, type DaemonStart } from '../../rpc/autostart.js';
import { BrainsClient } from '../../rpc/client.js';
import { shutdownOverSocket, StopFailedError } from './stop-daemon.js';
import type { Result } from '../../rpc/contract/index.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { describeService, reachableService, serviceState } from '../../rpc/service-start.js';
import { clearStopped, markStopped, stoppedByUser } from '../../rpc/stopped.js';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { EXIT } from './exit-codes.js';
import { parseFlags, printUsageError } from './flags.js';
import { stopThroughService, type ServiceStop } from '../service/stop.js';


function flags(argv: string[], name: 'up' | 'down' | 'status', options: Record<string, { type: 'boolean' }>) {
  return (parseFlags(name, argv, options)?.values as Record<string, boolean | undefined> | undefined) ?? null;
}

export async function fetchInfo(socket: string): Promise<Result<'system.info'> | null> {
  let client: BrainsClient;
  try {
    client = await BrainsClient.connect(socket);
  } catch {
    return null;
  }
  try {
    return await client.call('system.info');
  } finally {
    await client.close();
  }
}

/** `brains up`'s own flags; every other argument is one of `brains daemon`'s, passed on to the daemon it starts. */
const UP_FLAGS = ['--quiet', '--help'];

export async function upCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) return (await import('./help.js')).helpCommand(['up']);
  const quiet = argv.includes('--quiet');
  const daemonArgs = argv.filter((arg) => arg !== '--quiet');
  try {
    loadConfig(daemonArgs, {}, UP_FLAGS);
  } catch (error) {
    if (error instanceof ConfigError) return printUsageError('up', error.message);
    throw error;
  }
  const paths = statePaths();
  let start: DaemonStart;
  try {
    clearStopped(paths);
    start = await startDaemon(paths, process.env, daemonArgs);
  } catch (error) {
    process.stderr.write(`brains up: ${(error as Error).message}\n`);
    return EXIT.UNREACHABLE;
  }
  const { started } = start;
  if (start.service && daemonArgs.length > 0) {
    process.stderr.write(
      `brains up: the daemon runs as ${describeService(start.service)} with the flags in ${start.service.file}, so ${daemonArgs.join(' ')} did not apply; brains service install ${daemonArgs.join(' ')} changes them\n`,
    );
  } else if (!started && daemonArgs.length > 0) {
    process.stderr.write(`brains up: the daemon was already running, so ${daemonArgs.join(' ')} did not apply; brains down, then brains up with them\n`);
  }
  if (quiet) return EXIT.OK;
  const info = await fetchInfo(paths.socket);
  const runBy = start.service ?? (info ? await serviceRunning(paths, info.pid) : null);
  const by = runBy ? ` (run by ${describeService(runBy)})` : '';
  process.stdout.write(started ? `brains daemon started${by}.\n` : `brains daemon was already running${by}.\n`);
  if (info) process.stdout.write(formatStatus(info));
  process.stdout.write(
    [
      '',
      'Next:',
      '  brains rpc --list                 every method the daemon offers',
      '  brains rpc system.info            facts about the running daemon',
      '  brains watch                      live event feed (Ctrl-C to stop)',
      '  brains inbox, brains approvals    messages and decisions waiting for you',
      '  brains down                       stop the daemon',
      '',
    ].join('\n'),
  );
  return EXIT.OK;
}

export async function downCommand(argv: string[]): Promise<number> {
  const values = flags(argv, 'down', {});
  if (!values) return EXIT.USAGE;
  if (values.help) return (await import('./help.js')).helpCommand(['down']);
  const paths = statePaths();
  // Marked before the daemon goes, so no agent's next call starts it again while it stops.
  markStopped(paths);
  return stopDaemon(paths, 'down');
}

/** The installed service whose manager runs the daemon with this pid, or null (no service, or a daemon started by hand). */
async function serviceRunning(paths: StatePaths, pid: number) {
  const service = await reachableService(paths);
  if (!service) return null;
  try {
    return (await serviceState(service)).pid === pid ? service : null;
  } catch {
    return null;
  }
}

/**
 * Stop the daemon and say so: through its service manager when that runs it (else the manager would start it again),
 * and with daemon.shutdown when one answers that the manager does not own (started by hand before the install).
 */
export async function stopDaemon(paths: StatePaths, command: 'down' | 'service'): Promise<number> {
  let byService: ServiceStop | null = null;
  try {
    byService = await stopThroughService(paths);
  } catch (error) {
    process.stderr.write(`brains ${command}: ${(error as Error).message}; stopping the daemon directly\n`);
  }
  let pid: number | null;
  try {
    pid = await shutdownOverSocket(paths);
  } catch (error) {
    if (error instanceof StopFailedError && error.refused) clearStopped(paths);
    process.stderr.write(`brains ${command}: ${(error as Error).message}\n`);
    return EXIT.METHOD_ERROR;
  }
  if (pid === null) {
    if (byService?.pid) {
      process.stdout.write(`brains daemon stopped (pid ${byService.pid}, run by ${describeService(byService.service)}); it stays stopped until brains up.\n`);
    } else {
      process.stdout.write('brains daemon is not running; it stays stopped until brains up.\n');
    }
    return EXIT.OK;
  }
  process.stdout.write(`brains daemon stopped (pid ${pid}); it stays stopped until brains up.\n`);
  return EXIT.OK;
}

export async function statusCommand(argv: string[]): Promise<number> {
  const values = flags(argv, 'status', { json: { type: 'boolean' }, tmux: { type: 'boolean' } });
  if (!values) return EXIT.USAGE;
  if (values.help) return (await import('./help.js')).helpCommand(['status']);
  const paths = statePaths();
  if (values.tmux) {
    if (values.json) {
      process.stderr.write('brains status: --json and --tmux are two different outputs; pick one\n');
      return EXIT.USAGE;
    }
    return (await import('./tmux-status.js')).tmuxStatus(paths.socket);
  }
  const info = await fetchInfo(paths.socket);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info ? { running: true, ...info } : { running: false, state_dir: paths.home, socket: paths.socket })}\n`);
  } else if (info) {
    process.stdout.write(`brains daemon: running\n${formatStatus(info)}`);
  } else {
    const why = stoppedByUser(paths) ? 'stopped with brains down, ' : '';
    process.stdout.write(`brains daemon: not running (${why}state dir ${paths.home}); start it with brains up\n`);
  }
  return info ? EXIT.OK : EXIT.UNREACHABLE;
}

export function formatStatus(info: Result<'system.info'>): string {
  const rows: Array<[string, string]> = [
    ['pid', String(info.pid)],
    ['uptime', formatDuration(info.uptime_seconds)],
    ['version', `${info.version} (schema ${info.schema_version}, node ${info.node_version})`],
    ['state dir', info.state_dir],
    ['socket', info.socket],
    ['db', `${info.db_path} (${formatBytes(info.db_bytes)})`],
    ['mcp http', info.mcp_http.state === 'on' ? `${info.mcp_http.url} (${plural(info.mcp_http.sessions, 'session')} open)` : `off: ${info.mcp_http.reason}`],
    ['gateway', info.gateway.state === 'on' ? `${info.gateway.url}` : `off: ${info.gateway.reason}`],
    ...(info.gateway.config_problem ? [['', `${info.gateway.config_problem}; the last good configuration serves`] as [string, string]] : []),
    ['sessions', `${info.counts.live_sessions ?? 0} live`],
    ['events', `${info.counts.events ?? 0} kept, newest seq ${info.event_seq}`],
    ['clients', `${info.counts.connections ?? 0} connected`],
  ];
  return rows.map(([key, value]) => `  ${key.padEnd(10)}${value}\n`).join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`);
  return shown.length > 0 ? shown.slice(0, 2).join(' ') : '0s';
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
