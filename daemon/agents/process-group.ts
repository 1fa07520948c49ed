// Ending an agent child with everything it started: each child leads its own process group, signalled as a whole.
import type { ResultPromise } from 'execa';

/** Signal the child's whole group; false when it is gone already. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Close its input, then SIGTERM the group, then SIGKILL it after graceMs; resolves once the child has exited. The group
 * is killed at the end either way, so nothing the child started outlives it.
 */
export async function endGracefully(child: ResultPromise, graceMs: number): Promise<void> {
  const exited = child.then(
    () => undefined,
    () => undefined,
  );
  child.stdin?.end();
  if (!(await within(exited, Math.min(graceMs, 1000)))) {
    signalGroup(child.pid, 'SIGTERM');
    if (!(await within(exited, graceMs))) signalGroup(child.pid, 'SIGKILL');
  }
  await exited;
  signalGroup(child.pid, 'SIGKILL');
}

/** Whether the promise settled within ms. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
