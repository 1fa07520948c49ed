// Server-sent events both ways: reading an upstream's stream into events, and writing ours to the caller.
import type { ServerResponse } from 'node:http';

export interface SseEvent {
  event: string | null;
  data: string;
}

/** The events of an SSE byte stream (LF or CRLF lines; multi-line data joined; comments skipped); capped per event. */
export async function* readSse(body: AsyncIterable<Buffer | string>, maxEventBytes = 16 * 1024 * 1024): AsyncGenerator<SseEvent> {
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  let size = 0;
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      let line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = null;
        data = [];
        size = 0;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        size += value.length;
        if (size > maxEventBytes) throw new Error('an upstream event is larger than the gateway accepts');
        data.push(value);
      } else if (field === 'event') event = value;
    }
    if (buffer.length > maxEventBytes) throw new Error('an upstream event is larger than the gateway accepts');
  }
  // Lenient at the end: a last line or event without its terminator still counts.
  const last = buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer;
  if (last.startsWith('data:')) data.push(last.slice(last.startsWith('data: ') ? 6 : 5));
  if (data.length > 0) yield { event, data: data.join('\n') };
}

export const SSE_HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' };

/** One event to the caller; `event` null writes a data-only event (OpenAI chat's style). */
export function writeSse(res: ServerResponse, event: string | null, data: string): void {
  res.write(event === null ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`);
}
