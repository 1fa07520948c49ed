// A block of lines wire owns inside someone else's text file, kept between a start and an end sentinel line so it can be
// found, replaced and taken out again (the rules block in instruction files, the key line in Codex's .env).
import { MalformedError } from './jsonc.js';

export interface Block {
  start: number;
  end: number;
  lines: string[];
}

export interface SentinelBlock {
  /** Our block, or null when absent. Throws MalformedError when the sentinels do not pair up. */
  find(text: string): Block | null;
  /** Puts the block in: replaces an existing one, or appends it after a blank line. */
  put(text: string, lines: string[]): string;
  /** Takes the block out, with the blank line that separated it from the text before. */
  remove(text: string): string;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sentinelBlock(startLine: string, endLine: string): SentinelBlock {
  const startPattern = new RegExp(`^${escape(startLine)}[ \\t]*\\r?$`, 'gm');
  const endPattern = new RegExp(`^${escape(endLine)}[ \\t]*\\r?$`, 'gm');

  const find = (text: string): Block | null => {
    const starts = [...text.matchAll(startPattern)];
    const ends = [...text.matchAll(endPattern)];
    if (starts.length === 0 && ends.length === 0) return null;
    const first = starts[0];
    const last = ends[0];
    if (starts.length !== 1 || ends.length !== 1 || !first || !last || (last.index ?? 0) < (first.index ?? 0)) {
      throw new MalformedError(`the "${startLine}" / "${endLine}" sentinel lines do not pair up`);
    }
    const start = first.index ?? 0;
    let end = (last.index ?? 0) + last[0].length;
    if (text[end] === '\n') end++;
    const lines = text
      .slice(start, end)
      .split(/\r?\n/)
      .filter((l, k, all) => !(k === all.length - 1 && l === ''));
    return { start, end, lines };
  };

  return {
    find,
    put(text, lines) {
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const block = lines.join(eol) + eol;
      const found = find(text);
      if (found) return text.slice(0, found.start) + block + text.slice(found.end);
      let out = text;
      if (out !== '' && !out.endsWith('\n')) out += eol;
      if (out !== '' && !out.endsWith(eol + eol)) out += eol;
      return out + block;
    },
    remove(text) {
      const found = find(text);
      if (!found) return text;
      let start = found.start;
      const before = text.slice(0, start);
      if (before.endsWith('\r\n\r\n')) start -= 2;
      else if (before.endsWith('\n\n')) start -= 1;
      return text.slice(0, start) + text.slice(found.end);
    },
  };
}
