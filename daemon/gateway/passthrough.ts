// Pass-through in the provider's own format: the caller's body and credentials go upstream unchanged (only the model name
// is mapped), the answer comes back byte for byte, and the usage is read off it on the way for the record.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Usage } from './ir.js';

/** Reads usage out of an answer as it passes (JSON or SSE, OpenAI or Anthropic), without holding the stream back. */
export class UsageSniffer {
  private buffer = '';
  private readonly json: Buffer[] = [];
  readonly usage: Partial<Usage> = {};

  constructor(private readonly streaming: boolean) {}

  see(chunk: Buffer): void {
    if (!this.streaming) {
      this.json.push(chunk);
      return;
    }
    this.buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line.startsWith('data:') && line.includes('usage')) this.take(line.slice(5).trim());
    }
    if (this.buffer.length > 1024 * 1024) this.buffer = '';
  }

  end(): void {
    if (!this.streaming && this.json.length > 0) this.take(Buffer.concat(this.json).toString('utf8'));
  }

  private take(text: string): void {
    let value: any;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    const usage = value?.usage ?? value?.message?.usage;
    if (!usage || typeof usage !== 'object') return;
    const input = usage.input_tokens ?? usage.prompt_tokens;
    const output = usage.output_tokens ?? usage.completion_tokens;
    if (typeof input === 'number' && (value?.type !== 'message_start' || input > 0)) this.usage.input_tokens = input;
    if (typeof output === 'number' && value?.type !== 'message_start') this.usage.output_tokens = output;
  }
}

/** Copy the upstream answer to the caller as it is; resolves with the time to its first byte (ms after `started`). */
export async function relay(upstream: IncomingMessage, res: ServerResponse, sniffer: UsageSniffer, started: number): Promise<number | null> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'request-id', 'x-request-id', 'anthropic-ratelimit-requests-remaining', 'retry-after']) {
    const value = upstream.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  res.writeHead(upstream.statusCode ?? 502, headers);
  let firstByte: number | null = null;
  for await (const chunk of upstream as AsyncIterable<Buffer>) {
    firstByte ??= performance.now() - started;
    sniffer.see(chunk);
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve));
  }
  sniffer.end();
  res.end();
  return firstByte;
}
