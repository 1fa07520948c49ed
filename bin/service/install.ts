// `brains service install`: write the service file, then have the manager enable it and start the daemon through it.
import { mkdirSync } from 'node:fs';
import { isDaemonAnswering, startDeadline, startServiceAndWait } from '../../rpc/autostart.js';
import type { StatePaths } from '../../rpc/paths.js';
import { launchdDomain, mustRunManager, readServiceFile, serviceState, ServiceUnreachableError, type ServiceIdentity } from '../../rpc/service-start.js';
import { clearStopped } from '../../rpc/stopped.js';
import { serviceFileText, writeServiceFile } from './file.js';
import { serviceSpec, specProblem } from './spec.js';

export type InstallOutcome =
  /** Another program's file is where ours goes: nothing was written. */
  | { kind: 'foreign' }
  /** The file cannot say what it must (a line break in a path): nothing was written. */
  | { kind: 'unwritable'; problem: string }
  /** The file is written, but no manager is here to enable it. */
  | { kind: 'unreachable'; changed: boolean; reason: string }
  /** The manager started the daemon. */
  | { kind: 'started'; changed: boolean }
  /** A daemon was already running: run by this service, or started by hand (then the service starts it at the next login). */
  | { kind: 'already-running'; changed: boolean; byService: boolean; pid: number | null };

export async function installService(id: ServiceIdentity, paths: StatePaths, env: NodeJS.ProcessEnv, daemonArgs: readonly string[]): Promise<InstallOutcome> {
  const existing = readServiceFile(id);
  if (existing.state === 'foreign') return { kind: 'foreign' };
  const spec = serviceSpec(paths, env, daemonArgs);
  const problem = specProblem(spec);
  if (problem) return { kind: 'unwritable', problem };
  const text = serviceFileText(id, spec);
  const changed = existing.state !== 'ours' || existing.text !== text;
  // The manager opens the log for the daemon and does not make its directory.
  mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
  if (changed) writeServiceFile(id, text);
  try {
    const running = await isDaemonAnswering(paths.socket);
    // Installing the service asks for the daemon to run: a stop left by brains down no longer holds.
    if (!running) clearStopped(paths);
    if (id.kind === 'systemd') await enableSystemd(id, env, running);
    else await enableLaunchd(id, env, running);
    if (running) {
      const state = await serviceState(id, env);
      return { kind: 'already-running', changed, byService: state.running, pid: state.pid };
    }
    await startServiceAndWait(paths, id, env, startDeadline(), false);
    return { kind: 'started', changed };
  } catch (error) {
    if (error instanceof ServiceUnreachableError) return { kind: 'unreachable', changed, reason: error.message };
    throw error;
  }
}

/** daemon-reload, then enable (and start, unless a daemon already runs: a second one would only find the state dir taken). */
async function enableSystemd(id: ServiceIdentity, env: NodeJS.ProcessEnv, running: boolean): Promise<void> {
  await mustRunManager('systemd', ['daemon-reload'], env);
  if (running) {
    await mustRunManager('systemd', ['enable', id.name], env);
    return;
  }
  await mustRunManager('systemd', ['enable', '--now', id.name], env);
}

/**
 * enable (a label disabled earlier would not load), then bootstrap the plist: RunAtLoad starts the daemon. launchd keeps the
 * plist it loaded, so a loaded job is booted out first to take the new file. With a daemon already running, the job loads at
 * the next login instead.
 */
async function enableLaunchd(id: ServiceIdentity, env: NodeJS.ProcessEnv, running: boolean): Promise<void> {
  const target = `${launchdDomain()}/${id.name}`;
  await mustRunManager('launchd', ['enable', target], env);
  if (running) return;
  if ((await serviceState(id, env)).loaded) await mustRunManager('launchd', ['bootout', target], env);
  await mustRunManager('launchd', ['bootstrap', launchdDomain(), id.file], env);
}
