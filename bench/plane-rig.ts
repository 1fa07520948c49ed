// What each plane's figures start from: a short-pathed home of its own, a raw echo server (the physical limit) and a daemon.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireBindableSocket, startDaemon, type BenchDaemon } from './daemon-process.js';
import { startEchoServer } from './echo-process.js';
import type { PlaneBenchContext } from './figures.js';

export interface PlaneRig {
  home: string;
  echoSocket: string;
  /** Stop it early, once the limits are measured, to free the CPU for the daemon's figures. */
  echo: Awaited<ReturnType<typeof startEchoServer>>;
  daemon: BenchDaemon;
}

/** Start the echo server and the daemon under ctx.home/<dir>; both are stopped by the run's cleanup. */
export async function startPlaneRig(ctx: PlaneBenchContext, dir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<PlaneRig> {
  const home = join(ctx.home, dir);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const echoSocket = join(home, 'echo.sock');
  requireBindableSocket(echoSocket);
  const echo = await startEchoServer(echoSocket);
  ctx.cleanup.add(() => echo.stop());
  const daemon = await startDaemon(home, extraEnv);
  ctx.cleanup.add(() => daemon.stop());
  return { home, echoSocket, echo, daemon };
}
