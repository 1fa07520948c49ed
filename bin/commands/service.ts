// `brains service install | uninstall | status`: run the daemon as a systemd user service or a launchd LaunchAgent.
import { isDaemonAnswering } from '../../rpc/autostart.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { describeService, launchdDomain, readServiceFile, serviceIdentity, ServiceManagerError, type ServiceIdentity } from '../../rpc/service-start.js';
import { markStopped } from '../../rpc/stopped.js';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { installService, type InstallOutcome } from '../service/install.js';
import { serviceReport, type ServiceReport } from '../service/status.js';
import { disableService, removeServiceFile } from '../service/uninstall.js';
import { EXIT } from './exit-codes.js';
import { parseFlags, printUsageError } from './flags.js';
import { fetchInfo, formatStatus, stopDaemon } from './lifecycle.js';

const SUBCOMMANDS = ['install', 'uninstall', 'status'] as const;

export async function serviceCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) return printUsageError('service', 'say what to do: install, uninstall or status');
  if (sub === '--help' || sub === '-h' || sub === 'help') return (await import('./help.js')).helpCommand(['service']);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    const nearest = nearestName(sub, [...SUBCOMMANDS]);
    const shown = JSON.stringify(sub.length > 40 ? `${sub.slice(0, 40)}…` : sub);
    return printUsageError('service', `unknown subcommand ${shown}; ${nearest ? `did you mean ${nearest}?` : 'it takes install, uninstall or status'}`);
  }
  if (rest.includes('--help') || rest.includes('-h')) return (await import('./help.js')).helpCommand(['service']);
  const paths = statePaths();
  let id: ServiceIdentity | null;
  try {
    id = serviceIdentity(paths);
  } catch (error) {
    if (error instanceof ServiceManagerError) return printUsageError('service', error.message);
    throw error;
  }
  if (id === null) {
    process.stderr.write(`brains service: brains knows no service manager on ${process.platform} (systemd on Linux, launchd on macOS); run the daemon with brains up\n`);
    return EXIT.METHOD_ERROR;
  }
  try {
    if (sub === 'install') return await install(id, paths, rest);
    if (sub === 'uninstall') return await uninstall(id, paths, rest);
    return await status(id, paths, rest);
  } catch (error) {
    process.stderr.write(`brains service ${sub}: ${(error as Error).message}\n`);
    return EXIT.METHOD_ERROR;
  }
}

async function install(id: ServiceIdentity, paths: StatePaths, daemonArgs: string[]): Promise<number> {
  try {
    loadConfig(daemonArgs, {}, ['--help']);
  } catch (error) {
    if (error instanceof ConfigError) return printUsageError('service', error.message);
    throw error;
  }
  const outcome = await installService(id, paths, process.env, daemonArgs);
  return reportInstall(id, paths, outcome);
}

async function reportInstall(id: ServiceIdentity, paths: StatePaths, outcome: InstallOutcome): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (outcome.kind === 'foreign') {
    process.stderr.write(`brains service install: ${id.file} exists and brains did not write it; it is left alone. Move it away, then run brains service install again\n`);
    return EXIT.METHOD_ERROR;
  }
  if (outcome.kind === 'unwritable') {
    process.stderr.write(`brains service install: ${outcome.problem}; nothing was written\n`);
    return EXIT.METHOD_ERROR;
  }
  out(outcome.changed ? `brains service: wrote ${id.file}` : `brains service: ${id.file} is up to date`);
  if (outcome.kind === 'unreachable') {
    process.stderr.write(
      [
        `brains service install: ${outcome.reason}, so ${id.name} is NOT enabled or started.`,
        '  Run the daemon here with brains up instead, or in a login session with a service manager run:',
        `  ${id.kind === 'systemd' ? `systemctl --user daemon-reload && systemctl --user enable --now ${id.name}` : `launchctl bootstrap ${launchdDomain()} ${id.file}`}`,
        '',
      ].join('\n'),
    );
    return EXIT.METHOD_ERROR;
  }
  const runs = `it starts at login and again if it crashes; the log is ${paths.daemonLog}`;
  if (outcome.kind === 'started') {
    out(`brains daemon started (run by ${describeService(id)}); ${runs}.`);
    const info = await fetchInfo(paths.socket);
    if (info) process.stdout.write(formatStatus(info));
    return EXIT.OK;
  }
  if (outcome.byService) {
    out(`brains daemon is already running (pid ${outcome.pid}, run by ${describeService(id)})${outcome.changed ? '; the new file applies after brains down, then brains up' : ''}.`);
    return EXIT.OK;
  }
  const pid = (await fetchInfo(paths.socket))?.pid;
  out(
    `A brains daemon started without the service is running${pid ? ` (pid ${pid})` : ''}, so ${id.name} is enabled but not started now: ` +
      'it starts at the next login, or brains down, then brains up hands the daemon to the service now.',
  );
  return EXIT.OK;
}

async function uninstall(id: ServiceIdentity, paths: StatePaths, argv: string[]): Promise<number> {
  const parsed = parseFlags('service', argv, { stop: { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  const stop = parsed.values.stop === true;
  const file = readServiceFile(id);
  if (file.state === 'missing') {
    process.stdout.write(`brains service: not installed (no ${id.file}); nothing to remove\n`);
    return EXIT.OK;
  }
  if (file.state === 'foreign') {
    process.stderr.write(`brains service uninstall: ${id.file} was not written by brains; it is left alone\n`);
    return EXIT.METHOD_ERROR;
  }
  const unreachable = await disableService(id, process.env);
  let code: number = EXIT.OK;
  if (stop) {
    // Like brains down: automatic clients do not start the daemon again until brains up.
    markStopped(paths);
    code = await stopDaemon(paths, 'service');
  }
  const notReloaded = await removeServiceFile(id, process.env, unreachable === null);
  process.stdout.write(`brains service: removed ${id.file}${id.kind === 'systemd' && unreachable === null ? ` (${id.name} disabled)` : ''}\n`);
  if (unreachable !== null || notReloaded !== null) process.stdout.write(`  ${unreachable ?? notReloaded}, so the service manager was not told.\n`);
  if (!stop && (await isDaemonAnswering(paths.socket))) {
    const pid = (await fetchInfo(paths.socket))?.pid;
    process.stdout.write(`  The daemon keeps running${pid ? ` (pid ${pid})` : ''} until brains down or the end of the login session; brains up starts it without the service from now on.\n`);
  }
  return code;
}

async function status(id: ServiceIdentity, paths: StatePaths, argv: string[]): Promise<number> {
  const parsed = parseFlags('service', argv, { json: { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  const report = await serviceReport(id, paths, process.env);
  if (parsed.values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(statusText(id, report));
  if (report.installed && !report.reachable) return EXIT.METHOD_ERROR;
  return report.installed && report.running ? EXIT.OK : EXIT.UNREACHABLE;
}

function statusText(id: ServiceIdentity, report: ServiceReport): string {
  if (report.foreign) return `brains service: not installed; ${report.file} exists but brains did not write it, so brains service leaves it alone\n`;
  if (!report.installed) return `brains service: not installed (no ${report.file}); brains service install sets it up\n`;
  const head = report.reachable
    ? `installed, ${report.enabled ? 'enabled' : 'not enabled'}, ${report.running ? `running (pid ${report.pid})` : `not running (${report.state})`}`
    : `installed, but ${report.unreachable_reason}: not enabled or running here`;
  const rows: Array<[string, string]> = [
    ['manager', `${describeService(id)}${id.kind === 'systemd' ? ' (user)' : ` (${launchdDomain()})`}`],
    ['file', report.file],
    ['runs', report.exec_start.join(' ')],
    ['log', report.log],
    ['state dir', report.state_dir],
  ];
  const lines = [`brains service: ${head}`, ...rows.map(([key, value]) => `  ${key.padEnd(10)}${value}`)];
  for (const path of report.missing) lines.push(`  ${path} no longer exists (a moved checkout or a changed Node?); run brains service install again from this install`);
  if (report.reachable && !report.running) lines.push('  brains up starts it');
  if (!report.reachable) lines.push('  brains up runs the daemon here without the service');
  return `${lines.join('\n')}\n`;
}
