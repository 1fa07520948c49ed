// Stopping a daemon its service manager runs, through that manager, so the manager does not start it again behind our back.
import { processAlive } from '../../rpc/autostart.js';
import type { StatePaths } from '../../rpc/paths.js';
import { launchdDomain, mustRunManager, reachableService, serviceState, ServiceManagerError, type ServiceIdentity } from '../../rpc/service-start.js';

const STOP_TIMEOUT_MS = 20_000;

export interface ServiceStop {
  service: ServiceIdentity;
  /** The daemon the manager stopped; null when the service was loaded but its daemon was not running. */
  pid: number | null;
}

/**
 * Stop this state dir's service when brains installed one, its manager answers and it runs (systemd `stop`, launchd
 * `bootout`), and wait until its daemon is gone; null when there is no such service to stop. Throws on a manager error.
 */
export async function stopThroughService(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): Promise<ServiceStop | null> {
  const service = await reachableService(paths, env);
  if (!service) return null;
  const state = await serviceState(service, env);
  if (service.kind === 'systemd') {
    if (!state.running && state.word !== 'activating') return null;
    await mustRunManager('systemd', ['stop', service.name], env);
  } else {
    if (!state.loaded) return null;
    await mustRunManager('launchd', ['bootout', `${launchdDomain()}/${service.name}`], env);
  }
  await waitUntilGone(state.pid, service);
  return { service, pid: state.pid };
}

async function waitUntilGone(pid: number | null, service: ServiceIdentity): Promise<void> {
  if (pid === null) return;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new ServiceManagerError(`the daemon (pid ${pid}) of ${service.name} is still running after ${STOP_TIMEOUT_MS / 1000}s; kill it with: kill ${pid}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
