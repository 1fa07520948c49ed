// The built-in provider: answers deterministically with what it was sent, so the gateway works with no keys and tests need no network.
import type { ChatRequest, ChatResult, StreamEvent } from '../ir.js';
import { estimateTokens, requestChars } from '../ir.js';
import type { Provider, ProviderCall } from './provider.js';

interface EchoReply {
  text: string;
  toolCall: { name: string; arguments: string } | null;
}

/**
 * What echo says: `echo: <the last user text>` (or the last tool result). A last user text `/tool NAME {json}` naming one
 * of the request's tools is answered with that tool call instead, so clients can exercise tool calls without a model.
 */
export function echoReply(req: ChatRequest): EchoReply {
  const last = req.messages[req.messages.length - 1];
  let said = '';
  if (last?.role === 'user') {
    const results = last.parts.filter((p) => p.type === 'tool_result');
    said = results.length > 0 ? results.map((p) => p.content).join('\n') : last.parts.filter((p) => p.type === 'text').map((p) => p.text).join('');
    const command = /^\/tool\s+(\S+)\s*([\s\S]*)$/.exec(said.trim());
    if (results.length === 0 && command && req.tools.some((t) => t.name === command[1])) {
      return { text: '', toolCall: { name: command[1]!, arguments: command[2]!.trim() === '' ? '{}' : command[2]!.trim() } };
    }
  }
  return { text: `echo: ${said}`, toolCall: null };
}

function usageFor(req: ChatRequest, reply: EchoReply) {
  return { input_tokens: estimateTokens(requestChars(req)), output_tokens: estimateTokens(reply.text.length + (reply.toolCall?.arguments.length ?? 0)) };
}

/** Pieces of about three words, so a stream has several deltas. */
function pieces(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(''));
  return out;
}

export class EchoProvider implements Provider {
  readonly type = 'echo' as const;

  constructor(readonly name: string) {}

  async complete({ req }: ProviderCall): Promise<ChatResult> {
    const reply = echoReply(req);
    const usage = usageFor(req, reply);
    if (reply.toolCall) return { text: '', tool_calls: [{ id: 'call_echo_0', ...reply.toolCall }], finish: 'tool_calls', usage };
    return { text: reply.text, tool_calls: [], finish: req.max_tokens !== null && usage.output_tokens > req.max_tokens ? 'length' : 'stop', usage };
  }

  async *stream({ req, signal }: ProviderCall): AsyncGenerator<StreamEvent> {
    const reply = echoReply(req);
    if (reply.toolCall) {
      yield { type: 'tool_call_start', index: 0, id: 'call_echo_0', name: reply.toolCall.name };
      const half = Math.ceil(reply.toolCall.arguments.length / 2);
      yield { type: 'tool_call_delta', index: 0, arguments: reply.toolCall.arguments.slice(0, half) };
      if (half < reply.toolCall.arguments.length) yield { type: 'tool_call_delta', index: 0, arguments: reply.toolCall.arguments.slice(half) };
      yield { type: 'finish', reason: 'tool_calls' };
    } else {
      for (const piece of pieces(reply.text)) {
        if (signal.aborted) return;
        yield { type: 'text', text: piece };
      }
      yield { type: 'finish', reason: 'stop' };
    }
    yield { type: 'usage', usage: usageFor(req, reply) };
  }

  async countTokens({ req }: ProviderCall): Promise<number> {
    return estimateTokens(requestChars(req));
  }
}
