// `npm start` (`brains start`): on a terminal, the cockpit, with the demo started when the state dir has never been used;
// without a terminal, what `brains up` does (start the daemon, print its status).
import { existsSync } from 'node:fs';
import { statePaths } from '../../rpc/paths.js';

export async function startCommand(argv: string[]): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) return (await import('./lifecycle.js')).upCommand(argv);
  const paths = statePaths();
  let banner: string | undefined;
  if (await neverUsed(paths)) {
    const { startDemo } = await import('./demo-control.js');
    try {
      const demo = await startDemo();
      banner = `demo started: ${demo.agents.map((a) => a.name).join(', ')} (echo agents) in project ${demo.project_id} · brains demo --stop ends its script`;
    } catch (error) {
      banner = `the demo did not start: ${(error as Error).message}`;
    }
  }
  return (await import('./tui.js')).tuiCommand([], banner ? { banner } : {});
}

/** No database yet, or no project and no demo ever run here (a demo someone stopped or cleaned stays gone). */
async function neverUsed(paths: ReturnType<typeof statePaths>): Promise<boolean> {
  if (!existsSync(paths.db)) return true;
  if (existsSync(paths.demoLog)) return false;
  const { isFreshState } = await import('./demo-control.js');
  return isFreshState();
}
