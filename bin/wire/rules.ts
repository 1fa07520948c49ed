// The "use brains" block in an agent's instruction file, kept between sentinel lines so it can be found, updated and removed.
import { sentinelBlock, type Block } from './sentinel-block.js';

export const RULES_START = '<!-- brains:wire start -->';
export const RULES_END = '<!-- brains:wire end -->';

export const RULES_BODY = [
  '## brains: working alongside other agents',
  'brains is the local coordinator that lets the AI agents on this machine work together; use its MCP tools (server `brains`).',
  '- At the start of a task call `status` with your `working_directory` (or `join_project` when told which project) to learn your agent name, project and unread mail.',
  '- Read mail with `receive_messages`; when you wait for others, pass `wait: true` instead of polling. Acknowledge what you handled.',
  '- Before editing files other agents may touch, take a lock (`lock_acquire`) and release it when done.',
  '- Share plans and results with `send_message` / `store_resource`; take work from the queue with `task_claim`.',
  '- Before risky or irreversible steps, ask the human with `request_approval` and wait for the decision.',
];

const rulesBlock = sentinelBlock(RULES_START, RULES_END);

export function rulesBlockLines(): string[] {
  return [RULES_START, ...RULES_BODY, RULES_END];
}

/** Finds our block; null when absent. Throws MalformedError when the sentinels do not pair up. */
export function findRulesBlock(text: string): Block | null {
  return rulesBlock.find(text);
}

/** Puts our block in: replaces an existing block, or appends it after a blank line. */
export function putRules(text: string): string {
  return rulesBlock.put(text, rulesBlockLines());
}

/** Takes our block out, with the blank line that separated it from the text before. */
export function removeRules(text: string): string {
  return rulesBlock.remove(text);
}
