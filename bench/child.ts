// Helpers for the child processes the benchmark owns: know when one has exited, stop it politely, escalate if ignored.
import type { ChildProcess } from 'node:child_process';

export function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** Resolves with the exit code (null when a signal ended it). */
export function exitOf(proc: ChildProcess): Promise<number | null> {
  if (hasExited(proc)) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

/** SIGTERM, then SIGKILL after graceMs; resolves with the exit code. */
export async function stopChild(proc: ChildProcess, graceMs: number): Promise<number | null> {
  if (hasExited(proc)) return proc.exitCode;
  const exited = exitOf(proc);
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keep only the last bytes of a child's stderr, enough to explain a failure. */
export function collectTail(proc: ChildProcess, maxChars = 16_384): () => string {
  let text = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-maxChars);
  });
  return () => text;
}
