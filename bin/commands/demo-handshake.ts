// What `brains demo` and its detached driver process agree on: the flag that starts the driver, how it reports back once,
// its exit code when another driver already runs, and the pace it keeps.

/** `brains demo --driver` is the driver; it is also how a pid is recognised as one. */
export const DRIVER_FLAG = '--driver';

/** The driver's exit code when another driver already holds the state dir's demo lock. */
export const DEMO_ALREADY_RUNNING_EXIT = 4;

/** What the driver tells the `brains demo` that started it, over the IPC channel, once. */
export type DriverReport =
  | { type: 'ready'; pid: number; project_id: string; agents: Array<{ name: string; backend: string }> }
  | { type: 'failed'; message: string; already_running?: true };

export const DEMO_INTERVAL_ENV = 'BRAINS_DEMO_INTERVAL_MS';
export const DEFAULT_DEMO_INTERVAL_MS = 3000;

/** Milliseconds between two steps of the demo: BRAINS_DEMO_INTERVAL_MS, else a few seconds. */
export function demoIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[DEMO_INTERVAL_ENV]);
  return Number.isFinite(value) && value >= 1 ? value : DEFAULT_DEMO_INTERVAL_MS;
}
