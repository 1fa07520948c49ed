// What every doctor check returns, and how a list of them becomes brains doctor's exit code.
import { DOCTOR_EXIT } from '../commands/exit-codes.js';

/** ok: fine; info: worth knowing, nothing to do; warn: works, but should be fixed; problem: broken, fix it. */
export type CheckStatus = 'ok' | 'info' | 'warn' | 'problem';

/** The groups in the order doctor prints them. */
export const GROUPS = ['node', 'state', 'daemon', 'database', 'backups', 'disk', 'ports', 'wire', 'agents', 'clock'] as const;
export type CheckGroup = (typeof GROUPS)[number];

export interface Check {
  /** Stable for scripts: group.what (state.dir, daemon.protocol, agents.claude). */
  id: string;
  group: CheckGroup;
  status: CheckStatus;
  summary: string;
  detail?: string;
  /** What to do; given for every warn and problem. */
  fix?: string;
}

export function check(group: CheckGroup, name: string, status: CheckStatus, summary: string, more: { detail?: string | undefined; fix?: string | undefined } = {}): Check {
  return {
    id: `${group}.${name}`,
    group,
    status,
    summary,
    ...(more.detail !== undefined ? { detail: more.detail } : {}),
    ...(more.fix !== undefined ? { fix: more.fix } : {}),
  };
}

export function exitCodeOf(checks: readonly Check[]): number {
  if (checks.some((c) => c.status === 'problem')) return DOCTOR_EXIT.PROBLEMS;
  if (checks.some((c) => c.status === 'warn')) return DOCTOR_EXIT.WARNINGS;
  return DOCTOR_EXIT.OK;
}

/** A home-relative path for a person: ~/.brains/keys/admin.key. */
export function tilde(path: string, home: string | undefined = process.env.HOME): string {
  return home && home !== '/' && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** 512 B, 3.4 KiB, 12.0 MiB, 1.5 GiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
