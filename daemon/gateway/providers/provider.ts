// The one shape every provider has: complete a chat, or stream it as events; the gateway picks one per model.
import type { ProviderType } from '../../../rpc/gateway-config.js';
import type { IncomingMessage } from 'node:http';
import type { ChatRequest, ChatResult, StreamEvent } from '../ir.js';
import type { GatewayEndpoint } from '../recorder.js';

export interface ProviderCall {
  req: ChatRequest;
  /** The model name the provider knows. */
  upstreamModel: string;
  /** Aborted when the caller goes away: the upstream request ends with it. */
  signal: AbortSignal;
  /** The caller's own credential headers (authorization, x-api-key, anthropic-*), for pass-through providers only. */
  callerHeaders: Record<string, string>;
}

export interface Provider {
  readonly name: string;
  readonly type: ProviderType;
  complete(call: ProviderCall): Promise<ChatResult>;
  /** Events as they come; a failure before the first event is still answered as an HTTP error. */
  stream(call: ProviderCall): AsyncIterable<StreamEvent>;
  /** Input tokens of a request, when the provider can count them (Anthropic's count_tokens); null otherwise. */
  countTokens?(call: ProviderCall): Promise<number | null>;
  /**
   * A pass-through provider asked in its own format: the caller's body goes up unchanged (only the model mapped) and
   * the answer is relayed as it is. Null when this provider does not forward this endpoint.
   */
  forwardRaw?(endpoint: GatewayEndpoint, body: string, call: ProviderCall): Promise<IncomingMessage> | null;
}
