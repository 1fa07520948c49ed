// The agent tool's own process, seen from a command it runs (a hook, `brains mcp`): the session ends when it exits, and
// a hook and the brains mcp of one tool process are one agent instance. Tools may run us through a shell: step over it.
import { readFileSync } from 'node:fs';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'busybox']);

/** The nearest ancestor that is not a shell (Linux /proc; elsewhere the parent is taken as it is). */
export function agentPid(): number | undefined {
  let pid = process.ppid;
  for (let hops = 0; hops < 3 && pid > 1; hops += 1) {
    const stat = procStat(pid);
    if (!stat || !SHELLS.has(stat.comm)) break;
    pid = stat.ppid;
  }
  return pid > 1 ? pid : undefined;
}

function procStat(pid: number): { comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { comm: stat.slice(open + 1, close), ppid };
  } catch {
    return null;
  }
}
