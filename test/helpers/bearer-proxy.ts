// A loopback HTTP proxy for clients that cannot send our bearer key (the MCP conformance suite): it adds the key and
// passes everything else through, so the daemon's own Host/Origin checks still judge what the client sent.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BearerProxy {
  /** The proxy's URL for `path` (the daemon's MCP path by default). */
  url: string;
  close(): Promise<void>;
}

/**
 * Forward every request to `target` with `Authorization: Bearer <key>` added. Headers go on as they came, Host and
 * Origin included, with one exception: a Host or Origin that names the proxy itself is rewritten to name the target,
 * as a transparent reverse proxy does (the client spoke to the proxy's port, the daemon accepts only its own). Any
 * other value, a foreign Host or Origin above all, reaches the daemon exactly as sent.
 */
export async function startBearerProxy(target: string, key: string): Promise<BearerProxy> {
  const to = new URL(target);
  let self = '';
  const server: Server = createServer((req, res) => {
    const headers = forwardedHeaders(req.headers, self, to.host, key);
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  self = String(port);
  return {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function forwardedHeaders(incoming: IncomingHttpHeaders, proxyPort: string, targetHost: string, key: string): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...incoming, authorization: `Bearer ${key}` };
  const targetPort = new URL(`http://${targetHost}`).port;
  const retarget = (authority: string) => {
    const colon = authority.lastIndexOf(':');
    const name = authority.slice(0, colon).toLowerCase();
    return colon > 0 && authority.slice(colon + 1) === proxyPort && LOOPBACK.has(name) ? `${name}:${targetPort}` : undefined;
  };
  if (incoming.host) headers.host = retarget(incoming.host) ?? incoming.host;
  const origin = incoming.origin;
  if (origin?.startsWith('http://')) {
    const moved = retarget(origin.slice('http://'.length));
    if (moved) headers.origin = `http://${moved}`;
  }
  return headers;
}
