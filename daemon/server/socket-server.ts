// The Unix-socket listener: owner-only socket, one Connection per client, frames handed to the dispatcher.
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync } from 'node:fs';
import { encodeFrame } from '../../rpc/frame.js';
import { RpcCodes } from '../../rpc/errors.js';
import { Connection, type ConnectionLimits } from './connection.js';
import { errorResponse } from './requests.js';
import type { Dispatcher } from './dispatcher.js';
import type { Logger } from '../log.js';
import type { InstanceLinks } from './instance-links.js';

export class SocketServer {
  readonly connections = new Set<Connection>();
  private readonly server: Server;
  /** Frames received whose reply is not yet written: a graceful stop waits for these. */
  private framesInProgress = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    /** Told when connections of agent instances open and close (an instance lives while its process is connected). */
    private readonly instances?: InstanceLinks,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(path: string): Promise<void> {
    // Create the socket already owner-only, so there is no moment when others could connect.
    const previous = process.umask(0o177);
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    }).finally(() => {
      process.umask(previous);
      try {
        chmodSync(path, 0o600);
      } catch {
        /* listen failed; the rejection says why */
      }
    });
  }

  /** Stop accepting connections; existing ones keep working. */
  stopAccepting(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection = new Connection(socket, this.limits, {
      frame: (conn, bytes) => this.onFrame(conn, bytes),
      oversize: (conn, limit) =>
        conn.send(
          encodeFrame(
            errorResponse(RpcCodes.INVALID_REQUEST, `Invalid Request: frame is over the ${limit}-byte limit; send smaller messages`, null, {
              code: 'LIMIT_EXCEEDED',
              limit,
            }),
          ),
        ),
      closed: (conn) => {
        this.connections.delete(conn);
        if (conn.principal.kind === 'instance') this.instances?.closed(conn.principal.session_id);
      },
      bound: (_conn, principal) => {
        if (principal.kind === 'instance') this.instances?.opened(principal.session_id);
      },
    });
    this.connections.add(connection);
  }

  /** Resolves once every frame received so far has had its reply written. */
  idle(): Promise<void> {
    if (this.framesInProgress === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onFrame(connection: Connection, bytes: Buffer): void {
    this.framesInProgress += 1;
    this.dispatcher
      .handleFrame(bytes, connection)
      .then(
        ({ response, after }) => {
          if (response !== null) connection.send(encodeFrame(response));
          for (const fn of after) fn();
        },
        (error: unknown) => this.log.error('frame handling failed', { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        this.framesInProgress -= 1;
        if (this.framesInProgress === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }
}
