// Resident memory of a process from /proc/<pid>/status, and of an idle bare node process as the floor to compare with.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { sleep, stopChild } from './child.js';

const MIB = 1024 * 1024;
const IDLE_SETTLE_MS = 1_000;

/** VmRSS in MiB, or null where /proc is not available (not Linux). */
export function rssMiB(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? (Number(match[1]) * 1024) / MIB : null;
}

/** RSS of `node -e 'setTimeout(()=>{},2000)'` once it has started up and sits idle. */
export async function idleNodeRssMiB(): Promise<number | null> {
  const proc = spawn(process.execPath, ['-e', 'setTimeout(()=>{},2000)'], { stdio: 'ignore' });
  try {
    await sleep(IDLE_SETTLE_MS);
    return proc.pid === undefined ? null : rssMiB(proc.pid);
  } finally {
    await stopChild(proc, 2_000);
  }
}
