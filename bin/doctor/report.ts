// Doctor's output: grouped lines with a mark each (✓ ok, · note, ! warning, ✗ problem), the fix under each; or one JSON document.
import { oneLine, type Colour } from '../commands/human.js';
import { exitCodeOf, GROUPS, type Check, type CheckStatus } from './check.js';

type Paint = (colour: Colour, text: string) => string;

const MARKS: Record<CheckStatus, [string, Colour]> = {
  ok: ['✓', 'green'],
  info: ['·', 'dim'],
  warn: ['!', 'yellow'],
  problem: ['✗', 'red'],
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The last line: how many of each, problems first. */
export function countsLine(checks: readonly Check[]): string {
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  const parts = [
    count('problem') > 0 ? plural(count('problem'), 'problem', 'problems') : '',
    count('warn') > 0 ? plural(count('warn'), 'warning', 'warnings') : '',
    `${count('ok')} ok`,
    count('info') > 0 ? plural(count('info'), 'note', 'notes') : '',
  ];
  return parts.filter(Boolean).join(', ');
}

export function humanReport(checks: readonly Check[], paint: Paint): string {
  const lines: string[] = [];
  for (const group of GROUPS) {
    const mine = checks.filter((c) => c.group === group);
    if (mine.length === 0) continue;
    lines.push(paint('bold', group));
    for (const c of mine) {
      const [mark, colour] = MARKS[c.status];
      lines.push(`  ${paint(colour, mark)} ${oneLine(c.summary)}`);
      if (c.detail) lines.push(`      ${paint('dim', oneLine(c.detail))}`);
      if (c.fix && (c.status === 'warn' || c.status === 'problem')) lines.push(`      fix: ${oneLine(c.fix)}`);
    }
  }
  lines.push('', countsLine(checks));
  return `${lines.join('\n')}\n`;
}

export function jsonReport(checks: readonly Check[]): { ok: boolean; exit_code: number; checks: readonly Check[] } {
  const code = exitCodeOf(checks);
  return { ok: code === 0, exit_code: code, checks };
}
