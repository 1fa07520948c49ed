// The one shape every wire format translates to and from, so three formats and four providers need seven translators, not twelve.
export interface ChatTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (OpenAI's parameters, Anthropic's input_schema). */
  parameters: Record<string, unknown>;
}

export type ToolChoice = { kind: 'auto' } | { kind: 'none' } | { kind: 'required' } | { kind: 'tool'; name: string };

export type Part =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; tool_call_id: string; content: string; is_error?: boolean };

/** Tool results ride in user messages (as Anthropic has them); OpenAI's role `tool` messages become such parts. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  parts: Part[];
}

export interface ChatRequest {
  model: string;
  system: string | null;
  messages: ChatMessage[];
  tools: ChatTool[];
  tool_choice: ToolChoice | null;
  max_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  stop: string[];
  stream: boolean;
  /** OpenAI streams carry usage only when asked (stream_options.include_usage). */
  include_usage: boolean;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

/** What a provider streams: text, tool calls opened by index then their argument fragments, the finish, the usage. */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'usage'; usage: Partial<Usage> };

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatResult {
  text: string;
  tool_calls: ToolCall[];
  finish: FinishReason;
  /** From the provider; null when it gave none (the gateway then estimates, and records that it did). */
  usage: Usage | null;
}

/** Fold a stream into one result (a provider without a separate non-streaming path, and tests). */
export async function collect(events: AsyncIterable<StreamEvent>): Promise<ChatResult> {
  let text = '';
  const calls = new Map<number, ToolCall>();
  let finish: FinishReason = 'stop';
  let usage: Partial<Usage> | null = null;
  for await (const event of events) {
    if (event.type === 'text') text += event.text;
    else if (event.type === 'tool_call_start') calls.set(event.index, { id: event.id, name: event.name, arguments: '' });
    else if (event.type === 'tool_call_delta') {
      const call = calls.get(event.index);
      if (call) call.arguments += event.arguments;
    } else if (event.type === 'finish') finish = event.reason;
    else usage = { ...(usage ?? {}), ...event.usage };
  }
  const tool_calls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return { text, tool_calls, finish, usage: usage && usage.input_tokens !== undefined && usage.output_tokens !== undefined ? (usage as Usage) : null };
}

/** About four characters a token: the estimate recorded (and marked so) when a provider reports no usage. */
export function estimateTokens(chars: number): number {
  return Math.max(0, Math.ceil(chars / 4));
}

export function requestChars(req: ChatRequest): number {
  let n = req.system?.length ?? 0;
  for (const message of req.messages) {
    for (const part of message.parts) {
      if (part.type === 'text') n += part.text.length;
      else if (part.type === 'tool_call') n += part.name.length + part.arguments.length;
      else if (part.type === 'tool_result') n += part.content.length;
    }
  }
  for (const tool of req.tools) n += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
  return n;
}

export function resultChars(result: ChatResult): number {
  return result.text.length + result.tool_calls.reduce((n, call) => n + call.name.length + call.arguments.length, 0);
}
