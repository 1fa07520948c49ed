// The conversation commands typed into a managed agent (#new, #model NAME...), parsed the same way for every face.
import { nearestName } from './nearest-name.js';

export const AGENT_COMMANDS = {
  new: 'start a fresh native session (the agent forgets this conversation; tools allowed until #new are asked again)',
  backend: 'show the backend, or switch it: #backend echo|command|claude (a fresh session)',
  model: 'show the model, or set it: #model NAME (#model default clears it)',
  workspace: 'show the working directory, or move it: #workspace /abs/path (a fresh session)',
  'system-prompt': 'set the appended system prompt: #system-prompt TEXT (no text clears it)',
  'add-dir': 'let the agent also work in a directory: #add-dir /abs/path',
  'remove-dir': 'take a directory back: #remove-dir /abs/path',
  'list-dirs': 'the working directory and the added ones',
  status: 'backend, model, state, session and queue',
  help: 'these commands',
} as const;
export type AgentCommandName = keyof typeof AGENT_COMMANDS;
const NAMES = Object.keys(AGENT_COMMANDS) as AgentCommandName[];

export type ParsedInput =
  | { kind: 'text'; text: string }
  | { kind: 'command'; name: AgentCommandName; arg: string }
  | { kind: 'mistyped'; typed: string; nearest: AgentCommandName };

/**
 * `#name rest` with a known name is a command; `##...` sends the text with one `#`; a near miss of a command name is
 * refused so a typo never reaches the agent as a prompt; anything else is text.
 */
export function parseAgentInput(input: string): ParsedInput {
  if (input.startsWith('##')) return { kind: 'text', text: input.slice(1) };
  const match = /^#([A-Za-z][A-Za-z-]*)(?:[ \t]+([\s\S]*))?$/.exec(input.trim());
  if (!match) return { kind: 'text', text: input };
  const typed = match[1]!.toLowerCase();
  const arg = (match[2] ?? '').trim();
  if ((NAMES as string[]).includes(typed)) return { kind: 'command', name: typed as AgentCommandName, arg };
  const nearest = nearestName(typed, NAMES) as AgentCommandName | undefined;
  return nearest ? { kind: 'mistyped', typed, nearest } : { kind: 'text', text: input };
}

export function agentCommandsHelp(): string {
  return NAMES.map((name) => `#${name}: ${AGENT_COMMANDS[name]}`).join('\n');
}
