// A stand-in model provider for gateway tests: a real HTTP server speaking OpenAI's and Anthropic's wire formats, answering what each test scripts and keeping what it was sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** Date.now() when it arrived. */
  at: number;
  /** The body exactly as it arrived. */
  raw: string;
}

export type Script = (res: ServerResponse, received: Received) => void | Promise<void>;

export interface FakeUpstream {
  /** http://127.0.0.1:PORT */
  url: string;
  received: Received[];
  /** The next request is answered by this (then the default again); several calls queue several answers. */
  next(script: Script): void;
  /** Answer requests with no script queued by this (null: the default, a 500 saying there is no script). */
  otherwise(script: Script | null): void;
  /** Requests whose connection closed before their answer was complete (a client that went away). */
  closedEarly: number;
  close(): Promise<void>;
}

export function sseLine(event: string | null, data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return event === null ? `data: ${text}\n\n` : `event: ${event}\ndata: ${text}\n\n`;
}

/** An OpenAI stream of these chunks (each completed with id, object, model), then [DONE]. */
export function openAIStream(chunks: Array<Record<string, unknown>>): Script {
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(sseLine(null, { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up-model', ...chunk }));
    res.end(sseLine(null, '[DONE]'));
  };
}

export function delta(d: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return { choices: [{ index: 0, delta: d, finish_reason: finish }] };
}

export function openAIJson(message: Record<string, unknown>, finish = 'stop', usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 }): Script {
  return (res) => json(res, 200, { id: 'chatcmpl-up', object: 'chat.completion', created: 1, model: 'up-model', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], usage });
}

/** An Anthropic stream of these events (type taken from each), in the order given. */
export function anthropicStream(events: Array<Record<string, unknown>>): Script {
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of events) res.write(sseLine(String(event.type), event));
    res.end();
  };
}

export function anthropicJson(content: unknown[], stopReason = 'end_turn', usage = { input_tokens: 13, output_tokens: 5 }): Script {
  return (res) => json(res, 200, { id: 'msg_up', type: 'message', role: 'assistant', model: 'up-model', content, stop_reason: stopReason, stop_sequence: null, usage });
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A failure as a provider answers it: this status, its error body, and Retry-After when given (in seconds). */
export function failWith(status: number, retryAfterSeconds?: number): Script {
  return (res) => json(res, status, { error: { message: `scripted ${status}` } }, retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
}

/** Never answers: only the caller (or its timeout) ends the request. */
export function hang(): Script {
  return () => {};
}

/** Starts a stream, sends these SSE chunks, then drops the connection without finishing it. */
export function dropMidStream(chunks: string[]): Script {
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(chunk);
    setTimeout(() => res.destroy(), 20);
  };
}

export async function fakeUpstream(): Promise<FakeUpstream> {
  const scripts: Script[] = [];
  let fallback: Script | null = null;
  const received: Received[] = [];
  const state = { closedEarly: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* kept as text */
      }
      const entry = { path: req.url ?? '/', headers: req.headers, body, at: Date.now(), raw: text };
      received.push(entry);
      res.once('close', () => {
        if (!res.writableFinished) state.closedEarly += 1;
      });
      const script = scripts.shift() ?? fallback;
      if (script) void script(res, entry);
      else json(res, 500, { error: { message: 'the fake upstream has no script for this request' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    next: (script) => scripts.push(script),
    otherwise: (script) => {
      fallback = script;
    },
    get closedEarly() {
      return state.closedEarly;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
