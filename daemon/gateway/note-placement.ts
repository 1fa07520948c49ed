// Where a mail note goes: a final text part of the conversation's last user turn, never the system prompt or anything before it, so the provider's prompt cache still hits.
import type { ChatRequest } from './ir.js';
import type { GatewayEndpoint } from './recorder.js';

type Json = Record<string, unknown>;

/** Onto our request (the translated path); false when the conversation does not end with a user turn (a prefill). */
export function noteOnLastUserTurn(req: ChatRequest, note: string): boolean {
  const last = req.messages[req.messages.length - 1];
  if (!last || last.role !== 'user') return false;
  // A turn's text parts run together (OpenAI-style upstreams join them): after anything, the note starts on a line of its own.
  last.parts.push({ type: 'text', text: last.parts.length > 0 ? after(note) : note });
  return true;
}

/**
 * Onto a pass-through body in the provider's own format: a copy with the note as a text block after the last user
 * message's content (Anthropic), or after its text (OpenAI chat; a user message of its own after tool results). Every
 * other byte of the conversation is the caller's. Null when there is no last user turn to put it on.
 */
export function noteInRawBody(endpoint: GatewayEndpoint, body: unknown, note: string): Json | null {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return null;
  const last = messages[messages.length - 1] as Json | null;
  if (!last || typeof last !== 'object') return null;
  const placed = endpoint === 'messages' ? anthropicTurn(last, note) : endpoint === 'chat.completions' ? openAITurns(last, note) : null;
  if (placed === null) return null;
  return { ...(body as Json), messages: [...messages.slice(0, -1), ...placed] };
}

/** After other content the note starts on a line of its own (a turn's text blocks run together). */
const after = (note: string) => `\n\n${note}`;

function anthropicTurn(last: Json, note: string): Json[] | null {
  if (last.role !== 'user') return null;
  if (typeof last.content === 'string') return [{ ...last, content: last.content === '' ? [{ type: 'text', text: note }] : [{ type: 'text', text: last.content }, { type: 'text', text: after(note) }] }];
  if (Array.isArray(last.content)) return [{ ...last, content: [...last.content, { type: 'text', text: last.content.length === 0 ? note : after(note) }] }];
  return null;
}

function openAITurns(last: Json, note: string): Json[] | null {
  if (last.role === 'tool') return [last, { role: 'user', content: note }];
  if (last.role !== 'user') return null;
  if (typeof last.content === 'string') return [{ ...last, content: last.content === '' ? note : `${last.content}${after(note)}` }];
  if (Array.isArray(last.content)) return [{ ...last, content: [...last.content, { type: 'text', text: last.content.length === 0 ? note : after(note) }] }];
  return null;
}
