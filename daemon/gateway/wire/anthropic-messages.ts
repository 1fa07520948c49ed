// POST /v1/messages: Anthropic's Messages format parsed into ours, and answers rendered back (a message, or its events in their exact order).
import type { ServerResponse } from 'node:http';
import { errorBody, type GatewayError } from '../errors.js';
import type { ChatMessage, ChatRequest, ChatResult, FinishReason, Part, StreamEvent, ToolChoice } from '../ir.js';
import { writeSse } from '../sse.js';
import { anthropicStopReason } from '../translate/reasons.js';
import { invalid, isObject, newId, optionalBoolean, optionalInteger, optionalNumber, requireArray, requireObject, requireString, schemaOf, textOf, type Json } from './fields.js';
import type { RenderContext, StreamWriter, WireFormat } from './format.js';

function imageUrl(block: Json, param: string): string {
  const source = requireObject(block.source, `${param}.source`);
  if (source.type === 'base64') return `data:${requireString(source.media_type, `${param}.source.media_type`)};base64,${requireString(source.data, `${param}.source.data`)}`;
  if (source.type === 'url') return requireString(source.url, `${param}.source.url`);
  throw invalid(`${param}.source.type`, 'must be base64 or url');
}

function blocksOf(content: unknown, param: string, role: 'user' | 'assistant'): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: Part[] = [];
  requireArray(content, param).forEach((item, i) => {
    const block = requireObject(item, `${param}[${i}]`);
    const at = `${param}[${i}]`;
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: requireString(block.text, `${at}.text`) });
        return;
      case 'image':
        parts.push({ type: 'image', url: imageUrl(block, at) });
        return;
      case 'tool_use':
        if (role !== 'assistant') throw invalid(`${at}.type`, 'tool_use blocks belong to assistant messages');
        parts.push({ type: 'tool_call', id: requireString(block.id, `${at}.id`), name: requireString(block.name, `${at}.name`), arguments: JSON.stringify(block.input ?? {}) });
        return;
      case 'tool_result':
        if (role !== 'user') throw invalid(`${at}.type`, 'tool_result blocks belong to user messages');
        parts.push({ type: 'tool_result', tool_call_id: requireString(block.tool_use_id, `${at}.tool_use_id`), content: textOf(block.content, `${at}.content`), ...(block.is_error === true ? { is_error: true } : {}) });
        return;
      case 'thinking':
      case 'redacted_thinking':
        // Reasoning is the model's own; another provider cannot take it back.
        return;
      case 'document':
        parts.push({ type: 'text', text: textOf(isObject(block.source) ? block.source.data : undefined, `${at}.source.data`) });
        return;
      default:
        throw invalid(`${at}.type`, 'must be text, image, tool_use, tool_result, thinking or document');
    }
  });
  return parts;
}

function toolChoiceOf(value: unknown): ToolChoice | null {
  if (value === undefined || value === null) return null;
  const choice = requireObject(value, 'tool_choice');
  if (choice.type === 'auto') return { kind: 'auto' };
  if (choice.type === 'any') return { kind: 'required' };
  if (choice.type === 'none') return { kind: 'none' };
  if (choice.type === 'tool') return { kind: 'tool', name: requireString(choice.name, 'tool_choice.name') };
  throw invalid('tool_choice.type', 'must be auto, any, tool or none');
}

export function parseMessagesRequest(body: unknown, requireMaxTokens = true): ChatRequest {
  const b = requireObject(body, 'body');
  const model = requireString(b.model, 'model', 256);
  if (requireMaxTokens && b.max_tokens === undefined) throw invalid('max_tokens', 'is required');
  const messages: ChatMessage[] = requireArray(b.messages, 'messages').map((item, i) => {
    const m = requireObject(item, `messages[${i}]`);
    if (m.role !== 'user' && m.role !== 'assistant') throw invalid(`messages[${i}].role`, 'must be user or assistant');
    return { role: m.role, parts: blocksOf(m.content, `messages[${i}].content`, m.role) };
  });
  let system: string | null = null;
  if (typeof b.system === 'string') system = b.system;
  else if (b.system !== undefined && b.system !== null) system = textOf(requireArray(b.system, 'system'), 'system');
  const tools =
    b.tools === undefined || b.tools === null
      ? []
      : requireArray(b.tools, 'tools').map((t, i) => {
          const tool = requireObject(t, `tools[${i}]`);
          if (tool.type !== undefined && tool.type !== 'custom') throw invalid(`tools[${i}].type`, 'only custom tools (name, input_schema) can be served by any provider');
          return {
            name: requireString(tool.name, `tools[${i}].name`, 256),
            ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
            parameters: schemaOf(tool.input_schema, `tools[${i}].input_schema`),
          };
        });
  const stop = b.stop_sequences === undefined ? [] : requireArray(b.stop_sequences, 'stop_sequences').map((s, i) => requireString(s, `stop_sequences[${i}]`));
  return {
    model,
    system,
    messages,
    tools,
    tool_choice: toolChoiceOf(b.tool_choice),
    max_tokens: optionalInteger(b.max_tokens, 'max_tokens', 1, 10_000_000),
    temperature: optionalNumber(b.temperature, 'temperature', 0, 2),
    top_p: optionalNumber(b.top_p, 'top_p', 0, 1),
    stop,
    stream: optionalBoolean(b.stream, 'stream'),
    include_usage: true,
  };
}

function parsedInput(args: string): unknown {
  try {
    const value = JSON.parse(args === '' ? '{}' : args) as unknown;
    return isObject(value) ? value : { value };
  } catch {
    return { arguments: args };
  }
}

export function renderMessage(result: ChatResult, ctx: RenderContext): Json {
  const content: Json[] = [];
  if (result.text !== '' || result.tool_calls.length === 0) content.push({ type: 'text', text: result.text });
  for (const call of result.tool_calls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: parsedInput(call.arguments) });
  const usage = ctx.usage();
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: anthropicStopReason(result.finish),
    stop_sequence: null,
    usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
  };
}

/**
 * Anthropic's event order: message_start, ping, then per content block content_block_start, its deltas and
 * content_block_stop, then message_delta (stop_reason, usage) and message_stop. A text block closes when a tool call
 * opens; each new tool-call index opens a new block, and its argument fragments become input_json_delta.
 */
class MessageEventWriter implements StreamWriter {
  private readonly id = newId('msg_');
  private blockCount = 0;
  /** The block open now: its index and whether it is text. */
  private open: { index: number; text: boolean } | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private finish: FinishReason | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: RenderContext,
    inputEstimate: number,
  ) {
    this.send('message_start', {
      type: 'message_start',
      message: { id: this.id, type: 'message', role: 'assistant', model: ctx.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inputEstimate, output_tokens: 0 } },
    });
    this.send('ping', { type: 'ping' });
  }

  private send(type: string, data: Json): void {
    writeSse(this.res, type, JSON.stringify(data));
  }

  private close(): void {
    if (this.open === null) return;
    this.send('content_block_stop', { type: 'content_block_stop', index: this.open.index });
    this.open = null;
  }

  private openBlock(block: Json, text: boolean): number {
    this.close();
    const index = this.blockCount++;
    this.send('content_block_start', { type: 'content_block_start', index, content_block: block });
    this.open = { index, text };
    return index;
  }

  event(event: StreamEvent): void {
    if (event.type === 'text') {
      const index = this.open?.text ? this.open.index : this.openBlock({ type: 'text', text: '' }, true);
      this.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: event.text } });
    } else if (event.type === 'tool_call_start') {
      this.toolBlocks.set(event.index, this.openBlock({ type: 'tool_use', id: event.id, name: event.name, input: {} }, false));
    } else if (event.type === 'tool_call_delta') {
      const index = this.toolBlocks.get(event.index);
      if (index !== undefined) this.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: event.arguments } });
    } else if (event.type === 'finish') this.finish ??= event.reason;
  }

  end(): void {
    if (this.blockCount === 0) this.openBlock({ type: 'text', text: '' }, true);
    this.close();
    const usage = this.ctx.usage();
    this.send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: anthropicStopReason(this.finish ?? 'stop'), stop_sequence: null },
      usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
    });
    this.send('message_stop', { type: 'message_stop' });
  }

  fail(error: GatewayError): void {
    this.send('error', errorBody('anthropic', error));
  }
}

export const anthropicMessages: WireFormat = {
  endpoint: 'messages',
  errorStyle: 'anthropic',
  parse: (body) => parseMessagesRequest(body),
  render: renderMessage,
  writer: (res, ctx, _req) => new MessageEventWriter(res, ctx, ctx.usage().input_tokens),
};
