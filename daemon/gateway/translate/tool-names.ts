// OpenAI refuses tool names over 64 characters (Anthropic and MCP allow longer): shorten them going up, map them back coming down.
import { createHash } from 'node:crypto';
import type { ChatRequest } from '../ir.js';

export const OPENAI_TOOL_NAME_MAX = 64;

/** The same long name always gives the same short one: a prefix and a hash of the whole. */
export function shortToolName(name: string): string {
  if (name.length <= OPENAI_TOOL_NAME_MAX) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, OPENAI_TOOL_NAME_MAX - 9)}_${hash}`;
}

/** short -> original for every tool name a request uses (its tools and the calls in its history). */
export function toolNameMap(req: ChatRequest): Map<string, string> {
  const map = new Map<string, string>();
  const add = (name: string) => {
    const short = shortToolName(name);
    if (short !== name) map.set(short, name);
  };
  for (const tool of req.tools) add(tool.name);
  for (const message of req.messages) for (const part of message.parts) if (part.type === 'tool_call') add(part.name);
  if (req.tool_choice?.kind === 'tool') add(req.tool_choice.name);
  return map;
}

export function originalToolName(map: Map<string, string>, name: string): string {
  return map.get(name) ?? name;
}
