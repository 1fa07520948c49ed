// Stopping the daemon for work on its files (restore): gracefully, and waiting until its process is gone.
import { processAlive } from '../../rpc/autostart.js';
import { BrainsClient } from '../../rpc/client.js';
import type { StatePaths } from '../../rpc/paths.js';
import { stopThroughService } from '../service/stop.js';

const STOP_TIMEOUT_MS = 20_000;

/**
 * Stop the daemon if one runs, through its service manager when brains installed a service for this state dir (so the
 * manager does not start it again meanwhile), else gracefully over the socket; resolves true when one was running.
 */
export async function stopDaemonForMaintenance(paths: StatePaths): Promise<boolean> {
  if (await stopThroughService(paths)) return true;
  let client: BrainsClient;
  try {
    client = await BrainsClient.connect(paths.socket);
  } catch {
    return false;
  }
  const closed = new Promise<void>((resolve) => client.onClose(resolve));
  let pid: number;
  try {
    ({ pid } = await client.call('daemon.shutdown'));
  } catch (error) {
    await client.close();
    throw new Error(`the daemon refused to stop: ${(error as Error).message}`);
  }
  await closed;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the daemon (pid ${pid}) is still running after ${STOP_TIMEOUT_MS / 1000}s; stop it with kill ${pid}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
