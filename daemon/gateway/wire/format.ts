// What each wire format (OpenAI chat, Anthropic messages, OpenAI responses) provides: parse a request, render an answer or a stream.
import type { ServerResponse } from 'node:http';
import type { GatewayEndpoint } from '../recorder.js';
import type { ErrorStyle, GatewayError } from '../errors.js';
import type { ChatRequest, ChatResult, StreamEvent, Usage } from '../ir.js';

export interface RenderContext {
  /** The model as the caller named it: answers carry it back. */
  model: string;
  /** The usage to report: the provider's, or an estimate. */
  usage(): Usage;
}

export interface StreamWriter {
  event(event: StreamEvent): void;
  /** The stream finished well: closing events. */
  end(): void;
  /** The stream failed after it began: an in-stream error event. */
  fail(error: GatewayError): void;
}

export interface WireFormat {
  endpoint: GatewayEndpoint;
  errorStyle: ErrorStyle;
  /** The body as our request, or a GatewayError naming the field that is wrong (400, before anything goes upstream). */
  parse(body: unknown): ChatRequest;
  render(result: ChatResult, ctx: RenderContext): unknown;
  writer(res: ServerResponse, ctx: RenderContext, req: ChatRequest): StreamWriter;
}
