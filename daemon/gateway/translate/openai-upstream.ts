// A request to an OpenAI-compatible provider's /chat/completions, and its answer (a JSON body or chunks) back to our shape.
import { GatewayError } from '../errors.js';
import type { ChatRequest, ChatResult, StreamEvent, ToolCall, Usage } from '../ir.js';
import { finishFromOpenAI } from './reasons.js';
import { originalToolName, shortToolName } from './tool-names.js';

type Json = Record<string, unknown>;

function toolChoiceBody(req: ChatRequest): unknown {
  const choice = req.tool_choice;
  if (!choice) return undefined;
  if (choice.kind === 'auto') return 'auto';
  if (choice.kind === 'none') return 'none';
  if (choice.kind === 'required') return 'required';
  return { type: 'function', function: { name: shortToolName(choice.name) } };
}

/** Our messages as OpenAI's: tool results become role `tool` messages right after the assistant turn that called them. */
function messagesBody(req: ChatRequest): Json[] {
  const out: Json[] = [];
  if (req.system !== null && req.system !== '') out.push({ role: 'system', content: req.system });
  for (const message of req.messages) {
    if (message.role === 'assistant') {
      const text = message.parts.filter((p) => p.type === 'text').map((p) => p.text).join('');
      const calls = message.parts.filter((p) => p.type === 'tool_call');
      const entry: Json = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
      if (calls.length > 0) entry.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: shortToolName(c.name), arguments: c.arguments } }));
      out.push(entry);
      continue;
    }
    for (const part of message.parts) {
      if (part.type === 'tool_result') out.push({ role: 'tool', tool_call_id: part.tool_call_id, content: part.content });
    }
    const rest = message.parts.filter((p) => p.type === 'text' || p.type === 'image');
    if (rest.length === 0) continue;
    if (rest.every((p) => p.type === 'text')) out.push({ role: 'user', content: rest.map((p) => p.text).join('') });
    else out.push({ role: 'user', content: rest.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.type === 'image' ? p.url : '' } })) });
  }
  return out;
}

export function openAIBody(req: ChatRequest, upstreamModel: string, stream: boolean): Json {
  const body: Json = { model: upstreamModel, messages: messagesBody(req), stream };
  if (stream) body.stream_options = { include_usage: true };
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({ type: 'function', function: { name: shortToolName(t.name), ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters } }));
  }
  const choice = toolChoiceBody(req);
  if (choice !== undefined) body.tool_choice = choice;
  if (req.max_tokens !== null) body.max_tokens = req.max_tokens;
  if (req.temperature !== null) body.temperature = req.temperature;
  if (req.top_p !== null) body.top_p = req.top_p;
  if (req.stop.length > 0) body.stop = req.stop;
  return body;
}

function usageOf(value: unknown): Usage | null {
  const u = value as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return null;
  return { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens };
}

function garbage(provider: string, what: string): GatewayError {
  return new GatewayError('upstream', `provider ${provider} answered with ${what}`);
}

/** A /chat/completions JSON answer in our shape; one without choices[0].message is garbage. */
export function openAIResult(json: Json, names: Map<string, string>, provider: string): ChatResult {
  const choice = (json.choices as Json[] | undefined)?.[0];
  const message = choice?.message as Json | undefined;
  if (!choice || typeof message !== 'object' || message === null) throw garbage(provider, 'a chat completion without choices[0].message');
  const tool_calls: ToolCall[] = [];
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = call.function as Json | undefined;
    if (typeof fn?.name !== 'string') throw garbage(provider, 'a tool call without a function name');
    tool_calls.push({ id: typeof call.id === 'string' ? call.id : `call_${tool_calls.length}`, name: originalToolName(names, fn.name), arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) });
  }
  const content = message.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: Json) => (typeof p.text === 'string' ? p.text : '')).join('') : '';
  return { text, tool_calls, finish: finishFromOpenAI(choice.finish_reason), usage: usageOf(json.usage) };
}

/**
 * Chunks of an OpenAI stream as our events. A tool call is opened the first time its index appears (with its id and
 * name); later fragments of that index carry only arguments. Content and finish_reason may come in one chunk, and usage
 * in a last chunk with no choices.
 */
export class OpenAIChunkReader {
  private readonly opened = new Set<number>();

  constructor(
    private readonly names: Map<string, string>,
    private readonly provider: string,
  ) {}

  events(data: string): StreamEvent[] {
    let chunk: Json;
    try {
      chunk = JSON.parse(data) as Json;
    } catch {
      throw garbage(this.provider, 'a stream chunk that is not JSON');
    }
    if (typeof chunk !== 'object' || chunk === null) throw garbage(this.provider, 'a stream chunk that is not an object');
    if (chunk.error !== undefined) {
      const message = (chunk.error as Json | null)?.message;
      throw new GatewayError('upstream', `provider ${this.provider} failed mid-stream${typeof message === 'string' ? `: ${message}` : ''}`);
    }
    const out: StreamEvent[] = [];
    const choice = (chunk.choices as Json[] | undefined)?.[0];
    const delta = choice?.delta as Json | undefined;
    if (delta) {
      if (typeof delta.content === 'string' && delta.content !== '') out.push({ type: 'text', text: delta.content });
      for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
        const index = typeof call.index === 'number' ? call.index : 0;
        const fn = (call.function as Json | undefined) ?? {};
        if (!this.opened.has(index)) {
          this.opened.add(index);
          const name = typeof fn.name === 'string' ? fn.name : '';
          out.push({ type: 'tool_call_start', index, id: typeof call.id === 'string' ? call.id : `call_${index}`, name: originalToolName(this.names, name) });
        }
        if (typeof fn.arguments === 'string' && fn.arguments !== '') out.push({ type: 'tool_call_delta', index, arguments: fn.arguments });
      }
    }
    if (choice && choice.finish_reason !== null && choice.finish_reason !== undefined) out.push({ type: 'finish', reason: finishFromOpenAI(choice.finish_reason) });
    const usage = usageOf(chunk.usage);
    if (usage) out.push({ type: 'usage', usage });
    return out;
  }
}
