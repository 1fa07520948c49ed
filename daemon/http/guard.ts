// The checks every MCP HTTP request passes before the MCP transport sees it: loopback Host and Origin, bearer key, body size.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MCP_PATH = '/mcp';
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** A body this far over the limit is not even drained: the connection is cut. */
const DRAIN_FACTOR = 16;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The Host values a loopback client sends for this port. */
export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_HOSTS.map((host) => `${host}:${port}`));
}

/** The Origin values of pages served from this loopback port (http only). */
export function allowedOrigins(port: number): Set<string> {
  return new Set(LOOPBACK_HOSTS.map((host) => `http://${host}:${port}`));
}

/** Why the request must be refused with 403 (foreign Host or Origin), or null. */
export function originProblem(req: IncomingMessage, port: number): string | null {
  const host = req.headers.host?.toLowerCase();
  if (!host || !allowedHosts(port).has(host)) return 'Forbidden: the Host header must name this loopback endpoint';
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) return 'Forbidden: requests from web pages other than this loopback endpoint are refused';
  return null;
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** A JSON-RPC error as the whole HTTP response: short, with no internals. */
export function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: status === 404 ? -32001 : -32000, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too_large' };

/** Read the body up to maxBytes; past it keep draining (so the client reads our 413) unless it is absurdly large. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    if (Number.isFinite(declared) && declared > maxBytes * DRAIN_FACTOR) {
      req.destroy();
      resolve({ kind: 'too_large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (size > maxBytes * DRAIN_FACTOR) {
        req.destroy();
        resolve({ kind: 'too_large' });
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { kind: 'too_large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}
