// What an MCP HTTP session's event streams sent, kept so that a client that lost a stream resumes it with Last-Event-ID
// (the SDK's EventStore): at most MAX_KEPT_EVENTS events and MAX_KEPT_BYTES of them per session, gone with the session.
import { randomBytes } from 'node:crypto';
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

export const MAX_KEPT_EVENTS = 1000;
export const MAX_KEPT_BYTES = 8 * 1024 * 1024;
/** Ours are `<12 hex>-<seq>`; anything longer is not one of them. */
export const MAX_EVENT_ID_LENGTH = 64;
const EVENT_ID = /^([0-9a-f]{12})-([1-9][0-9]{0,14})$/;

interface Kept {
  streamId: StreamId;
  text: string;
  bytes: number;
}

/** What the store tells whoever tracks the session's streams, as it stores their events. */
export interface StreamWatch {
  /** A stream's priming event (empty data) was stored: the client can resume that stream from now on. */
  primed(streamId: StreamId): void;
  /** The answer to a request on this stream was stored. */
  answered(streamId: StreamId, requestId: RequestId): void;
}

export class SessionEventStore implements EventStore {
  /** Event ids carry the session's own random tag, so one session's ids mean nothing to another. */
  private readonly tag = randomBytes(6).toString('hex');
  private readonly kept = new Map<number, Kept>();
  private seq = 0;
  private bytes = 0;

  constructor(private readonly watch?: StreamWatch) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const text = JSON.stringify(message);
    const seq = ++this.seq;
    const bytes = Buffer.byteLength(text);
    this.kept.set(seq, { streamId, text, bytes });
    this.bytes += bytes;
    this.trim();
    // Told synchronously: the priming event is stored while the transport is still handling the POST that opened the stream.
    if (text === '{}') this.watch?.primed(streamId);
    else if ('id' in message && ('result' in message || 'error' in message)) this.watch?.answered(streamId, message.id as RequestId);
    return `${this.tag}-${seq}`;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.streamOf(eventId);
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const after = this.seqOf(lastEventId);
    const streamId = after === undefined ? undefined : this.kept.get(after)?.streamId;
    if (after === undefined || streamId === undefined) throw new Error(this.problemWith(lastEventId) ?? 'Last-Event-ID is no longer kept');
    // Live iteration: an event stored while the replay awaits is replayed too (the transport then skips writing it twice).
    for (const [seq, event] of this.kept) {
      if (seq > after && event.streamId === streamId) await send(`${this.tag}-${seq}`, JSON.parse(event.text) as JSONRPCMessage);
    }
    return streamId;
  }

  /** The stream an event id of this session belongs to, while it is kept. */
  streamOf(eventId: string): StreamId | undefined {
    const seq = this.seqOf(eventId);
    return seq === undefined ? undefined : this.kept.get(seq)?.streamId;
  }

  /** Why a client cannot resume from this Last-Event-ID (a sentence for a 400), or null when it can. */
  problemWith(eventId: string): string | null {
    if (eventId.length > MAX_EVENT_ID_LENGTH) return `Bad Request: Last-Event-ID is ${eventId.length} characters long; the event ids this endpoint sends have at most ${MAX_EVENT_ID_LENGTH}`;
    const parts = EVENT_ID.exec(eventId);
    if (!parts) return 'Bad Request: Last-Event-ID is not an event id this endpoint sent; resume with the id of the last event you received, or open the stream without it';
    const seq = Number(parts[2]);
    if (parts[1] !== this.tag || seq > this.seq) {
      return `Bad Request: Last-Event-ID ${eventId} was not sent in this session (an event id of another session resumes nothing here); resume with the id of the last event this session sent you, or open the stream without it`;
    }
    if (!this.kept.has(seq)) {
      return `Bad Request: event ${eventId} is no longer kept: its stream was delivered in full, or it is older than the last ${MAX_KEPT_EVENTS} events (${MAX_KEPT_BYTES / (1024 * 1024)} MiB) a session keeps; what followed it cannot be replayed, so call again`;
    }
    return null;
  }

  /** A stream delivered in full: its events need not be replayed. */
  forget(streamId: StreamId): void {
    for (const [seq, event] of this.kept) {
      if (event.streamId !== streamId) continue;
      this.kept.delete(seq);
      this.bytes -= event.bytes;
    }
  }

  /** Events and bytes kept now (for tests and status). */
  get size(): { events: number; bytes: number } {
    return { events: this.kept.size, bytes: this.bytes };
  }

  private seqOf(eventId: string): number | undefined {
    const parts = EVENT_ID.exec(eventId);
    return parts && parts[1] === this.tag ? Number(parts[2]) : undefined;
  }

  /** Oldest first, down to the bounds; the newest event is kept even when it alone is over the byte bound. */
  private trim(): void {
    for (const [seq, event] of this.kept) {
      if (this.kept.size <= MAX_KEPT_EVENTS && (this.bytes <= MAX_KEPT_BYTES || this.kept.size === 1)) return;
      this.kept.delete(seq);
      this.bytes -= event.bytes;
    }
  }
}
