// Connecting a CLI command to the daemon: auto-start unless --no-start, and one message for "cannot reach it".
import { connectOrStart } from '../../rpc/autostart.js';
import type { BrainsClient } from '../../rpc/client.js';
import { statePaths } from '../../rpc/paths.js';

export async function connectForCli(noStart: boolean): Promise<BrainsClient | null> {
  const paths = statePaths();
  try {
    return await connectOrStart(paths, { autoStart: !noStart });
  } catch (error) {
    const hint = noStart ? 'start it with brains up, or drop --no-start' : 'see the log in ' + paths.daemonLog;
    process.stderr.write(`brains: cannot reach the daemon: ${(error as Error).message}; ${hint}\n`);
    return null;
  }
}
