// MCP Streamable HTTP served by the daemon on 127.0.0.1: one transport and one MCP server per session, behind our own
// Host/Origin checks and a bearer key; calls go in-process through the dispatcher; streams resume with Last-Event-ID;
// idle sessions are closed.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { Logger } from '../log.js';
import { authenticate, bearerOf, principalFor, sameHolder, type ClientKeyLookup, type KeyHolder, type TokenLookup } from '../http/auth.js';
import { InProcessCaller } from './http-caller.js';
import { SessionEventStore } from './event-store.js';
import { RESUME_WINDOW_MS, RETRY_MS, ResumeWindow, type PostCalls } from './resume-window.js';
import { DEFAULT_MAX_BODY_BYTES, MCP_PATH, originProblem, pathOf, readBody, refuse } from '../http/guard.js';
import { listenOnLoopback } from '../http/listen.js';

/**
 * The MCP SDK (and its large schema module) loads on the first authenticated MCP request, not at daemon start:
 * a daemon that only serves its socket stays small.
 */
interface SdkParts {
  Transport: typeof StreamableHTTPServerTransport;
  createMcpServer: typeof import('./server.js').createMcpServer;
  SessionLog: typeof import('./session-log.js').SessionLog;
  priming: typeof import('./priming.js');
}
let sdkParts: Promise<SdkParts> | null = null;
function loadSdk(): Promise<SdkParts> {
  sdkParts ??= Promise.all([import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./server.js'), import('./session-log.js'), import('./priming.js')]).then(
    ([transport, server, sessionLog, priming]) => ({ Transport: transport.StreamableHTTPServerTransport, createMcpServer: server.createMcpServer, SessionLog: sessionLog.SessionLog, priming }),
  );
  return sdkParts;
}

/** The SDK's ErrorCode.ConnectionClosed (its types module loads with the SDK, not at daemon start). */
const CONNECTION_CLOSED = -32000;

/** A JSON-RPC request (has a method and an id), as the SDK's own guard decides it. */
function isJsonRpcRequest(message: unknown): boolean {
  const m = message as { jsonrpc?: unknown; method?: unknown; id?: unknown } | null;
  return typeof m === 'object' && m !== null && m.jsonrpc === '2.0' && typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number');
}

function isInitializeRequest(body: unknown): boolean {
  return isJsonRpcRequest(body) && (body as { method: string }).method === 'initialize';
}

export interface McpHttpOptions {
  /** 0 picks a free port. */
  port: number;
  /** The port was not asked for: if it is taken, MCP HTTP stays off with a warning instead of failing the start. */
  portIsDefault: boolean;
  idleMs: number;
  maxBodyBytes?: number;
  adminKey: string;
  tokens: TokenLookup;
  /** The keys brains wire gave agent tools (keys/mcp-clients.json). */
  clients?: ClientKeyLookup;
  /** Calls go through it with the session's principal: the same checks and audit rows as the socket's. */
  dispatcher: Dispatcher;
  version: string;
  log: Logger;
  progressIntervalMs?: number;
}

interface Session {
  id: string | undefined;
  /** The key that opened it: a request with another key may not use this session. */
  holder: KeyHolder;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  caller: InProcessCaller;
  /** What its streams sent, for a client that resumes one with Last-Event-ID. */
  events: SessionEventStore;
  /** The calls of POSTs whose client hung up, kept for a while in case it resumes. */
  resume: ResumeWindow;
  /** HTTP requests (POSTs being answered, GET event streams) open on this session right now. */
  active: number;
  lastActivity: number;
  closed: boolean;
}

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="brains", error="invalid_token"' };

export class McpHttpServer {
  private readonly sessions = new Map<string, Session>();
  private readonly http: Server;
  private readonly sweeper: NodeJS.Timeout;
  private port = 0;
  private stopping = false;

  private constructor(private readonly opts: McpHttpOptions) {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('clientError', (_error, socket) => socket.destroy());
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(250, Math.min(60_000, Math.floor(opts.idleMs / 2))));
    this.sweeper.unref();
  }

  /** Listen on 127.0.0.1; null when the default port is taken (logged), a throw for any other failure. */
  static async start(opts: McpHttpOptions): Promise<McpHttpServer | null> {
    const server = new McpHttpServer(opts);
    try {
      await server.listen();
    } catch (error) {
      clearInterval(server.sweeper);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && opts.portIsDefault) {
        opts.log.warn('MCP HTTP is off: its default port is in use (set --mcp-port or BRAINS_MCP_PORT to another port, 0 for any)', { port: opts.port });
        return null;
      }
      throw new Error(`MCP HTTP cannot listen on 127.0.0.1:${opts.port} (${(error as NodeJS.ErrnoException).code ?? 'error'}); set --mcp-port or BRAINS_MCP_PORT (off disables it)`);
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${MCP_PATH}`;
  }

  /** The port it listens on (the one the OS picked, when asked for 0). */
  get listeningPort(): number {
    return this.port;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Close every session (their waits are released) and the listener. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.sweeper);
    const closing = new Promise<void>((resolve) => this.http.close(() => resolve()));
    await Promise.all([...this.sessions.values()].map((s) => this.closeSession(s)));
    this.http.closeAllConnections();
    await closing;
  }

  private async listen(): Promise<void> {
    this.port = await listenOnLoopback(this.http, this.opts.port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      this.opts.log.error('MCP HTTP request failed', { error: error instanceof Error ? error.message : String(error) });
      refuse(res, 500, 'Internal error; the daemon log has the details');
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const forbidden = originProblem(req, this.port);
    if (forbidden) return refuse(res, 403, forbidden);
    if (pathOf(req) !== MCP_PATH) return refuse(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
    const holder = authenticate(bearerOf(req.headers.authorization), this.opts.adminKey, this.opts.tokens, this.opts.clients);
    if (!holder) {
      return refuse(res, 401, 'Unauthorized: send Authorization: Bearer <key> (the key brains wire --transport http wrote, the admin key in keys/admin.key, or a token from mcp.token)', BEARER_CHALLENGE);
    }
    if (this.stopping) return refuse(res, 503, 'the daemon is shutting down; reconnect once it has restarted');
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE') {
      return refuse(res, 405, 'Method not allowed: use POST, GET or DELETE', { Allow: 'GET, POST, DELETE' });
    }

    let body: unknown;
    if (req.method === 'POST') {
      const read = await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      if (read.kind === 'too_large') return refuse(res, 413, `Payload too large: the limit is ${this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes`, { Connection: 'close' });
      try {
        body = JSON.parse(read.text);
      } catch {
        return refuse(res, 400, 'Parse error: the body is not JSON');
      }
    }

    const sessionId = req.headers['mcp-session-id'];
    let session: Session;
    if (typeof sessionId === 'string') {
      const found = this.sessions.get(sessionId);
      if (!found) return refuse(res, 404, 'Session not found: it ended or expired; initialize a new one');
      if (!sameHolder(found.holder, holder)) return refuse(res, 403, 'Forbidden: this session was opened with another key');
      session = found;
    } else if (req.method === 'POST' && isInitializeRequest(body)) {
      session = await this.openSession(holder, body);
    } else {
      return refuse(res, 400, 'Bad Request: send an initialize request first, then the Mcp-Session-Id it returns');
    }

    // A GET with Last-Event-ID resumes a stream: refused here unless the id is one this session sent and still keeps.
    let post: PostCalls | undefined;
    const lastEventId = req.method === 'GET' ? req.headers['last-event-id'] : undefined;
    if (lastEventId !== undefined) {
      if (typeof lastEventId !== 'string') return refuse(res, 400, 'Bad Request: send one Last-Event-ID');
      const problem = session.events.problemWith(lastEventId);
      if (problem) return refuse(res, 400, problem);
      post = session.resume.resumed(session.events.streamOf(lastEventId)!);
    }

    const requestIds = req.method === 'POST' ? idsOf(body) : [];
    if (requestIds.length > 0) post = session.resume.begin(requestIds);
    this.track(session, res, post);
    // An async function never throws synchronously: end() runs right after the transport's synchronous part, as it must.
    const handling = session.transport.handleRequest(req, res, body);
    session.resume.end();
    await handling;
    // An initialize that failed never got a session id: nothing will reach this session again.
    if (session.id === undefined) await this.closeSession(session);
  }

  /** A session's principal is its own: a wired key's session takes its own names, a token's tracks its own sessions. */
  private async openSession(holder: KeyHolder, initialize: unknown): Promise<Session> {
    const { Transport, createMcpServer, SessionLog, priming } = await loadSdk();
    // Its lines about its calls also go to the daemon's log, at debug, whatever level the client chose.
    const log = new SessionLog((level, message, fields) => this.opts.log.debug(`MCP HTTP ${message}`, { session: session.id, level, ...fields }));
    const caller = new InProcessCaller(this.opts.dispatcher, principalFor(holder), log);
    const resume = new ResumeWindow((ids, waited) =>
      waited
        ? this.cancel(session, ids, `the client hung up and did not resume its stream within ${RESUME_WINDOW_MS / 1000} s`, true)
        : this.cancel(session, ids, 'the HTTP request was closed', false),
    );
    const events = new SessionEventStore(resume);
    const session: Session = {
      id: undefined,
      holder,
      caller,
      events,
      resume,
      active: 0,
      lastActivity: Date.now(),
      closed: false,
      server: createMcpServer({
        call: caller.call,
        version: this.opts.version,
        progressIntervalMs: this.opts.progressIntervalMs,
        log,
      }),
      transport: new Transport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          session.id = id;
          this.sessions.set(id, session);
        },
        onsessionclosed: () => void this.closeSession(session),
        eventStore: events,
        retryInterval: RETRY_MS,
      }),
    };
    priming.primeByNegotiatedVersion(session.transport, priming.negotiatedVersion(initialize));
    session.transport.onclose = () => void this.closeSession(session);
    session.transport.onerror = (error) => this.opts.log.debug('MCP HTTP transport', { error: error.message });
    await session.server.connect(session.transport);
    return session;
  }

  /**
   * Count the request as activity. A response carrying calls (a POST, or a GET resuming its stream) that closes before
   * their answers, with no other response carrying them, leaves them to the resume window: cancelled at once when the
   * client cannot resume the stream, else when it has not come back in time. One that delivered every answer lets the
   * stream's kept events go.
   */
  private track(session: Session, res: ServerResponse, post: PostCalls | undefined): void {
    session.active += 1;
    session.lastActivity = Date.now();
    if (post) session.resume.attach(post);
    res.once('close', () => {
      session.active -= 1;
      session.lastActivity = Date.now();
      if (!post || session.closed) return;
      // A POST that could not be resumed and was answered in full: nothing is left to do (its answers were not tracked).
      if (res.writableFinished && post.streamId === undefined) return;
      const outcome = session.resume.detach(post);
      if (outcome === 'answered' && res.writableFinished) session.events.forget(post.streamId!);
      else if (outcome === 'waiting') this.opts.log.debug(`MCP HTTP client hung up mid-call; its calls wait ${RESUME_WINDOW_MS / 1000} s for it to resume the stream`, { session: session.id });
      else if (outcome === 'cancelled') this.opts.log.debug('MCP HTTP client hung up mid-call; its calls are cancelled', { session: session.id });
    });
  }

  /**
   * Cancel requests of the session as its client would: their waits are released and the server sends no answer. With
   * `answer`, each gets an error saying why instead, kept for a client that resumes its stream later still.
   */
  private cancel(session: Session, requestIds: readonly RequestId[], reason: string, answer: boolean): void {
    if (session.closed) return;
    for (const requestId of requestIds) {
      const cancel: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason } };
      session.transport.onmessage?.(cancel);
      if (!answer) continue;
      const error: JSONRPCMessage = { jsonrpc: '2.0', id: requestId, error: { code: CONNECTION_CLOSED, message: `Cancelled: ${reason}; call again` } };
      session.transport.send(error).catch(() => {});
    }
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.opts.idleMs;
    for (const session of this.sessions.values()) {
      if (session.active === 0 && session.lastActivity < cutoff) {
        this.opts.log.debug('closing an idle MCP HTTP session', { session: session.id });
        void this.closeSession(session);
      }
    }
  }

  private async closeSession(session: Session): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    if (session.id !== undefined) this.sessions.delete(session.id);
    session.resume.close();
    session.caller.close();
    await session.server.close().catch(() => {});
  }
}

function idsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter((m): m is JSONRPCMessage => isJsonRpcRequest(m)).map((m) => (m as { id: RequestId }).id);
}
