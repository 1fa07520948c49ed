// POST /v1/chat/completions: OpenAI's chat format parsed into ours, and answers rendered back (JSON, or chunks ending with [DONE]).
import type { ServerResponse } from 'node:http';
import { errorBody, type GatewayError } from '../errors.js';
import type { ChatMessage, ChatRequest, ChatResult, FinishReason, Part, StreamEvent, ToolChoice } from '../ir.js';
import { writeSse } from '../sse.js';
import {
  invalid,
  isObject,
  newId,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  requireArray,
  requireObject,
  requireString,
  schemaOf,
  stopList,
  textOf,
  type Json,
} from './fields.js';
import type { RenderContext, StreamWriter, WireFormat } from './format.js';

function contentParts(content: unknown, param: string): Part[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return requireArray(content, param).map((item, i): Part => {
    const part = requireObject(item, `${param}[${i}]`);
    if (part.type === 'text') return { type: 'text', text: requireString(part.text, `${param}[${i}].text`) };
    if (part.type === 'image_url') {
      const image = requireObject(part.image_url, `${param}[${i}].image_url`);
      return { type: 'image', url: requireString(image.url, `${param}[${i}].image_url.url`) };
    }
    if (part.type === 'refusal') return { type: 'text', text: requireString(part.refusal, `${param}[${i}].refusal`) };
    throw invalid(`${param}[${i}].type`, 'must be text or image_url');
  });
}

function toolChoiceOf(value: unknown): ToolChoice | null {
  if (value === undefined || value === null) return null;
  if (value === 'auto' || value === 'none' || value === 'required') return { kind: value };
  if (isObject(value) && value.type === 'function' && isObject(value.function)) return { kind: 'tool', name: requireString(value.function.name, 'tool_choice.function.name') };
  throw invalid('tool_choice', 'must be auto, none, required or {type: "function", function: {name}}');
}

export function parseChatRequest(body: unknown): ChatRequest {
  const b = requireObject(body, 'body');
  const model = requireString(b.model, 'model', 256);
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  const raw = requireArray(b.messages, 'messages');
  if (raw.length === 0) throw invalid('messages', 'must hold at least one message');
  raw.forEach((item, i) => {
    const m = requireObject(item, `messages[${i}]`);
    const param = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content, `${param}.content`));
        return;
      case 'user':
        messages.push({ role: 'user', parts: contentParts(m.content, `${param}.content`) });
        return;
      case 'assistant': {
        const parts = contentParts(m.content, `${param}.content`);
        if (m.tool_calls !== undefined && m.tool_calls !== null) {
          requireArray(m.tool_calls, `${param}.tool_calls`).forEach((c, j) => {
            const call = requireObject(c, `${param}.tool_calls[${j}]`);
            const fn = requireObject(call.function, `${param}.tool_calls[${j}].function`);
            parts.push({
              type: 'tool_call',
              id: requireString(call.id, `${param}.tool_calls[${j}].id`),
              name: requireString(fn.name, `${param}.tool_calls[${j}].function.name`),
              arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
            });
          });
        }
        messages.push({ role: 'assistant', parts });
        return;
      }
      case 'tool': {
        const part: Part = { type: 'tool_result', tool_call_id: requireString(m.tool_call_id, `${param}.tool_call_id`), content: textOf(m.content, `${param}.content`) };
        // Consecutive tool results belong to one user turn (Anthropic requires it).
        const last = messages[messages.length - 1];
        if (last?.role === 'user' && last.parts.every((p) => p.type === 'tool_result')) last.parts.push(part);
        else messages.push({ role: 'user', parts: [part] });
        return;
      }
      default:
        throw invalid(`${param}.role`, 'must be system, developer, user, assistant or tool');
    }
  });
  const tools =
    b.tools === undefined || b.tools === null
      ? []
      : requireArray(b.tools, 'tools').map((t, i) => {
          const tool = requireObject(t, `tools[${i}]`);
          if (tool.type !== 'function') throw invalid(`tools[${i}].type`, 'must be function');
          const fn = requireObject(tool.function, `tools[${i}].function`);
          return {
            name: requireString(fn.name, `tools[${i}].function.name`, 256),
            ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
            parameters: schemaOf(fn.parameters, `tools[${i}].function.parameters`),
          };
        });
  const streamOptions = b.stream_options === undefined || b.stream_options === null ? {} : requireObject(b.stream_options, 'stream_options');
  return {
    model,
    system: system.length > 0 ? system.join('\n\n') : null,
    messages,
    tools,
    tool_choice: toolChoiceOf(b.tool_choice),
    max_tokens: optionalInteger(b.max_completion_tokens ?? b.max_tokens, b.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens', 1, 10_000_000),
    temperature: optionalNumber(b.temperature, 'temperature', 0, 2),
    top_p: optionalNumber(b.top_p, 'top_p', 0, 1),
    stop: stopList(b.stop, 'stop'),
    stream: optionalBoolean(b.stream, 'stream'),
    include_usage: optionalBoolean(streamOptions.include_usage, 'stream_options.include_usage'),
  };
}

function usageBody(ctx: RenderContext): Json {
  const u = ctx.usage();
  return { prompt_tokens: u.input_tokens, completion_tokens: u.output_tokens, total_tokens: u.input_tokens + u.output_tokens };
}

export function renderChatResult(result: ChatResult, ctx: RenderContext): Json {
  const message: Json = { role: 'assistant', content: result.text === '' && result.tool_calls.length > 0 ? null : result.text, refusal: null };
  if (result.tool_calls.length > 0) message.tool_calls = result.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.model,
    choices: [{ index: 0, message, finish_reason: result.finish, logprobs: null }],
    usage: usageBody(ctx),
  };
}

/** Chunks as OpenAI streams them: a role chunk, deltas, a finish chunk, a usage chunk when asked, then [DONE]. */
class ChatChunkWriter implements StreamWriter {
  private readonly id = newId('chatcmpl-');
  private readonly created = Math.floor(Date.now() / 1000);
  private started = false;
  private finish: FinishReason | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: RenderContext,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(delta: Json, finishReason: FinishReason | null = null): void {
    writeSse(this.res, null, JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.ctx.model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] }));
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.chunk({ role: 'assistant', content: '' });
  }

  event(event: StreamEvent): void {
    this.start();
    if (event.type === 'text') this.chunk({ content: event.text });
    else if (event.type === 'tool_call_start') this.chunk({ tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] });
    else if (event.type === 'tool_call_delta') this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] });
    else if (event.type === 'finish' && this.finish === null) {
      this.finish = event.reason;
      this.chunk({}, event.reason);
    }
  }

  end(): void {
    this.start();
    if (this.finish === null) this.chunk({}, 'stop');
    if (this.includeUsage) {
      writeSse(this.res, null, JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.ctx.model, choices: [], usage: usageBody(this.ctx) }));
    }
    writeSse(this.res, null, '[DONE]');
  }

  fail(error: GatewayError): void {
    writeSse(this.res, null, JSON.stringify(errorBody('openai', error)));
  }
}

export const openAIChat: WireFormat = {
  endpoint: 'chat.completions',
  errorStyle: 'openai',
  parse: parseChatRequest,
  render: renderChatResult,
  writer: (res, ctx, req) => new ChatChunkWriter(res, ctx, req.include_usage),
};
