// Entry of `npm run bench`: a daemon and a raw echo in a temp BRAINS_HOME, every figure measured in turn, then the table and BENCH_JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cleanup } from './cleanup.js';
import { sizesFor, type BenchSizes } from './config.js';
import { requireBindableSocket, startDaemon } from './daemon-process.js';
import { startEchoServer } from './echo-process.js';
import { figuresJson, type Figure } from './figures.js';
import { measureAll } from './measure.js';
import { buildFigures } from './report.js';
import { renderTable } from './table.js';
import { measureInChild } from './plane-child.js';

function runContext(sizes: BenchSizes): Record<string, unknown> {
  return { mode: sizes.mode, node: process.version, platform: process.platform, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', sizes };
}

function printReport(figures: Figure[], sizes: BenchSizes): void {
  process.stdout.write(`\nbrains bench (${sizes.mode}, node ${process.version}, ${cpus().length} CPUs)\n\n`);
  process.stdout.write(`${renderTable(figures)}\n\n`);
  process.stdout.write(`BENCH_JSON ${figuresJson(figures, runContext(sizes))}\n`);
}

async function bench(sizes: BenchSizes, cleanup: Cleanup): Promise<number> {
  // Short prefix: Unix socket paths are limited to 107 bytes.
  const home = mkdtempSync(join(tmpdir(), 'bb-'));
  cleanup.add(() => rmSync(home, { recursive: true, force: true }));
  const echoSocket = join(home, 'echo.sock');
  requireBindableSocket(echoSocket);
  const echo = await startEchoServer(echoSocket);
  cleanup.add(() => echo.stop());
  const daemon = await startDaemon(home);
  cleanup.add(() => daemon.stop());

  const measurements = await measureAll(sizes, { daemon, echo, home });
  await echo.stop();
  const daemonExit = await daemon.stop();
  // Each plane's figures run against a daemon of their own, after the foundation's, from a process of their own, so
  // they do not disturb each other.
  const planeFigures = [
    ...(await measureInChild('messages', sizes, home)),
    ...(await measureInChild('locks', sizes, home)),
    ...(await measureInChild('mcp', sizes, home)),
    ...(await measureInChild('mcp-http', sizes, home)),
    ...(await measureInChild('tui', sizes, home)),
    ...(await measureInChild('db-lock', sizes, home)),
    ...(await measureInChild('agents', sizes, home)),
    ...(await measureInChild('scheduler', sizes, home)),
    ...(await measureInChild('gateway', sizes, home)),
  ];
  printReport([...buildFigures(measurements, sizes), ...planeFigures], sizes);
  if (daemonExit !== 0) {
    process.stderr.write(`bench: the daemon exited with ${daemonExit} on SIGTERM\n${daemon.stderrTail()}\n`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    return await bench(sizesFor(process.argv.slice(2)), cleanup);
  } catch (error) {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

process.exitCode = await main();
