// Whether this state dir's daemon is a user service (systemd, launchd) and how to ask its manager to start it: auto-start
// and `brains up` start the service rather than a second daemon beside it, and `brains service` builds on the same parts.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { nearestName } from './nearest-name.js';
import type { StatePaths } from './paths.js';

export const SERVICE_MANAGERS = ['systemd', 'launchd'] as const;
export type ServiceManagerKind = (typeof SERVICE_MANAGERS)[number];

/** Opens every file `brains service install` writes; it rewrites and removes only files that carry it. */
export const SERVICE_MARKER = 'Written by brains service install';

const MANAGER_TIMEOUT_MS = 15_000;

/** This state dir's service: its manager, its name (a systemd unit, a launchd label) and the file that declares it. */
export interface ServiceIdentity {
  kind: ServiceManagerKind;
  name: string;
  file: string;
}

/** The manager answered, but with an error (or not within its time). */
export class ServiceManagerError extends Error {
  override name = 'ServiceManagerError';
}

/** No service manager can be reached here: its command is missing, or (as in a container) it has no user manager running. */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
}

/** What `brains service` prints for a manager, as `systemd: brains.service`. */
export function describeService(id: ServiceIdentity): string {
  return `${id.kind}: ${id.name}`;
}

/** BRAINS_SERVICE_MANAGER (tests, unusual setups), else the platform's manager; null on a platform brains has none for. */
export function serviceManagerKind(env: NodeJS.ProcessEnv = process.env): ServiceManagerKind | null {
  const override = env.BRAINS_SERVICE_MANAGER?.trim();
  if (override) {
    if ((SERVICE_MANAGERS as readonly string[]).includes(override)) return override as ServiceManagerKind;
    const nearest = nearestName(override, [...SERVICE_MANAGERS]);
    const shown = JSON.stringify(override.length > 40 ? `${override.slice(0, 40)}…` : override);
    throw new ServiceManagerError(`BRAINS_SERVICE_MANAGER must be systemd or launchd, not ${shown}${nearest ? `; did you mean ${nearest}?` : ''}`);
  }
  if (process.platform === 'linux') return 'systemd';
  if (process.platform === 'darwin') return 'launchd';
  return null;
}

/**
 * The service of this state dir: brains.service / dev.brains.daemon for the default ~/.brains, and a name with a short hash
 * of the state dir for any other, so two state dirs never share (or fight over) one service.
 */
export function serviceIdentity(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): ServiceIdentity | null {
  const kind = serviceManagerKind(env);
  if (kind === null) return null;
  const suffix = paths.home === resolve(homedir(), '.brains') ? '' : createHash('sha256').update(paths.home).digest('hex').slice(0, 8);
  if (kind === 'systemd') {
    const name = suffix ? `brains-${suffix}.service` : 'brains.service';
    return { kind, name, file: join(systemdUserDir(env), name) };
  }
  const name = suffix ? `dev.brains.daemon.${suffix}` : 'dev.brains.daemon';
  return { kind, name, file: join(homedir(), 'Library', 'LaunchAgents', `${name}.plist`) };
}

/** Where the systemd user manager reads unit files a user wrote: $XDG_CONFIG_HOME/systemd/user, else ~/.config/systemd/user. */
function systemdUserDir(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME;
  return join(config && isAbsolute(config) ? config : join(homedir(), '.config'), 'systemd', 'user');
}

export type ServiceFile = { state: 'missing' } | { state: 'foreign' } | { state: 'ours'; text: string };

/** The service file as found: absent, someone else's (no marker), or one brains wrote. */
export function readServiceFile(id: ServiceIdentity): ServiceFile {
  let text: string;
  try {
    text = readFileSync(id.file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw error;
  }
  return text.includes(SERVICE_MARKER) ? { state: 'ours', text } : { state: 'foreign' };
}

export interface ManagerResult {
  code: number;
  stdout: string;
  stderr: string;
}

const NO_SYSTEMD_USER_MANAGER =
  /Failed to connect to (user scope )?bus|System has not been booted with systemd|Failed to get D-Bus connection|DBUS_SESSION_BUS_ADDRESS|Failed to connect to user/i;
const NO_LAUNCHD_DOMAIN = /Could not find domain|Domain does not support specified action/i;

/** The command line a person would type for this call: `systemctl --user start brains.service`. */
export function managerCommand(kind: ServiceManagerKind, args: readonly string[]): string {
  return [kind === 'systemd' ? 'systemctl --user' : 'launchctl', ...args].join(' ');
}

/**
 * Run `systemctl --user ARGS` or `launchctl ARGS` (looked up on env.PATH) and return what it said, whatever its exit code.
 * Throws ServiceUnreachableError when there is no manager to ask, ServiceManagerError when it does not answer in time.
 */
export function runManager(kind: ServiceManagerKind, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ManagerResult> {
  const command = kind === 'systemd' ? 'systemctl' : 'launchctl';
  const argv = kind === 'systemd' ? ['--user', ...args] : [...args];
  return new Promise((resolvePromise, reject) => {
    execFile(command, argv, { env, timeout: MANAGER_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new ServiceUnreachableError(`${command} is not on PATH`));
        return;
      }
      if (error && error.killed) {
        reject(new ServiceManagerError(`${managerCommand(kind, args)} did not answer within ${MANAGER_TIMEOUT_MS / 1000}s`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const said = `${stderr}\n${stdout}`;
      if (code !== 0 && (kind === 'systemd' ? NO_SYSTEMD_USER_MANAGER : NO_LAUNCHD_DOMAIN).test(said)) {
        const why = firstLine(said);
        reject(new ServiceUnreachableError(kind === 'systemd' ? `no systemd user manager is reachable here (${why})` : `no launchd login session is reachable here (${why})`));
        return;
      }
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The first line of a manager's answer that says something, for an error message. */
export function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && l !== 'Bad request.') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line || '(no output)';
}

/** The launchd domain of this user's login session. */
export function launchdDomain(): string {
  return `gui/${process.getuid?.() ?? 0}`;
}

export interface ServiceState {
  /** launchd: the job is bootstrapped into the session; systemd: always true (it loads unit files itself). */
  loaded: boolean;
  /** Starts at login: systemd `is-enabled` says enabled; launchd: the label is not disabled. */
  enabled: boolean;
  running: boolean;
  /** The manager's own word for the state (active, inactive, failed, activating; running, not running, not loaded). */
  word: string;
  pid: number | null;
}

/** What the manager says about the service now. Throws ServiceUnreachableError or ServiceManagerError. */
export async function serviceState(id: ServiceIdentity, env: NodeJS.ProcessEnv = process.env): Promise<ServiceState> {
  if (id.kind === 'systemd') {
    const active = await runManager('systemd', ['is-active', id.name], env);
    const enabled = await runManager('systemd', ['is-enabled', id.name], env);
    const shown = await runManager('systemd', ['show', '-p', 'MainPID', id.name], env);
    const word = active.stdout.trim().split('\n')[0] || 'unknown';
    const pid = Number(/^MainPID=(\d+)/m.exec(shown.stdout)?.[1] ?? 0);
    return { loaded: true, enabled: enabled.stdout.trim().startsWith('enabled'), running: word === 'active', word, pid: pid > 0 ? pid : null };
  }
  const printed = await runManager('launchd', ['print', `${launchdDomain()}/${id.name}`], env);
  const disabled = await runManager('launchd', ['print-disabled', launchdDomain()], env);
  const isDisabled = new RegExp(`"${id.name.replace(/\./g, '\\.')}"\\s*=>\\s*(disabled|true)`).test(disabled.stdout);
  if (printed.code !== 0) {
    if (/Could not find service/i.test(`${printed.stderr}${printed.stdout}`)) return { loaded: false, enabled: !isDisabled, running: false, word: 'not loaded', pid: null };
    throw new ServiceManagerError(`${managerCommand('launchd', ['print', `${launchdDomain()}/${id.name}`])} failed: ${firstLine(`${printed.stderr}\n${printed.stdout}`)}`);
  }
  const word = /^\s*state = (.+)$/m.exec(printed.stdout)?.[1]?.trim() ?? 'unknown';
  const pid = Number(/^\s*pid = (\d+)$/m.exec(printed.stdout)?.[1] ?? 0);
  return { loaded: true, enabled: !isDisabled, running: word === 'running', word, pid: pid > 0 ? pid : null };
}

/** Run a manager command that must succeed; a failure becomes a ServiceManagerError naming the command and what it said. */
export async function mustRunManager(kind: ServiceManagerKind, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ManagerResult> {
  const result = await runManager(kind, args, env);
  if (result.code !== 0) throw new ServiceManagerError(`${managerCommand(kind, args)} failed: ${firstLine(`${result.stderr}\n${result.stdout}`)}`);
  return result;
}

/** Ask the manager to start the service: systemd `start`; launchd bootstraps the job (RunAtLoad starts it) or kickstarts it. */
export async function startService(id: ServiceIdentity, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (id.kind === 'systemd') {
    await mustRunManager('systemd', ['start', id.name], env);
    return;
  }
  const state = await serviceState(id, env);
  if (!state.loaded) await mustRunManager('launchd', ['bootstrap', launchdDomain(), id.file], env);
  else if (!state.running) await mustRunManager('launchd', ['kickstart', `${launchdDomain()}/${id.name}`], env);
}

/**
 * This state dir's service when brains installed one and its manager answers; null otherwise (no file, someone else's
 * file, no manager here, a bad BRAINS_SERVICE_MANAGER), and then the caller starts the daemon itself as before.
 */
export async function reachableService(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): Promise<ServiceIdentity | null> {
  let id: ServiceIdentity | null;
  try {
    id = serviceIdentity(paths, env);
    if (id === null || readServiceFile(id).state !== 'ours') return null;
    // One cheap question that needs the manager: no user manager (a container) or no login session makes it throw.
    await runManager(id.kind, id.kind === 'systemd' ? ['is-active', id.name] : ['print-disabled', launchdDomain()], env);
  } catch {
    return null;
  }
  return id;
}
