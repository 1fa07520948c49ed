// One client connection: framing in, bounded buffering out, and the signal that ends its waits when it goes away.
import type { Socket } from 'node:net';
import { LineFramer, encodeFrame } from '../../rpc/frame.js';
import { flushCoalesced, writeCoalesced } from '../../rpc/coalesced-write.js';
import { BrainsError } from '../../rpc/errors.js';
import { OPERATOR_PRINCIPAL, principalLabel, type Principal } from '../principals/principal.js';
import type { CallerLink } from './caller-link.js';

export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Past this much unread output we stop reading the client's requests until it drains. */
  pauseAtBufferedBytes: number;
  /** Past this much unread output the client is cut off (it can reconnect and resume with `since`). */
  dropAtBufferedBytes: number;
  /** Past this many calls in flight we stop reading until some finish. */
  maxInFlight: number;
}

export interface ConnectionEvents {
  frame(connection: Connection, bytes: Buffer): void;
  oversize(connection: Connection, limit: number): void;
  closed(connection: Connection): void;
  /** The connection now speaks for this principal (session.authenticate, session.start with bind). */
  bound?(connection: Connection, principal: Principal): void;
}

let nextConnectionId = 1;

export class Connection implements CallerLink {
  readonly id = nextConnectionId++;
  /** An unbound socket client is the operator: the socket's file permissions are the trust boundary. */
  private bound: Principal = OPERATOR_PRINCIPAL;
  private readonly abort = new AbortController();
  private readonly closeHooks = new Set<() => void>();
  private inFlight = 0;
  private pausedForOutput = false;
  private pausedForInFlight = false;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly events: ConnectionEvents,
  ) {
    const framer = new LineFramer(limits.maxFrameBytes, {
      frame: (bytes) => events.frame(this, bytes),
      oversize: (limit) => events.oversize(this, limit),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('drain', () => {
      if (this.pausedForOutput) {
        this.pausedForOutput = false;
        this.updateReading();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.abort.abort(new Error('connection closed'));
      for (const hook of this.closeHooks) hook();
      this.closeHooks.clear();
      events.closed(this);
    });
  }

  get principal(): Principal {
    return this.bound;
  }

  bind(principal: Principal): void {
    if (this.bound.kind !== 'operator') {
      throw new BrainsError('INVALID', `this connection already speaks for ${principalLabel(this.bound)}; open a new connection to authenticate as another`);
    }
    this.bound = principal;
    this.events.bound?.(this, principal);
  }

  /** Aborts when the client disconnects or the daemon cancels its calls (shutdown). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isOpen(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get bufferedOutputBytes(): number {
    return this.socket.writableLength;
  }

  /** End every wait this connection has parked, with the given reason. */
  cancelCalls(reason: Error): void {
    this.abort.abort(reason);
  }

  onClose(hook: () => void): () => void {
    this.closeHooks.add(hook);
    return () => this.closeHooks.delete(hook);
  }

  send(text: string): void {
    if (!this.isOpen) return;
    writeCoalesced(this.socket, text);
    const buffered = this.socket.writableLength;
    if (buffered > this.limits.dropAtBufferedBytes) {
      this.socket.destroy();
      return;
    }
    if (buffered > this.limits.pauseAtBufferedBytes && !this.pausedForOutput) {
      this.pausedForOutput = true;
      this.updateReading();
    }
  }

  flush(): void {
    flushCoalesced(this.socket);
  }

  notify(method: string, params: unknown): void {
    this.send(encodeFrame({ jsonrpc: '2.0', method, params }));
  }

  callStarted(): void {
    this.inFlight += 1;
    if (this.inFlight >= this.limits.maxInFlight && !this.pausedForInFlight) {
      this.pausedForInFlight = true;
      this.updateReading();
    }
  }

  callFinished(): void {
    this.inFlight -= 1;
    if (this.pausedForInFlight && this.inFlight < this.limits.maxInFlight) {
      this.pausedForInFlight = false;
      this.updateReading();
    }
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  /** Finish writing what is queued, then close. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private updateReading(): void {
    if (this.pausedForOutput || this.pausedForInFlight) this.socket.pause();
    else this.socket.resume();
  }
}
