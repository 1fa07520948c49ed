// The systemd user unit that runs the daemon, and its ExecStart read back (for `brains service status`).
import { SERVICE_MARKER } from '../../rpc/service-start.js';
import type { ServiceSpec } from './spec.js';

/**
 * The unit file's text. Restart=on-failure brings a crashed daemon back but leaves one stopped cleanly (brains down, a
 * shutdown call) stopped; exit 2 (bad flags or settings) and 4 (another daemon holds the state dir) are not retried,
 * since a restart would fail the same way. KillMode=mixed lets the daemon end its agents' processes itself on SIGTERM.
 */
export function unitFileText(spec: ServiceSpec): string {
  return [
    `# ${SERVICE_MARKER}: the brains daemon of one state dir.`,
    '# brains service install rewrites this file; brains service uninstall removes it.',
    '[Unit]',
    `Description=brains daemon (${escapeSpecifiers(spec.stateDir)})`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${spec.argv.map(quoteExecArg).join(' ')}`,
    ...spec.environment.map(([key, value]) => `Environment=${quoteWord(`${key}=${value}`)}`),
    `StandardOutput=append:${escapeSpecifiers(spec.log)}`,
    `StandardError=append:${escapeSpecifiers(spec.log)}`,
    'Restart=on-failure',
    'RestartSec=2',
    'RestartPreventExitStatus=2 4',
    'KillMode=mixed',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** `%` starts a systemd specifier (%h, %u ...); `%%` is a literal percent sign. */
function escapeSpecifiers(text: string): string {
  return text.replace(/%/g, '%%');
}

/** One ExecStart argument: `$` would expand an environment variable there, so it is doubled as well. */
function quoteExecArg(arg: string): string {
  return quoteWord(arg).replace(/\$/g, '$$$$');
}

/** A word as systemd splits command lines and Environment= assignments: bare when plain, else in double quotes with C escapes. */
function quoteWord(word: string): string {
  const escaped = escapeSpecifiers(word);
  if (escaped !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The ExecStart command of a unit brains wrote, split back into its arguments; null when it has none. */
export function unitExecStart(text: string): string[] | null {
  const line = /^ExecStart=(.*)$/m.exec(text)?.[1];
  return line === undefined ? null : splitWords(line).map((word) => word.replace(/\$\$/g, '$'));
}

/** The Environment= assignments of a unit, as name and value. */
export function unitEnvironment(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const match of text.matchAll(/^Environment=(.*)$/gm)) {
    for (const word of splitWords(match[1]!)) {
      const eq = word.indexOf('=');
      if (eq > 0) pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
    }
  }
  return pairs;
}

/** systemd's word splitting for what quoteWord writes: whitespace between words, double or single quotes, backslash escapes. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i += 1;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : null;
    while (i < line.length) {
      const ch = line[i]!;
      if (quote ? ch === quote : ch === ' ' || ch === '\t') {
        if (quote) i += 1;
        break;
      }
      if (ch === '\\' && i + 1 < line.length) {
        word += line[i + 1];
        i += 2;
        continue;
      }
      word += ch;
      i += 1;
    }
    words.push(word.replace(/%%/g, '%'));
  }
  return words;
}
