// The "use brains" block in an agent's instruction file, kept between sentinel lines so it can be found, updated and removed.
import { MalformedError } from './jsonc.js';

export const RULES_START = '<!-- brains:wire start -->';
export const RULES_END = '<!-- brains:wire end -->';

export const RULES_BODY = [
  '## brains: working alongside other agents',
  'brains is the local coordinator that lets the AI agents on this machine work together; use its MCP tools (server `brains`).',
  '- At the start of a task call `status` (or `join_project` when told which project) to learn your agent name, project and unread mail.',
  '- Read mail with `receive_messages`; when you wait for others, pass `wait: true` instead of polling. Acknowledge what you handled.',
  '- Before editing files other agents may touch, take a lock (`lock_acquire`) and release it when done.',
  '- Share plans and results with `send_message` / `store_resource`; take work from the queue with `task_claim`.',
  '- Before risky or irreversible steps, ask the human with `request_approval` and wait for the decision.',
];

export function rulesBlockLines(): string[] {
  return [RULES_START, ...RULES_BODY, RULES_END];
}

interface Block {
  start: number;
  end: number;
  lines: string[];
}

/** Finds our block; null when absent. Throws MalformedError when the sentinels do not pair up. */
export function findRulesBlock(text: string): Block | null {
  const starts = [...text.matchAll(/^<!-- brains:wire start -->[ \t]*\r?$/gm)];
  const ends = [...text.matchAll(/^<!-- brains:wire end -->[ \t]*\r?$/gm)];
  if (starts.length === 0 && ends.length === 0) return null;
  const first = starts[0];
  const last = ends[0];
  if (starts.length !== 1 || ends.length !== 1 || !first || !last || (last.index ?? 0) < (first.index ?? 0)) {
    throw new MalformedError('the brains:wire sentinel lines do not pair up');
  }
  const start = first.index ?? 0;
  let end = (last.index ?? 0) + last[0].length;
  if (text[end] === '\n') end++;
  const lines = text
    .slice(start, end)
    .split(/\r?\n/)
    .filter((l, k, all) => !(k === all.length - 1 && l === ''));
  return { start, end, lines };
}

/** Puts our block in: replaces an existing block, or appends it after a blank line. */
export function putRules(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = rulesBlockLines().join(eol) + eol;
  const found = findRulesBlock(text);
  if (found) return text.slice(0, found.start) + block + text.slice(found.end);
  let out = text;
  if (out !== '' && !out.endsWith('\n')) out += eol;
  if (out !== '' && !out.endsWith(eol + eol)) out += eol;
  return out + block;
}

/** Takes our block out, with the blank line that separated it from the text before. */
export function removeRules(text: string): string {
  const found = findRulesBlock(text);
  if (!found) return text;
  let start = found.start;
  const before = text.slice(0, start);
  if (before.endsWith('\r\n\r\n')) start -= 2;
  else if (before.endsWith('\n\n')) start -= 1;
  return text.slice(0, start) + text.slice(found.end);
}
