// Any OpenAI-compatible /chat/completions (OpenAI, vLLM, llama.cpp, OpenRouter, and Ollama's /v1), streaming or not.
import type { ProviderConfig } from '../../../rpc/gateway-config.js';
import { DEFAULT_BASE_URLS } from '../../../rpc/gateway-config.js';
import type { IncomingMessage } from 'node:http';
import type { ChatResult, StreamEvent } from '../ir.js';
import type { GatewayEndpoint } from '../recorder.js';
import { readSse } from '../sse.js';
import { OpenAIChunkReader, openAIBody, openAIResult } from '../translate/openai-upstream.js';
import { toolNameMap } from '../translate/tool-names.js';
import { GatewayError } from '../errors.js';
import { isEventStream, isSuccess, post, readJson, upstreamFailure } from '../upstream.js';
import { PASS_THROUGH_HEADERS, providerKey } from './credentials.js';
import type { Provider, ProviderCall } from './provider.js';

export class OpenAICompatibleProvider implements Provider {
  readonly type;
  private readonly url: string;

  constructor(
    readonly name: string,
    private readonly config: ProviderConfig,
  ) {
    this.type = config.type;
    const base = (config.base_url ?? DEFAULT_BASE_URLS[config.type] ?? '').replace(/\/+$/, '');
    this.url = `${base}/chat/completions`;
  }

  private headers(call: ProviderCall): Record<string, string> {
    if (this.config.pass_through) {
      const out: Record<string, string> = {};
      for (const name of PASS_THROUGH_HEADERS) if (call.callerHeaders[name] !== undefined) out[name] = call.callerHeaders[name]!;
      return out;
    }
    const key = providerKey(this.name, this.config);
    return key === null ? {} : { authorization: `Bearer ${key}` };
  }

  forwardRaw(endpoint: GatewayEndpoint, body: string, call: ProviderCall): Promise<IncomingMessage> | null {
    if (!this.config.pass_through || endpoint !== 'chat.completions') return null;
    return this.send(call, call.req.stream, body);
  }

  private send(call: ProviderCall, stream: boolean, raw?: string) {
    return post({
      url: this.url,
      headers: { ...this.headers(call), accept: stream ? 'text/event-stream' : 'application/json' },
      body: raw ?? JSON.stringify(openAIBody(call.req, call.upstreamModel, stream)),
      signal: call.signal,
      timeoutMs: (this.config.timeout_seconds ?? 600) * 1000,
      provider: this.name,
    });
  }

  async complete(call: ProviderCall): Promise<ChatResult> {
    const res = await this.send(call, false);
    if (!isSuccess(res)) throw await upstreamFailure(res, this.name);
    return openAIResult(await readJson(res, this.name), toolNameMap(call.req), this.name);
  }

  async *stream(call: ProviderCall): AsyncGenerator<StreamEvent> {
    const res = await this.send(call, true);
    if (!isSuccess(res)) throw await upstreamFailure(res, this.name);
    if (!isEventStream(res)) {
      res.destroy();
      throw new GatewayError('upstream', `provider ${this.name} answered a streaming request without an event stream`);
    }
    const reader = new OpenAIChunkReader(toolNameMap(call.req), this.name);
    let done = false;
    // Read to the end even after [DONE], so the connection goes back to the keep-alive pool.
    for await (const event of readSse(res)) {
      if (done) continue;
      if (event.data === '[DONE]') done = true;
      else yield* reader.events(event.data);
    }
    if (!done && !call.signal.aborted) throw new GatewayError('upstream', `provider ${this.name} ended its stream without [DONE]`);
  }
}
