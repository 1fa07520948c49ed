// A raw SSE client for tests that must see the stream itself (event ids, retry, empty data) and hang up mid-stream.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  retry?: number;
  event?: string;
  data: string;
}

export class SseStream {
  private buffer = '';
  private readonly events: SseEvent[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.take(chunk));
    res.on('end', () => this.finish());
    res.on('close', () => this.finish());
    res.on('error', () => this.finish());
  }

  /** Send the request; resolves with the response as soon as its headers arrive. */
  static open(url: string, opts: { method?: string; headers: Record<string, string>; body?: string }): Promise<SseStream> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: opts.method ?? 'POST', headers: opts.headers }, (res) => resolve(new SseStream(req, res)));
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  /** The next event, or null once the stream has ended. */
  async next(): Promise<SseEvent | null> {
    while (this.events.length === 0 && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.events.shift() ?? null;
  }

  /**
   * Events up to and including the first that matches; throws if the stream ends first, or (so that a test fails with
   * what it saw instead of hanging) when none matches within `guardMs`.
   */
  async until(match: (event: SseEvent) => boolean, guardMs = 20_000): Promise<SseEvent[]> {
    const seen: SseEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no event looked for came in ${guardMs} ms; the stream sent ${JSON.stringify(seen)}`)), guardMs);
    });
    try {
      for (;;) {
        const event = await Promise.race([this.next(), guard]);
        if (!event) throw new Error(`the stream ended before the event looked for; it sent ${JSON.stringify(seen)}`);
        seen.push(event);
        if (match(event)) return seen;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The rest of the body (for a response that is not a stream). */
  async text(): Promise<string> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.buffer;
  }

  /** Hang up, as a client whose connection dropped. */
  hangUp(): void {
    this.req.destroy();
    this.res.destroy();
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    if (!/^(event|id|data|retry|:)/.test(this.buffer)) return this.wake();
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) this.events.push(event);
    }
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** One event block; null for a comment-only block (keep-alive). */
function parseBlock(block: string): SseEvent | null {
  const event: SseEvent = { data: '' };
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields += 1;
    if (name === 'data') data.push(value);
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry') event.retry = Number(value);
  }
  if (fields === 0) return null;
  event.data = data.join('\n');
  return event;
}

/** The JSON-RPC message an event carries, or undefined for an event with empty data (a priming event). */
export function messageOf(event: SseEvent): any {
  return event.data.trim() === '' ? undefined : JSON.parse(event.data);
}
