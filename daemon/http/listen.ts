// Both HTTP faces (MCP and the gateway) listen on loopback only, on a port of their own: one way to bind, shared.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen on 127.0.0.1 (port 0: a free one); resolves with the port taken, rejects with the bind error (EADDRINUSE …). */
export function listenOnLoopback(http: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      http.off('error', reject);
      resolve((http.address() as AddressInfo).port);
    });
  });
}
