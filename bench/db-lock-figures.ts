// What another process holding the database's write lock does to the daemon: the event loop's worst delay and the
// ping p99 while a writer outside holds BEGIN IMMEDIATE for 5 s and agents keep sending, beside the same load unlocked.
import Database from 'better-sqlite3';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { startPlaneRig } from './plane-rig.js';
import { atMost, type Figure, type PlaneBenchContext } from './figures.js';
import { elapsedSince, now, percentile, sortDurations, toMillis } from './stats.js';

const HOLD_MS = 5_000;
const SEND_EVERY_MS = 50;

function phase(name: string): void {
  process.stderr.write(`bench: ${name}\n`);
}

interface Window {
  pings: bigint[];
  worstLoopMs: number;
  sent: number;
  refused: number;
}

/** Sequential pings on one connection and a send every 50 ms on another, for `ms`; then the daemon's own loop figure. */
async function loadFor(ms: number, pinger: BrainsClient, sender: BrainsClient, during: Promise<void>): Promise<Window> {
  const pings: bigint[] = [];
  const sends: Array<Promise<boolean>> = [];
  const until = Date.now() + ms;
  const sending = setInterval(() => {
    sends.push(sender.call('message.send', { project_id: 'held', from_agent: 'writer', to_agent: 'reader', payload: 'while held?' }).then(() => true, () => false));
  }, SEND_EVERY_MS);
  while (Date.now() < until) {
    const start = now();
    await pinger.call('system.ping');
    pings.push(elapsedSince(start));
  }
  clearInterval(sending);
  await during;
  const landed = await Promise.all(sends);
  const info = await pinger.call('system.info');
  return { pings: sortDurations(pings), worstLoopMs: info.event_loop.worst_ms_last_10s, sent: landed.filter(Boolean).length, refused: landed.filter((ok) => !ok).length };
}

export async function measureDbLockFigures(_sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const { echo, daemon } = await startPlaneRig(ctx, 'w');
  await echo.stop();
  const pinger = await BrainsClient.connect(daemon.socket);
  const sender = await BrainsClient.connect(daemon.socket);
  let unlocked: Window;
  let locked: Window;
  try {
    await pinger.call('project.create', { project_id: 'held', name: 'held' });
    for (const agent of ['writer', 'reader']) await pinger.call('project.join', { project_id: 'held', agent_name: agent, client_id: `bench-${agent}` });
    const dbPath = (await pinger.call('system.info')).db_path;

    phase(`db lock: pings and a send every ${SEND_EVERY_MS} ms for ${HOLD_MS / 1000} s, unlocked; then the same while another process holds the write lock`);
    // Ten quiet seconds first, so the unlocked window's loop figure is its own (the daemon reports the last 10 s).
    unlocked = await loadFor(HOLD_MS, pinger, sender, Promise.resolve());
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    const outsider = new Database(dbPath);
    outsider.prepare('BEGIN IMMEDIATE').run();
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        outsider.prepare('COMMIT').run();
        outsider.close();
        resolve();
      }, HOLD_MS),
    );
    locked = await loadFor(HOLD_MS, pinger, sender, released);
    phase(`db lock: ${locked.sent} sends made while locked landed after the release, ${locked.refused} were answered UNAVAILABLE (db_lock_wait_seconds 5)`);
  } finally {
    await pinger.close();
    await sender.close();
  }
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the db-lock daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const p99 = (samples: bigint[]) => toMillis(percentile(samples, 99));
  return [
    {
      key: 'db_locked_loop_worst_ms',
      label: 'event loop worst delay, write lock held outside 5 s',
      unit: 'ms',
      value: locked.worstLoopMs,
      limitKey: 'db_unlocked_loop_worst_ms',
      limitLabel: 'same load, unlocked',
      limit: unlocked.worstLoopMs,
      target: atMost(50, 'ms', locked.worstLoopMs),
    },
    {
      key: 'db_locked_ping_p99_ms',
      label: 'ping p99, write lock held outside 5 s',
      unit: 'ms',
      value: p99(locked.pings),
      limitKey: 'db_unlocked_ping_p99_ms',
      limitLabel: 'same load, unlocked',
      limit: p99(unlocked.pings),
      target: null,
    },
  ];
}
