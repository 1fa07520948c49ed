// Runs one plane's figures in a process of its own, so the heap and timers an earlier plane left in the benchmark's
// process (a million stored messages, long sample arrays) cannot add pauses to the next plane's clients.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './cleanup.js';
import { sizesFor, type BenchSizes } from './config.js';
import type { Figure, PlaneBenchContext } from './figures.js';
import { measureLockFigures } from './locks-figures.js';
import { measureMcpFigures } from './mcp-figures.js';
import { measureMcpHttpFigures } from './mcp-http-figures.js';
import { measureMessageFigures } from './messages-figures.js';
import { measureTuiFigures } from './tui-figures.js';
import { measureDbLockFigures } from './db-lock-figures.js';
import { measureAgentFigures } from './agents-figures.js';
import { measureSchedulerFigures } from './scheduler-figures.js';
import { measureGatewayFigures } from './gateway-figures.js';

const PLANES = {
  messages: measureMessageFigures,
  locks: measureLockFigures,
  mcp: measureMcpFigures,
  'mcp-http': measureMcpHttpFigures,
  tui: measureTuiFigures,
  'db-lock': measureDbLockFigures,
  agents: measureAgentFigures,
  scheduler: measureSchedulerFigures,
  gateway: measureGatewayFigures,
} satisfies Record<string, (sizes: BenchSizes, ctx: PlaneBenchContext) => Promise<Figure[]>>;

export type PlaneName = keyof typeof PLANES;

/** Measure one plane in a child process; its daemon and files are cleaned up there, its figures come back over IPC. */
export function measureInChild(plane: PlaneName, sizes: BenchSizes, home: string): Promise<Figure[]> {
  const args = [plane, home, ...(sizes.mode === 'quick' ? ['--quick'] : [])];
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let figures: Figure[] | null = null;
    child.once('message', (message) => (figures = message as Figure[]));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (figures && code === 0) resolve(figures);
      else reject(new Error(`the ${plane} figures failed (exit ${code ?? signal}); see the lines above`));
    });
  });
}

async function runAsChild(): Promise<number> {
  const [plane, home, ...rest] = process.argv.slice(2);
  const measure = PLANES[plane as PlaneName];
  if (!measure || !home) throw new Error(`usage: plane-child <${Object.keys(PLANES).join('|')}> <home> [--quick]`);
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const figures = await measure(sizesFor(rest), { home, cleanup });
    await new Promise<void>((resolve, reject) => process.send!(figures, (error: Error | null) => (error ? reject(error) : resolve())));
    return 0;
  } finally {
    await cleanup.runAll();
  }
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  runAsChild().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
