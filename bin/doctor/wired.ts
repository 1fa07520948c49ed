// Doctor: every agent tool wired to brains: its entry is there, the command it runs exists, its HTTP URL answers.
import { checkedStatuses, type CheckedStatus } from '../commands/wire.js';
import { check, tilde, type Check } from './check.js';

function toolCheck(s: CheckedStatus): Check | null {
  const where = tilde(s.file);
  const mcp = s.targets.find((t) => t.role === 'mcp');
  const notes = s.notes.join('; ');
  if (mcp && /^(malformed|error)/.test(mcp.state)) {
    return check('wire', s.tool, 'warn', `${s.tool}: ${where} cannot be read: ${mcp.state}`, { fix: `fix ${s.file} by hand, then brains wire --tool ${s.tool}` });
  }
  if (!s.wired) {
    if (mcp?.state === 'foreign') return check('wire', s.tool, 'info', `${s.tool}: ${where} has a "brains" entry brains wire did not write; left as is`);
    return null;
  }
  const wired = `${s.tool}: wired (${s.transport ?? '?'}) in ${where}`;
  if (s.launch === 'missing') {
    return check('wire', s.tool, 'problem', `${s.tool}: the brains entry in ${where} runs a command that no longer exists`, { detail: notes, fix: `brains wire --tool ${s.tool}` });
  }
  if (s.http_key === 'missing') {
    return check('wire', s.tool, 'problem', `${s.tool}: the brains entry in ${where} has no MCP key any more`, { detail: notes, fix: `brains wire --transport http --tool ${s.tool}` });
  }
  if (s.http_endpoint === 'fails') {
    return check('wire', s.tool, 'warn', `${s.tool}: the brains URL in ${where} does not answer as brains`, {
      detail: notes,
      fix: `start the daemon (brains up), or point it at the daemon's port: brains wire --transport http --tool ${s.tool}`,
    });
  }
  return check('wire', s.tool, 'ok', wired, notes === '' ? {} : { detail: notes });
}

/** The verdicts on `brains wire --status`'s findings: one per wired (or unreadable) tool, and a note for the rest. */
export function wiredChecks(statuses: readonly CheckedStatus[]): Check[] {
  const checks = statuses.flatMap((s) => toolCheck(s) ?? []);
  const idle = statuses.filter((s) => s.detected && !s.wired && checks.every((c) => c.id !== `wire.${s.tool}`)).map((s) => s.tool);
  if (idle.length > 0) checks.push(check('wire', 'not-wired', 'info', `detected, not wired: ${idle.join(', ')} (brains wire registers brains with them)`));
  if (!statuses.some((s) => s.wired) && idle.length === 0) checks.push(check('wire', 'none', 'info', 'no agent tool is wired (brains wire registers brains with every one it detects)'));
  return checks;
}

export async function wireChecks(): Promise<Check[]> {
  return wiredChecks(await checkedStatuses());
}
