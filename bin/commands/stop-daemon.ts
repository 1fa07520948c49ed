// Stopping the daemon and waiting until its process is gone: for brains down, brains service uninstall --stop and restore.
import { processAlive } from '../../rpc/autostart.js';
import { BrainsClient } from '../../rpc/client.js';
import type { StatePaths } from '../../rpc/paths.js';
import { stopThroughService } from '../service/stop.js';

const STOP_TIMEOUT_MS = 20_000;

/** The daemon would not stop: it refused daemon.shutdown (`refused`), or its process outlived the wait. */
export class StopFailedError extends Error {
  override name = 'StopFailedError';
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

/** daemon.shutdown over the socket, then wait for the process to go; the pid it had, or null when none answered. */
export async function shutdownOverSocket(paths: StatePaths): Promise<number | null> {
  let client: BrainsClient;
  try {
    client = await BrainsClient.connect(paths.socket);
  } catch {
    return null;
  }
  const closed = new Promise<void>((resolve) => client.onClose(resolve));
  let pid: number;
  try {
    ({ pid } = await client.call('daemon.shutdown'));
  } catch (error) {
    await client.close();
    throw new StopFailedError((error as Error).message, true);
  }
  await closed;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new StopFailedError(`the daemon (pid ${pid}) is still running after ${STOP_TIMEOUT_MS / 1000}s; kill it with: kill ${pid}`, false);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return pid;
}

/**
 * Stop the daemon if one runs, through its service manager when brains installed a service for this state dir (so the
 * manager does not start it again meanwhile), else gracefully over the socket; resolves true when one was running.
 */
export async function stopDaemonForMaintenance(paths: StatePaths): Promise<boolean> {
  if (await stopThroughService(paths)) return true;
  try {
    return (await shutdownOverSocket(paths)) !== null;
  } catch (error) {
    if (error instanceof StopFailedError && error.refused) throw new Error(`the daemon refused to stop: ${error.message}`);
    throw error;
  }
}
