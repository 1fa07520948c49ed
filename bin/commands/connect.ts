// Connecting a CLI command to the daemon: auto-start unless --no-start (saying so when the user had stopped it), and one
// message for "cannot reach it".
import { connectOrStart } from '../../rpc/autostart.js';
import type { BrainsClient } from '../../rpc/client.js';
import { statePaths } from '../../rpc/paths.js';
import { DaemonStoppedError } from '../../rpc/stopped.js';

/** What a person's command says when it starts a daemon they stopped with brains down. */
export function sayStartingStopped(): void {
  process.stderr.write('brains: starting the daemon, which was stopped with brains down\n');
}

export async function connectForCli(noStart: boolean): Promise<BrainsClient | null> {
  const paths = statePaths();
  try {
    return await connectOrStart(paths, { autoStart: !noStart, onStartingStopped: sayStartingStopped });
  } catch (error) {
    if (error instanceof DaemonStoppedError) {
      process.stderr.write('brains: the daemon is stopped (brains down); start it with brains up, or drop --no-start\n');
      return null;
    }
    const hint = noStart ? 'start it with brains up, or drop --no-start' : 'see the log in ' + paths.daemonLog;
    process.stderr.write(`brains: cannot reach the daemon: ${(error as Error).message}; ${hint}\n`);
    return null;
  }
}
