// A request to an Anthropic provider's /v1/messages, and its answer (a message or its events) back to our shape.
import { GatewayError } from '../errors.js';
import type { ChatRequest, ChatResult, StreamEvent, ToolCall } from '../ir.js';
import { finishFromAnthropic } from './reasons.js';

type Json = Record<string, unknown>;

/** Anthropic requires max_tokens; OpenAI callers often leave it out. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    return { arguments: text };
  }
}

function imageBlock(url: string): Json {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

/** Our messages as Anthropic's: roles alternate (neighbours of one role merge), tool calls become tool_use blocks. */
function messagesBody(req: ChatRequest): Json[] {
  const out: Array<{ role: string; content: Json[] }> = [];
  for (const message of req.messages) {
    const blocks: Json[] = [];
    for (const part of message.parts) {
      if (part.type === 'text') {
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
      } else if (part.type === 'image') blocks.push(imageBlock(part.url));
      else if (part.type === 'tool_call') blocks.push({ type: 'tool_use', id: part.id, name: part.name, input: parseArguments(part.arguments) });
      else blocks.push({ type: 'tool_result', tool_use_id: part.tool_call_id, content: part.content, ...(part.is_error ? { is_error: true } : {}) });
    }
    if (blocks.length === 0) continue;
    // Tool results come first in their user message, as Anthropic requires.
    blocks.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
    const last = out[out.length - 1];
    if (last && last.role === message.role) last.content.push(...blocks);
    else out.push({ role: message.role, content: blocks });
  }
  return out;
}

export function anthropicBody(req: ChatRequest, upstreamModel: string, stream: boolean): Json {
  const body: Json = { model: upstreamModel, max_tokens: req.max_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS, messages: messagesBody(req) };
  if (stream) body.stream = true;
  if (req.system !== null && req.system !== '') body.system = req.system;
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), input_schema: { type: 'object', ...t.parameters } }));
  }
  const choice = req.tool_choice;
  if (choice) {
    if (choice.kind === 'none') body.tool_choice = { type: 'none' };
    else if (choice.kind === 'required') body.tool_choice = { type: 'any' };
    else if (choice.kind === 'tool') body.tool_choice = { type: 'tool', name: choice.name };
    else body.tool_choice = { type: 'auto' };
  }
  if (req.temperature !== null) body.temperature = req.temperature;
  if (req.top_p !== null) body.top_p = req.top_p;
  if (req.stop.length > 0) body.stop_sequences = req.stop;
  return body;
}

function garbage(provider: string, what: string): GatewayError {
  return new GatewayError('upstream', `provider ${provider} answered with ${what}`);
}

export function anthropicResult(json: Json, provider: string): ChatResult {
  if (!Array.isArray(json.content)) throw garbage(provider, 'a message without content');
  let text = '';
  const tool_calls: ToolCall[] = [];
  for (const block of json.content as Json[]) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'tool_use') {
      if (typeof block.name !== 'string') throw garbage(provider, 'a tool_use block without a name');
      tool_calls.push({ id: typeof block.id === 'string' ? block.id : `toolu_${tool_calls.length}`, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const usage = json.usage as { input_tokens?: unknown; output_tokens?: unknown } | undefined;
  return {
    text,
    tool_calls,
    finish: finishFromAnthropic(json.stop_reason),
    usage: typeof usage?.input_tokens === 'number' && typeof usage.output_tokens === 'number' ? { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens } : null,
  };
}

/** Events of an Anthropic stream as ours: tool_use blocks open tool calls (numbered in order), input_json_delta feeds them. */
export class AnthropicEventReader {
  /** content block index -> our tool call index */
  private readonly toolBlocks = new Map<number, number>();
  private input = 0;

  constructor(private readonly provider: string) {}

  events(data: string): StreamEvent[] {
    let event: Json;
    try {
      event = JSON.parse(data) as Json;
    } catch {
      throw garbage(this.provider, 'a stream event that is not JSON');
    }
    if (typeof event !== 'object' || event === null) throw garbage(this.provider, 'a stream event that is not an object');
    switch (event.type) {
      case 'message_start': {
        const usage = (event.message as Json | undefined)?.usage as { input_tokens?: unknown } | undefined;
        if (typeof usage?.input_tokens === 'number') this.input = usage.input_tokens;
        return this.input > 0 ? [{ type: 'usage', usage: { input_tokens: this.input } }] : [];
      }
      case 'content_block_start': {
        const block = event.content_block as Json | undefined;
        const index = Number(event.index);
        if (block?.type === 'tool_use') {
          const ours = this.toolBlocks.size;
          this.toolBlocks.set(index, ours);
          const out: StreamEvent[] = [{ type: 'tool_call_start', index: ours, id: String(block.id ?? `toolu_${ours}`), name: String(block.name ?? '') }];
          const input = block.input as Json | undefined;
          if (input && Object.keys(input).length > 0) out.push({ type: 'tool_call_delta', index: ours, arguments: JSON.stringify(input) });
          return out;
        }
        if (block?.type === 'text' && typeof block.text === 'string' && block.text !== '') return [{ type: 'text', text: block.text }];
        return [];
      }
      case 'content_block_delta': {
        const delta = event.delta as Json | undefined;
        if (delta?.type === 'text_delta' && typeof delta.text === 'string') return [{ type: 'text', text: delta.text }];
        if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          const ours = this.toolBlocks.get(Number(event.index));
          return ours === undefined || delta.partial_json === '' ? [] : [{ type: 'tool_call_delta', index: ours, arguments: delta.partial_json }];
        }
        return [];
      }
      case 'message_delta': {
        const out: StreamEvent[] = [];
        const delta = event.delta as Json | undefined;
        if (delta?.stop_reason !== undefined && delta.stop_reason !== null) out.push({ type: 'finish', reason: finishFromAnthropic(delta.stop_reason) });
        const usage = event.usage as { input_tokens?: unknown; output_tokens?: unknown } | undefined;
        if (typeof usage?.output_tokens === 'number') {
          out.push({ type: 'usage', usage: { input_tokens: typeof usage.input_tokens === 'number' ? usage.input_tokens : this.input, output_tokens: usage.output_tokens } });
        }
        return out;
      }
      case 'error': {
        const message = (event.error as Json | undefined)?.message;
        throw new GatewayError('upstream', `provider ${this.provider} failed mid-stream${typeof message === 'string' ? `: ${message}` : ''}`);
      }
      default:
        return [];
    }
  }
}
