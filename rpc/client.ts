// The socket client every face uses: typed calls from the contract, notifications, many calls in flight on one connection.
// Kept free of dependencies: every CLI call loads it, and start-up time is a target.
import { connect as netConnect, type Socket } from 'node:net';
import type { MethodName, ParamsIn, Result } from './contract/index.js';
import type { TypedEvent } from './contract/catalogue.js';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer, decodeFrame, encodeFrame } from './frame.js';
import { RpcCallError, RpcCodes, type RpcErrorObject } from './errors.js';
import { writeCoalesced } from './coalesced-write.js';
import { ANSWER_POLL_MS, AnswerPoll, isQuickCall } from './answer-poll.js';

export type NotificationHandler = (method: string, params: unknown) => void;

/** An event as a subscription delivers it: typed by the catalogue, or one of the operator's own `user.*` markers. */
export type SubscribedEvent = TypedEvent | { seq: number; time: string; type: `user.${string}`; subject: string | null; data: unknown; live?: true };

/** The daemon could not be reached at all (no socket, refused, or it went away mid-call). */
export class DaemonUnreachableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DaemonUnreachableError';
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  /** The request's size without its newline: the daemon answers one over its frame limit with id null, so it is matched by size. */
  bytes: number;
  quick: boolean;
}

export class BrainsClient {
  private readonly pending = new Map<number, Pending>();
  private readonly notificationHandlers = new Set<NotificationHandler>();
  private readonly closeHandlers = new Set<() => void>();
  private closed = false;
  private quickInFlight = 0;
  private readonly answerPoll: AnswerPoll;

  /** answerPollMs: how long after a quick call the client polls for its answer instead of sleeping (0: never; default ANSWER_POLL_MS). */
  static connect(socketPath: string, opts: { maxFrameBytes?: number; answerPollMs?: number } = {}): Promise<BrainsClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(socketPath);
      const fail = (error: NodeJS.ErrnoException) =>
        reject(new DaemonUnreachableError(`no brains daemon answers at ${socketPath} (${error.code ?? error.message})`, error));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        resolve(new BrainsClient(socket, opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, opts.answerPollMs ?? ANSWER_POLL_MS));
      });
    });
  }

  private constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
    answerPollMs: number,
  ) {
    // Only a lone quick call: with several in flight, their answers keep the loop busy, and polling would hold a core the daemon needs.
    this.answerPoll = new AnswerPoll(() => this.quickInFlight === 1, answerPollMs);
    const framer = new LineFramer(maxFrameBytes, {
      frame: (bytes) => this.receive(bytes),
      oversize: (limit) => this.shutdown(`the daemon sent a frame over ${limit} bytes`),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.shutdown('the daemon closed the connection'));
  }

  /** Call a contract method; resolves with its result or rejects with RpcCallError. */
  async call<M extends MethodName>(method: M, ...params: {} extends ParamsIn<M> ? [ParamsIn<M>?] : [ParamsIn<M>]): Promise<Result<M>> {
    return (await this.callRaw(method, params[0] ?? {})) as Result<M>;
  }

  /** Call any method by name with unchecked params (the CLI passes user input through here). */
  callRaw(method: string, params?: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new DaemonUnreachableError('the connection to the daemon is closed'));
    const id = this.nextId();
    const frame = encodeFrame({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    const quick = isQuickCall(params);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, bytes: Buffer.byteLength(frame) - 1, quick });
      writeCoalesced(this.socket, frame);
      if (quick) {
        this.quickInFlight += 1;
        this.answerPoll.begin();
      }
    });
  }

  notify(method: string, params?: unknown): void {
    if (this.closed) return;
    writeCoalesced(this.socket, encodeFrame({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }));
  }

  onNotification(handler: NotificationHandler): () => void {
    this.notificationHandlers.add(handler);
    return () => this.notificationHandlers.delete(handler);
  }

  /** Events from this connection's subscriptions (events.subscribe), typed by the event catalogue. */
  onEvent(handler: (event: SubscribedEvent, subscriptionId: string) => void): () => void {
    return this.onNotification((method, params) => {
      if (method !== 'events.event') return;
      const p = params as { subscription_id: string; event: SubscribedEvent };
      handler(p.event, p.subscription_id);
    });
  }

  onClose(handler: () => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** Quick calls (not parked ones) still awaiting their answers. */
  get quickCallsInFlight(): number {
    return this.quickInFlight;
  }

  /** True while the client polls for a quick call's answer rather than sleeping until it arrives. */
  get answerPolling(): boolean {
    return this.answerPoll.active;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Drop the connection at once, failing calls in flight: for a daemon that stopped answering, whose end may never close. */
  destroy(): void {
    this.shutdown('the connection was dropped by the client');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private idCounter = 0;
  private nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  private receive(bytes: Buffer): void {
    const text = decodeFrame(bytes);
    if (text === null) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    for (const item of Array.isArray(message) ? message : [message]) {
      if (typeof item !== 'object' || item === null) continue;
      const frame = item as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: RpcErrorObject };
      if (typeof frame.method === 'string' && frame.id === undefined) {
        for (const handler of this.notificationHandlers) handler(frame.method, frame.params);
        continue;
      }
      if (frame.id === null && frame.error) {
        this.oversized(frame.error);
        continue;
      }
      const waiting = typeof frame.id === 'number' ? this.take(frame.id) : undefined;
      if (!waiting) continue;
      if (frame.error) waiting.reject(new RpcCallError(frame.error));
      else waiting.resolve(frame.result);
    }
  }

  private take(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    if (!waiting) return undefined;
    this.pending.delete(id);
    if (waiting.quick) this.quickInFlight -= 1;
    return waiting;
  }

  /** The daemon refused a request it could not read (over its frame limit) and so could not name: fail the oldest call that large. */
  private oversized(error: RpcErrorObject): void {
    const limit = (error.data as { limit?: unknown } | undefined)?.limit;
    if (typeof limit !== 'number') return;
    for (const [id, waiting] of this.pending) {
      if (waiting.bytes <= limit) continue;
      this.take(id);
      waiting.reject(new RpcCallError(error));
      return;
    }
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.quickInFlight = 0;
    for (const call of waiting) call.reject(new DaemonUnreachableError(reason));
    this.socket.destroy();
    for (const handler of this.closeHandlers) handler();
  }
}

export function isUnreachable(error: unknown): boolean {
  return error instanceof DaemonUnreachableError;
}

export { RpcCallError, RpcCodes };
