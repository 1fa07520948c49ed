// MCP over Streamable HTTP from tests: the SDK's own client with a bearer key, tool calls that must succeed or fail, and raw requests.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { fetchWithOwnSignal } from './fetch-own-signal.js';
import { errorLine } from './mcp-stdio.js';

export type Structured = Record<string, any>;

export interface Http {
  client: Client;
  transport: StreamableHTTPClientTransport;
}

/** The fetch the helpers' clients use: one signal per request, so a long session leaves no listener behind. */
export const httpFetch: FetchLike = fetchWithOwnSignal;

export async function openHttp(url: string, key: string, fetchImpl: FetchLike = httpFetch): Promise<Http> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: fetchImpl, requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  const client = new Client({ name: 'brains-http-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

export async function call(http: Http, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const result = await http.client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Structured;
}

export async function callError(http: Http, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await http.client.callTool({ name, arguments: args });
  assert.equal(result.isError, true, `${name} should fail: ${JSON.stringify(result.structuredContent)}`);
  return errorLine(result.content as Array<{ text: string }>);
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the headers given (node:http adds Host unless we set it). */
export function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; path?: string } = {}): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: opts.path ?? target.pathname, method: opts.method ?? 'POST', headers: opts.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function initialize(protocolVersion: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
}

export const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** The JSON-RPC messages of an SSE (or JSON) response body. */
export function messagesOf(body: string): any[] {
  if (body.trimStart().startsWith('{')) return [JSON.parse(body)];
  return body
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
    .map((line) => JSON.parse(line.slice(5)));
}
