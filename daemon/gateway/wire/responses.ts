// POST /v1/responses: OpenAI's Responses format (what Codex speaks) parsed into ours, and answers rendered back (a response, or its typed events).
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../errors.js';
import { errorBody } from '../errors.js';
import type { ChatMessage, ChatRequest, ChatResult, FinishReason, Part, StreamEvent, ToolChoice } from '../ir.js';
import { writeSse } from '../sse.js';
import { invalid, isObject, newId, optionalBoolean, optionalInteger, optionalNumber, requireArray, requireObject, requireString, schemaOf, textOf, type Json } from './fields.js';
import type { RenderContext, StreamWriter, WireFormat } from './format.js';

function messageParts(content: unknown, param: string): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return requireArray(content, param).map((item, i): Part => {
    const part = requireObject(item, `${param}[${i}]`);
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') return { type: 'text', text: requireString(part.text, `${param}[${i}].text`) };
    if (part.type === 'input_image') return { type: 'image', url: requireString(part.image_url, `${param}[${i}].image_url`) };
    if (part.type === 'refusal') return { type: 'text', text: requireString(part.refusal, `${param}[${i}].refusal`) };
    throw invalid(`${param}[${i}].type`, 'must be input_text, output_text or input_image');
  });
}

function push(messages: ChatMessage[], role: 'user' | 'assistant', parts: Part[]): void {
  const last = messages[messages.length - 1];
  // A call and its neighbours of one role form one turn; tool results sit in the user turn that follows the calls.
  if (last && last.role === role && (role === 'assistant' || parts.every((p) => p.type === 'tool_result') === last.parts.every((p) => p.type === 'tool_result'))) last.parts.push(...parts);
  else messages.push({ role, parts });
}

function toolChoiceOf(value: unknown): ToolChoice | null {
  if (value === undefined || value === null) return null;
  if (value === 'auto' || value === 'none' || value === 'required') return { kind: value };
  if (isObject(value) && value.type === 'function') return { kind: 'tool', name: requireString(value.name, 'tool_choice.name') };
  throw invalid('tool_choice', 'must be auto, none, required or {type: "function", name}');
}

export function parseResponsesRequest(body: unknown): ChatRequest {
  const b = requireObject(body, 'body');
  const model = requireString(b.model, 'model', 256);
  if (b.previous_response_id !== undefined && b.previous_response_id !== null) {
    throw invalid('previous_response_id', 'the brains gateway keeps no responses; send the whole conversation in input (store: false)');
  }
  const system: string[] = [];
  if (typeof b.instructions === 'string' && b.instructions !== '') system.push(b.instructions);
  const messages: ChatMessage[] = [];
  if (typeof b.input === 'string') messages.push({ role: 'user', parts: [{ type: 'text', text: b.input }] });
  else {
    requireArray(b.input, 'input').forEach((raw, i) => {
      const item = requireObject(raw, `input[${i}]`);
      const at = `input[${i}]`;
      const type = item.type ?? 'message';
      if (type === 'message') {
        if (item.role === 'system' || item.role === 'developer') system.push(textOf(item.content, `${at}.content`));
        else if (item.role === 'user' || item.role === 'assistant') push(messages, item.role, messageParts(item.content, `${at}.content`));
        else throw invalid(`${at}.role`, 'must be user, assistant, system or developer');
      } else if (type === 'function_call') {
        push(messages, 'assistant', [{ type: 'tool_call', id: requireString(item.call_id, `${at}.call_id`), name: requireString(item.name, `${at}.name`), arguments: typeof item.arguments === 'string' ? item.arguments : '{}' }]);
      } else if (type === 'function_call_output') {
        push(messages, 'user', [{ type: 'tool_result', tool_call_id: requireString(item.call_id, `${at}.call_id`), content: textOf(item.output, `${at}.output`) }]);
      } else if (type === 'reasoning') {
        // The model's own reasoning: another provider cannot take it back.
      } else throw invalid(`${at}.type`, 'must be message, function_call, function_call_output or reasoning');
    });
  }
  if (messages.length === 0) throw invalid('input', 'must hold at least one message');
  // Only function tools can be served by any provider; hosted tools (web_search, ...) are left out.
  const tools =
    b.tools === undefined || b.tools === null
      ? []
      : requireArray(b.tools, 'tools')
          .map((t, i) => ({ tool: requireObject(t, `tools[${i}]`), i }))
          .filter(({ tool }) => tool.type === 'function')
          .map(({ tool, i }) => ({
            name: requireString(tool.name, `tools[${i}].name`, 256),
            ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
            parameters: schemaOf(tool.parameters, `tools[${i}].parameters`),
          }));
  return {
    model,
    system: system.length > 0 ? system.join('\n\n') : null,
    messages,
    tools,
    tool_choice: toolChoiceOf(b.tool_choice),
    max_tokens: optionalInteger(b.max_output_tokens, 'max_output_tokens', 1, 10_000_000),
    temperature: optionalNumber(b.temperature, 'temperature', 0, 2),
    top_p: optionalNumber(b.top_p, 'top_p', 0, 1),
    stop: [],
    stream: optionalBoolean(b.stream, 'stream'),
    include_usage: true,
  };
}

function usageBody(ctx: RenderContext): Json {
  const u = ctx.usage();
  return { input_tokens: u.input_tokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: u.output_tokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input_tokens + u.output_tokens };
}

function responseShell(id: string, createdAt: number, ctx: RenderContext, req: ChatRequest | null): Json {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: req?.max_tokens ?? null,
    model: ctx.model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: req?.temperature ?? null,
    top_p: req?.top_p ?? null,
    tool_choice: 'auto',
    tools: [],
    text: { format: { type: 'text' } },
    truncation: 'disabled',
    usage: null,
    metadata: {},
  };
}

function finished(shell: Json, finish: FinishReason, output: Json[], ctx: RenderContext): Json {
  const incomplete = finish === 'length' || finish === 'content_filter';
  return {
    ...shell,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: finish === 'length' ? 'max_output_tokens' : 'content_filter' } : null,
    output,
    usage: usageBody(ctx),
  };
}

function messageItem(id: string, text: string, status: string): Json {
  return { type: 'message', id, status, role: 'assistant', content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

export function renderResponse(result: ChatResult, ctx: RenderContext): Json {
  const output: Json[] = [];
  if (result.text !== '' || result.tool_calls.length === 0) output.push(messageItem(newId('msg_'), result.text, 'completed'));
  for (const call of result.tool_calls) output.push({ type: 'function_call', id: newId('fc_'), call_id: call.id, name: call.name, arguments: call.arguments, status: 'completed' });
  return finished(responseShell(newId('resp_'), Math.floor(Date.now() / 1000), ctx, null), result.finish, output, ctx);
}

interface OpenItem {
  outputIndex: number;
  id: string;
  kind: 'message' | 'function_call';
  text: string;
  call_id: string;
  name: string;
}

/**
 * The Responses stream: response.created and .in_progress; per output item output_item.added, its parts and deltas
 * (output_text.delta, or function_call_arguments.delta) and their .done events, output_item.done; then response.completed.
 * Every event carries a sequence_number.
 */
class ResponseEventWriter implements StreamWriter {
  private seq = 0;
  private readonly shell: Json;
  private readonly output: Json[] = [];
  private current: OpenItem | null = null;
  private readonly calls = new Map<number, OpenItem>();
  private finish: FinishReason | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: RenderContext,
    req: ChatRequest,
  ) {
    this.shell = responseShell(newId('resp_'), Math.floor(Date.now() / 1000), ctx, req);
    this.send('response.created', { response: this.shell });
    this.send('response.in_progress', { response: this.shell });
  }

  private send(type: string, data: Json): void {
    writeSse(this.res, type, JSON.stringify({ type, sequence_number: this.seq++, ...data }));
  }

  private close(): void {
    const item = this.current;
    if (!item) return;
    this.current = null;
    if (item.kind === 'message') {
      const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
      this.send('response.output_text.done', { item_id: item.id, output_index: item.outputIndex, content_index: 0, text: item.text, logprobs: [] });
      this.send('response.content_part.done', { item_id: item.id, output_index: item.outputIndex, content_index: 0, part });
      const done = messageItem(item.id, item.text, 'completed');
      this.output[item.outputIndex] = done;
      this.send('response.output_item.done', { output_index: item.outputIndex, item: done });
    } else {
      const done = { type: 'function_call', id: item.id, call_id: item.call_id, name: item.name, arguments: item.text, status: 'completed' };
      this.send('response.function_call_arguments.done', { item_id: item.id, output_index: item.outputIndex, name: item.name, arguments: item.text });
      this.output[item.outputIndex] = done;
      this.send('response.output_item.done', { output_index: item.outputIndex, item: done });
    }
  }

  private open(kind: OpenItem['kind'], call_id = '', name = ''): OpenItem {
    this.close();
    const item: OpenItem = { outputIndex: this.output.length, id: newId(kind === 'message' ? 'msg_' : 'fc_'), kind, text: '', call_id, name };
    const added = kind === 'message' ? messageItem(item.id, '', 'in_progress') : { type: 'function_call', id: item.id, call_id, name, arguments: '', status: 'in_progress' };
    this.output.push(added);
    this.send('response.output_item.added', { output_index: item.outputIndex, item: added });
    if (kind === 'message') this.send('response.content_part.added', { item_id: item.id, output_index: item.outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    this.current = item;
    return item;
  }

  event(event: StreamEvent): void {
    if (event.type === 'text') {
      const item = this.current?.kind === 'message' ? this.current : this.open('message');
      item.text += event.text;
      this.send('response.output_text.delta', { item_id: item.id, output_index: item.outputIndex, content_index: 0, delta: event.text, logprobs: [] });
    } else if (event.type === 'tool_call_start') {
      this.calls.set(event.index, this.open('function_call', event.id, event.name));
    } else if (event.type === 'tool_call_delta') {
      const item = this.calls.get(event.index);
      if (!item) return;
      item.text += event.arguments;
      this.send('response.function_call_arguments.delta', { item_id: item.id, output_index: item.outputIndex, delta: event.arguments });
    } else if (event.type === 'finish') this.finish ??= event.reason;
  }

  end(): void {
    if (this.output.length === 0) this.open('message');
    this.close();
    const done = finished(this.shell, this.finish ?? 'stop', this.output, this.ctx);
    this.send(done.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: done });
  }

  fail(error: GatewayError): void {
    const body = errorBody('openai', error).error as Json;
    this.send('error', { code: body.type, message: error.message, param: null, error: body });
  }
}

export const openAIResponses: WireFormat = {
  endpoint: 'responses',
  errorStyle: 'openai',
  parse: parseResponsesRequest,
  render: renderResponse,
  writer: (res, ctx, req) => new ResponseEventWriter(res, ctx, req),
};
