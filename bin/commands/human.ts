// Text for a person at a terminal: colour only on a TTY and never with NO_COLOR, one-line text safe to print, ages, columns.
import { escapeInvisible } from '../../rpc/visible-text.js';

export type Colour = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';

const CODES: Record<Colour, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** Colour for this stream: a terminal, and NO_COLOR unset or empty (no-color.org). */
export function colourFor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): (colour: Colour, text: string) => string {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return on ? (colour, text) => `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m` : (_colour, text) => text;
}

/**
 * Text from someone else (a payload, a title, a name) as one printable line: line breaks and tabs become spaces, and
 * every other control, bidi or zero-width character is shown escaped (`\u202E`), so nothing an agent wrote can move the
 * cursor, recolour the terminal or reorder what you read, and you see that it is there; cut to `max` characters.
 */
export function oneLine(text: string, max = Infinity): string {
  const flat = escapeInvisible(text.replace(/[\t\n\r\u2028\u2029]+/g, ' ')).trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** How long ago an ISO time was, in the largest whole unit: 12s, 5m, 3h, 2d. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** HH:MM:SS in local time. */
export function clock(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '??:??:??';
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Rows as aligned columns, two spaces apart (the last one is left ragged); `right` names columns aligned to the right. */
export function columns(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1) return cell;
        const pad = ' '.repeat(widths[i]! - [...cell].length);
        return right.includes(i) ? pad + cell : cell + pad;
      })
      .join('  '),
  );
}

/** How wide a terminal line may be; unlimited when not writing to a terminal. */
export function lineWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : Infinity;
}
