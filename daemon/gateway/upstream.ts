// Calls to a provider's HTTP API: keep-alive connections, a caller's abort ends the upstream request, bounded bodies.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { GatewayError, isTransientStatus, kindForUpstreamStatus, retryAfterFrom } from './errors.js';

interface Transport {
  request: typeof httpRequest;
  agent: HttpAgent;
}

const plain: Transport = { request: httpRequest, agent: new HttpAgent({ keepAlive: true, maxSockets: 256 }) };
/** TLS loads with the first https provider called, not with every daemon (a local-only gateway never needs it). */
let secure: Promise<Transport> | null = null;

function secureTransport(): Promise<Transport> {
  secure ??= import('node:https').then((https) => ({ request: https.request, agent: new https.Agent({ keepAlive: true, maxSockets: 256 }) }));
  return secure;
}

/** A JSON body read from an upstream is capped here: a larger one is garbage to us. */
export const MAX_UPSTREAM_BODY_BYTES = 64 * 1024 * 1024;

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** The provider's name, for messages. */
  provider: string;
}

/** POST and resolve with the response once its headers arrive (the body is still to be read). */
export async function post(call: UpstreamCall): Promise<IncomingMessage> {
  const url = new URL(call.url);
  const transport = url.protocol === 'https:' ? await secureTransport() : plain;
  return new Promise((resolve, reject) => {
    if (call.signal.aborted) {
      reject(new GatewayError('upstream', 'the request was cancelled'));
      return;
    }
    const req = transport.request(
      url,
      {
        method: 'POST',
        agent: transport.agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(call.body)), ...call.headers },
        timeout: call.timeoutMs,
      },
      (res) => {
        call.signal.removeEventListener('abort', onAbort);
        // The caller going away later still ends the upstream response.
        const onLateAbort = () => res.destroy();
        call.signal.addEventListener('abort', onLateAbort, { once: true });
        res.once('close', () => call.signal.removeEventListener('abort', onLateAbort));
        resolve(res);
      },
    );
    const onAbort = () => req.destroy(new Error('aborted'));
    call.signal.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => req.destroy(new GatewayError('timeout', `provider ${call.provider} did not answer within ${Math.round(call.timeoutMs / 1000)} s`, { transient: true })));
    req.on('error', (error) => {
      call.signal.removeEventListener('abort', onAbort);
      if (error instanceof GatewayError) reject(error);
      else reject(new GatewayError('upstream', `provider ${call.provider} could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`, { transient: !call.signal.aborted }));
    });
    req.end(call.body);
  });
}

export async function readText(res: IncomingMessage, limit = MAX_UPSTREAM_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new GatewayError('upstream', 'the provider answered with a body larger than the gateway accepts');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON body of a 2xx answer; anything else is garbage (502). */
export async function readJson(res: IncomingMessage, provider: string): Promise<Record<string, unknown>> {
  const text = await readText(res);
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* garbage, below */
  }
  throw new GatewayError('upstream', `provider ${provider} answered with something that is not a JSON object`);
}

/** A non-2xx answer as the error the caller sees: the provider's own message, its 4xx status kept, its 5xx as 502. */
export async function upstreamFailure(res: IncomingMessage, provider: string): Promise<GatewayError> {
  const status = res.statusCode ?? 502;
  let message = '';
  try {
    const text = await readText(res, 1024 * 1024);
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const inner = typeof parsed.error === 'object' ? parsed.error?.message : parsed.error ?? parsed.message;
    message = typeof inner === 'string' ? inner : text.slice(0, 300);
  } catch {
    message = '';
  }
  const kind = kindForUpstreamStatus(status);
  const said = message ? `: ${message.slice(0, 500)}` : '';
  return new GatewayError(kind, `provider ${provider} answered ${status}${said}`, {
    status: kind === 'upstream' ? 502 : status,
    transient: isTransientStatus(status),
    retryAfterMs: retryAfterFrom(res.headers),
    upstreamStatus: status,
  });
}

export function isSuccess(res: IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 200 && status < 300;
}

export function isEventStream(res: IncomingMessage): boolean {
  return String(res.headers['content-type'] ?? '').includes('text/event-stream');
}
