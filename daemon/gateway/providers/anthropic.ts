// Anthropic's Messages API (and anything speaking it), streaming or not, with its count_tokens.
import type { ProviderConfig } from '../../../rpc/gateway-config.js';
import { DEFAULT_BASE_URLS } from '../../../rpc/gateway-config.js';
import type { IncomingMessage } from 'node:http';
import type { ChatResult, StreamEvent } from '../ir.js';
import type { GatewayEndpoint } from '../recorder.js';
import { readSse } from '../sse.js';
import { AnthropicEventReader, anthropicBody, anthropicResult } from '../translate/anthropic-upstream.js';
import { GatewayError } from '../errors.js';
import { isEventStream, isSuccess, post, readJson, upstreamFailure } from '../upstream.js';
import { PASS_THROUGH_HEADERS, providerKey } from './credentials.js';
import type { Provider, ProviderCall } from './provider.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export class AnthropicProvider implements Provider {
  readonly type = 'anthropic' as const;
  private readonly base: string;

  constructor(
    readonly name: string,
    private readonly config: ProviderConfig,
  ) {
    this.base = (config.base_url ?? DEFAULT_BASE_URLS.anthropic!).replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  private headers(call: ProviderCall): Record<string, string> {
    if (this.config.pass_through) {
      const out: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
      for (const name of PASS_THROUGH_HEADERS) if (call.callerHeaders[name] !== undefined) out[name] = call.callerHeaders[name]!;
      return out;
    }
    const key = providerKey(this.name, this.config);
    return { 'anthropic-version': ANTHROPIC_VERSION, ...(key === null ? {} : { 'x-api-key': key }) };
  }

  forwardRaw(endpoint: GatewayEndpoint, body: string, call: ProviderCall): Promise<IncomingMessage> | null {
    if (!this.config.pass_through || (endpoint !== 'messages' && endpoint !== 'messages.count_tokens')) return null;
    return this.send(call, endpoint === 'messages' ? '/v1/messages' : '/v1/messages/count_tokens', body, call.req.stream);
  }

  private send(call: ProviderCall, path: string, body: Record<string, unknown> | string, stream: boolean) {
    return post({
      url: `${this.base}${path}`,
      headers: { ...this.headers(call), accept: stream ? 'text/event-stream' : 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: call.signal,
      timeoutMs: (this.config.timeout_seconds ?? 600) * 1000,
      provider: this.name,
    });
  }

  async complete(call: ProviderCall): Promise<ChatResult> {
    const res = await this.send(call, '/v1/messages', anthropicBody(call.req, call.upstreamModel, false), false);
    if (!isSuccess(res)) throw await upstreamFailure(res, this.name);
    return anthropicResult(await readJson(res, this.name), this.name);
  }

  async *stream(call: ProviderCall): AsyncGenerator<StreamEvent> {
    const res = await this.send(call, '/v1/messages', anthropicBody(call.req, call.upstreamModel, true), true);
    if (!isSuccess(res)) throw await upstreamFailure(res, this.name);
    if (!isEventStream(res)) {
      res.destroy();
      throw new GatewayError('upstream', `provider ${this.name} answered a streaming request without an event stream`);
    }
    const reader = new AnthropicEventReader(this.name);
    let stopped = false;
    // Read to the end even after message_stop, so the connection goes back to the keep-alive pool.
    for await (const event of readSse(res)) {
      if (stopped) continue;
      yield* reader.events(event.data);
      if (event.event === 'message_stop') stopped = true;
    }
    if (!stopped && !call.signal.aborted) throw new GatewayError('upstream', `provider ${this.name} ended its stream without message_stop`);
  }

  async countTokens(call: ProviderCall): Promise<number | null> {
    const body = anthropicBody(call.req, call.upstreamModel, false);
    delete body.max_tokens;
    const res = await this.send(call, '/v1/messages/count_tokens', body, false);
    if (!isSuccess(res)) throw await upstreamFailure(res, this.name);
    const json = await readJson(res, this.name);
    return typeof json.input_tokens === 'number' ? json.input_tokens : null;
  }
}
