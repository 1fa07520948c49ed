// Contract calls from an MCP HTTP session, in-process but through the socket's own path (dispatcher, Connection), so
// validation, auditing and errors are identical; a waiting call gets a connection of its own that its cancellation closes.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { BrainsError, RpcCallError, type RpcErrorObject } from '../../rpc/errors.js';
import { Connection, type ConnectionLimits } from '../server/connection.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { CallOptions, DaemonCall } from './caller.js';

/** The in-process stand-in for a client socket: nothing to read, writes (event notifications) are dropped. */
class InProcessLink extends Duplex {
  override _read(): void {}
  override _write(_chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    done();
  }
}

type Reply = { result?: unknown; error?: RpcErrorObject };

export class InProcessCaller {
  private readonly open = new Set<{ connection: Connection; link: InProcessLink }>();
  private shared: Connection | null = null;
  private closed = false;
  private nextId = 1;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
  ) {}

  readonly call: DaemonCall = async (method, params, opts: CallOptions) => {
    if (this.closed) throw new BrainsError('UNAVAILABLE', 'this MCP session has ended; start a new one');
    if (opts.signal.aborted) throw new BrainsError('UNAVAILABLE', 'the call was cancelled');
    if (!opts.waits) return this.quick(method, params, opts.signal);
    const own = this.connect();
    const hangUp = () => own.link.destroy();
    opts.signal.addEventListener('abort', hangUp, { once: true });
    try {
      return await this.dispatch(own.connection, method, params);
    } finally {
      opts.signal.removeEventListener('abort', hangUp);
      own.link.destroy();
    }
  };

  /** End every call still running for this session (its waits are released) and refuse new ones. */
  close(): void {
    this.closed = true;
    for (const { link } of [...this.open]) link.destroy();
  }

  private quick(method: string, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    if (!this.shared || !this.shared.isOpen) this.shared = this.connect().connection;
    const work = this.dispatch(this.shared, method, params);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new BrainsError('UNAVAILABLE', 'the call was cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private connect(): { connection: Connection; link: InProcessLink } {
    const link = new InProcessLink();
    const entry = {
      link,
      connection: new Connection(link as unknown as Socket, this.limits, {
        frame: () => {},
        oversize: () => {},
        closed: () => this.open.delete(entry),
      }),
    };
    this.open.add(entry);
    return entry;
  }

  /** One JSON-RPC frame through the dispatcher, exactly as the socket server hands it over. */
  private async dispatch(connection: Connection, method: string, params: Record<string, unknown>): Promise<unknown> {
    const frame = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }), 'utf8');
    const { response, after } = await this.dispatcher.handleFrame(frame, connection);
    for (const fn of after) fn();
    const reply = (Array.isArray(response) ? response[0] : response) as Reply | null;
    if (!reply) throw new BrainsError('UNAVAILABLE', `the daemon gave no answer to ${method}`);
    if (reply.error) throw new RpcCallError(reply.error);
    return reply.result;
  }
}
