// The `socket` service: listens on the Unix socket (a stale one from a dead daemon is removed first) and, when stopped,
// refuses new calls, ends parked waits with UNAVAILABLE, lets calls in flight answer, closes connections and removes the socket.
import { lstatSync, unlinkSync } from 'node:fs';
import { BrainsError } from '../../rpc/errors.js';
import type { Dispatcher } from './dispatcher.js';
import type { SocketServer } from './socket-server.js';
import type { InstanceLinks } from './instance-links.js';

export function socketService(server: SocketServer, dispatcher: Dispatcher, socketPath: string, graceMs: number, instances: InstanceLinks) {
  return {
    name: 'socket',
    async start(): Promise<void> {
      removeStaleSocket(socketPath);
      await server.listen(socketPath);
    },
    async stop(): Promise<void> {
      // Connections close because the daemon stops: their instances live on, to be resumed after the restart.
      instances.stop();
      void server.stopAccepting();
      dispatcher.refuseNewCalls();
      const cancelled = new BrainsError('UNAVAILABLE', 'the daemon is shutting down; call again once it has restarted');
      for (const connection of server.connections) connection.cancelCalls(cancelled);
      await Promise.race([server.idle(), sleep(graceMs)]);
      await closeConnections(server, 2000);
      try {
        unlinkSync(socketPath);
      } catch {
        /* already gone */
      }
    },
  };
}

/** A socket file left by a daemon that died (we hold the instance lock, so nobody else is listening on it). */
function removeStaleSocket(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; move it away or set BRAINS_SOCKET`);
  unlinkSync(path);
}

async function closeConnections(server: SocketServer, graceMs: number): Promise<void> {
  const open = [...server.connections];
  if (open.length === 0) return;
  const allClosed = Promise.all(open.map((c) => new Promise<void>((resolve) => (c.isOpen ? c.onClose(resolve) : resolve()))));
  for (const connection of open) connection.end();
  await Promise.race([allClosed, sleep(graceMs)]);
  for (const connection of server.connections) connection.destroy();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
