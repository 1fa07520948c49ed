// `brains service uninstall`: the manager forgets the service and its file goes; the daemon itself is stopped only if asked.
import { rmSync } from 'node:fs';
import { mustRunManager, ServiceUnreachableError, type ServiceIdentity } from '../../rpc/service-start.js';

/**
 * Stop the service starting at login: systemd `disable` (never `disable --now`, which would stop the daemon too); launchd
 * needs nothing, since a plist that is gone does not load at the next login. Returns why no manager could be asked, or null.
 */
export async function disableService(id: ServiceIdentity, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (id.kind !== 'systemd') return null;
  try {
    await mustRunManager('systemd', ['disable', id.name], env);
    return null;
  } catch (error) {
    if (error instanceof ServiceUnreachableError) return error.message;
    throw error;
  }
}

/**
 * Remove the file, then (systemd, when reachable) daemon-reload so the manager forgets the unit. `systemctl disable` works
 * without a running user manager (it only removes links), so the reload is where a container's missing manager shows:
 * returns why it could not be told, or null.
 */
export async function removeServiceFile(id: ServiceIdentity, env: NodeJS.ProcessEnv, reachable: boolean): Promise<string | null> {
  rmSync(id.file, { force: true });
  if (id.kind !== 'systemd' || !reachable) return null;
  try {
    await mustRunManager('systemd', ['daemon-reload'], env);
    return null;
  } catch (error) {
    if (error instanceof ServiceUnreachableError) return error.message;
    throw error;
  }
}
