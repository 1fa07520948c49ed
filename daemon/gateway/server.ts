// The gateway's HTTP face on 127.0.0.1: Host/Origin checks and body limits from daemon/http, a key on every route but /health, then one wire format per path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TokenLookup } from '../http/auth.js';
import { originProblem, pathOf, readBody } from '../http/guard.js';
import type { Logger } from '../log.js';
import type { GatewayRepo } from '../store/gateway.js';
import { GatewayError, type ErrorStyle } from './errors.js';
import { checkKey, presentedKey } from './keys.js';
import type { RequestRecorder } from './recorder.js';
import type { GatewayPolicy } from './policy.js';
import { sendError, sendJson, serveChat, serveCountTokens, type ServeContext } from './serve-chat.js';
import { anthropicMessages } from './wire/anthropic-messages.js';
import type { WireFormat } from './wire/format.js';
import { openAIChat } from './wire/openai-chat.js';
import { openAIResponses } from './wire/responses.js';
import { listenOnLoopback } from '../http/listen.js';
import type { Accounting } from './accounting.js';
import type { MailNotes } from './mail-notes.js';

export const DEFAULT_GATEWAY_BODY_BYTES = 32 * 1024 * 1024;

export interface GatewayServerOptions {
  port: number;
  portIsDefault: boolean;
  adminKey: string;
  tokens: TokenLookup;
  keys: GatewayRepo;
  policy: GatewayPolicy;
  recorder: RequestRecorder;
  accounting: Accounting;
  mail: MailNotes;
  log: Logger;
  version: string;
}

const CHAT_ROUTES: Record<string, WireFormat> = {
  '/v1/chat/completions': openAIChat,
  '/v1/messages': anthropicMessages,
  '/v1/responses': openAIResponses,
};

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="brains-gateway"' };

/** Anthropic's paths (and any request that names an anthropic-version) are answered in Anthropic's words; the rest in OpenAI's. */
function styleOf(req: IncomingMessage, path: string): ErrorStyle {
  return path.startsWith('/v1/messages') || req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

export class GatewayServer {
  private readonly http: Server;
  private port = 0;

  private constructor(private readonly opts: GatewayServerOptions) {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('clientError', (_error, socket) => socket.destroy());
    this.http.keepAliveTimeout = 65_000;
  }

  /** Listen on 127.0.0.1; null when the default port is taken (logged), a throw for any other failure. */
  static async start(opts: GatewayServerOptions): Promise<GatewayServer | null> {
    const server = new GatewayServer(opts);
    try {
      await server.listen();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && opts.portIsDefault) {
        opts.log.warn('the gateway is off: its default port is in use (set --gateway-port or BRAINS_GATEWAY_PORT to another port, 0 for any)', { port: opts.port });
        return null;
      }
      throw new Error(`the gateway cannot listen on 127.0.0.1:${opts.port} (${(error as NodeJS.ErrnoException).code ?? 'error'}); set --gateway-port or BRAINS_GATEWAY_PORT (off disables it)`);
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listeningPort(): number {
    return this.port;
  }

  async stop(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closing;
  }

  private async listen(): Promise<void> {
    this.port = await listenOnLoopback(this.http, this.opts.port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const style = styleOf(req, path);
    try {
      await this.route(req, res, path, style);
    } catch (error) {
      this.opts.log.error('gateway request failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      sendError(res, style, new GatewayError('internal', 'internal error in the brains gateway; the daemon log has the details'));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, style: ErrorStyle): Promise<void> {
    const forbidden = originProblem(req, this.port);
    if (forbidden) return sendError(res, style, new GatewayError('permission', forbidden));
    if (path === '/health' && req.method === 'GET') return this.health(res);

    const check = checkKey(presentedKey(req), this.opts.adminKey, this.opts.tokens, this.opts.keys);
    if (!check.ok) return sendError(res, style, new GatewayError('authentication', check.reason), BEARER_CHALLENGE);

    if (path === '/v1/models' || path === '/models') {
      if (req.method !== 'GET') return sendError(res, style, new GatewayError('invalid_request', 'use GET for /v1/models', { status: 405 }), { Allow: 'GET' });
      return this.models(req, res);
    }
    const format = CHAT_ROUTES[path];
    const countTokens = path === '/v1/messages/count_tokens';
    if (!format && !countTokens) {
      return sendError(res, style, new GatewayError('not_found', `no route ${path}; the gateway serves POST /v1/chat/completions, /v1/messages, /v1/messages/count_tokens, /v1/responses and GET /v1/models, /health`));
    }
    if (req.method !== 'POST') return sendError(res, style, new GatewayError('invalid_request', `use POST for ${path}`, { status: 405 }), { Allow: 'POST' });

    const limit = this.opts.policy.config.get().max_body_bytes ?? DEFAULT_GATEWAY_BODY_BYTES;
    const read = await readBody(req, limit);
    if (read.kind === 'too_large') return sendError(res, style, new GatewayError('too_large', `the request body is over the gateway's limit of ${limit} bytes (max_body_bytes in gateway.json)`), { Connection: 'close' });
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return sendError(res, style, new GatewayError('invalid_request', 'the body is not valid JSON'));
    }
    const { policy, recorder, accounting, mail, log } = this.opts;
    const ctx: ServeContext = { policy, recorder, accounting, mail, caller: check.caller, log };
    if (countTokens) return serveCountTokens(body, req, res, ctx);
    return serveChat(format!, body, read.text, req, res, ctx);
  }

  private health(res: ServerResponse): void {
    const { policy } = this.opts;
    const problem = policy.config.problem();
    const providers = policy.router().providerList();
    sendJson(res, 200, {
      status: 'ok',
      version: this.opts.version,
      providers,
      config: { ok: problem === null, problem },
      breakers: policy.breakerViews(),
      optional: { ollama: providers.some((p) => p.type === 'ollama') ? 'configured' : 'not configured' },
    });
  }

  private models(req: IncomingMessage, res: ServerResponse): void {
    const models = this.opts.policy.router().models();
    if (req.headers['anthropic-version'] !== undefined) {
      const data = models.map((m) => ({ type: 'model', id: m.id, display_name: m.tier_of ? `${m.id} (${m.tier_of})` : m.id, created_at: '1970-01-01T00:00:00Z' }));
      return sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
    }
    sendJson(res, 200, { object: 'list', data: models.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.provider })) });
  }
}
