// One chat request from parsed body to answer: route it, call the provider (streaming or not), answer in the caller's format, record it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayRequestRow } from '../store/gateway.js';
import type { Logger } from '../log.js';
import { asGatewayError, errorBody, GatewayError, type ErrorStyle } from './errors.js';
import { estimateTokens, requestChars, resultChars, type ChatRequest, type StreamEvent, type Usage } from './ir.js';
import type { GatewayCaller } from './keys.js';
import { PASS_THROUGH_HEADERS } from './providers/credentials.js';
import type { ProviderCall } from './providers/provider.js';
import type { GatewayEndpoint, RequestRecorder } from './recorder.js';
import type { Router } from './routing.js';
import { SSE_HEADERS } from './sse.js';
import type { RenderContext, WireFormat } from './wire/format.js';
import { parseMessagesRequest } from './wire/anthropic-messages.js';
import { relay, UsageSniffer } from './passthrough.js';
import type { Accounting } from './accounting.js';
import type { MailNotes, PendingNote } from './mail-notes.js';
import { noteInRawBody, noteOnLastUserTurn } from './note-placement.js';

export interface ServeContext {
  router: Router;
  recorder: RequestRecorder;
  caller: GatewayCaller;
  log: Logger;
  /** Budgets and the task a request is charged to. */
  accounting?: Accounting;
  /** Notes of an agent's new mail on its own requests. */
  mail?: MailNotes;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, style: ErrorStyle, error: GatewayError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, errorBody(style, error), { ...error.headers, ...headers });
}

/** The caller's own credentials, for a pass-through provider: only when the brains key came in x-brains-key. */
function callerHeaders(req: IncomingMessage): Record<string, string> {
  if (typeof req.headers['x-brains-key'] !== 'string') return {};
  const out: Record<string, string> = {};
  for (const name of PASS_THROUGH_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Usage as reported: the provider's where it gave it, else estimated from characters (and marked so). */
class Tally {
  outputChars = 0;
  reported: Partial<Usage> = {};
  firstTokenAt: number | null = null;
  /** The provider's counts are themselves estimates (echo). */
  providerEstimates = false;

  constructor(
    private readonly inputEstimate: number,
    private readonly started: number,
  ) {}

  see(event: StreamEvent): void {
    if (event.type === 'text') this.outputChars += event.text.length;
    else if (event.type === 'tool_call_delta') this.outputChars += event.arguments.length;
    else if (event.type === 'tool_call_start') this.outputChars += event.name.length;
    else if (event.type === 'usage') this.reported = { ...this.reported, ...event.usage };
    if ((event.type === 'text' || event.type === 'tool_call_start') && this.firstTokenAt === null) this.firstTokenAt = performance.now() - this.started;
  }

  get estimated(): boolean {
    return this.providerEstimates || this.reported.input_tokens === undefined || this.reported.output_tokens === undefined;
  }

  usage(): Usage {
    return { input_tokens: this.reported.input_tokens ?? this.inputEstimate, output_tokens: this.reported.output_tokens ?? estimateTokens(this.outputChars) };
  }
}

function baseRow(endpoint: GatewayEndpoint, caller: GatewayCaller, body: unknown): GatewayRequestRow & { key_id: number | null } {
  const model = typeof (body as { model?: unknown } | null)?.model === 'string' ? ((body as { model: string }).model.slice(0, 256)) : null;
  return {
    time: new Date().toISOString(),
    endpoint,
    key: caller.label,
    key_id: caller.key_id,
    agent_name: caller.agent_name,
    project_id: caller.project_id,
    model,
    provider: null,
    upstream_model: null,
    stream: (body as { stream?: unknown } | null)?.stream === true,
    status: 200,
    error: null,
    latency_ms: 0,
    ttft_ms: null,
    input_tokens: null,
    output_tokens: null,
    tokens_estimated: true,
    cost: null,
    task_id: null,
  };
}

function abortOnClose(req: IncomingMessage, res: ServerResponse): AbortController {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  req.once('aborted', () => abort.abort());
  return abort;
}

/** The caller's body for the upstream: unchanged, or with only its model renamed (and a mail note, when one rides along). */
function forwardedBody(rawText: string, body: unknown, upstreamModel: string, noted: object | null): string {
  const b = body as { model?: unknown };
  if (noted !== null) return JSON.stringify({ ...noted, model: upstreamModel });
  return b.model === upstreamModel ? rawText : JSON.stringify({ ...(body as object), model: upstreamModel });
}

export async function serveChat(format: WireFormat, body: unknown, rawText: string, req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const started = performance.now();
  const row = baseRow(format.endpoint, ctx.caller, body);
  row.task_id = ctx.accounting?.taskOf(ctx.caller) ?? null;
  let tally: Tally | null = null;
  let note: PendingNote | null = null;
  const finishRow = (status: number, error: string | null) => {
    note?.settle(status >= 200 && status < 300 && error === null);
    row.status = status;
    row.error = error;
    row.latency_ms = Math.round((performance.now() - started) * 1000) / 1000;
    if (tally) {
      const usage = tally.usage();
      row.input_tokens = usage.input_tokens;
      row.output_tokens = usage.output_tokens;
      row.tokens_estimated = tally.estimated;
      row.ttft_ms = tally.firstTokenAt === null ? null : Math.round(tally.firstTokenAt * 1000) / 1000;
    }
    ctx.recorder.record(row);
  };
  const refuse = (error: GatewayError) => {
    sendError(res, format.errorStyle, error);
    finishRow(error.status, error.message);
  };

  let chat: ChatRequest;
  let inputEstimate: number;
  try {
    chat = format.parse(body);
    inputEstimate = estimateTokens(requestChars(chat));
  } catch (error) {
    refuse(error instanceof RangeError ? new GatewayError('invalid_request', 'the body is nested too deeply') : asGatewayError(error));
    return;
  }
  const route = ctx.router.route(chat.model);
  row.provider = route.provider.name;
  row.upstream_model = route.upstreamModel;
  row.stream = chat.stream;
  const overBudget = ctx.accounting?.admit(ctx.caller, chat.model, route.upstreamModel, inputEstimate) ?? null;
  if (overBudget) {
    refuse(overBudget);
    return;
  }
  // A mail note rides on the last user turn: onto our request, and onto the caller's own body for a pass-through.
  note = ctx.mail?.take(ctx.caller) ?? null;
  const notedRaw = note ? noteInRawBody(format.endpoint, body, note.text) : null;
  const notedChat = note !== null && noteOnLastUserTurn(chat, note.text);
  const thisTally = new Tally(inputEstimate, started);
  thisTally.providerEstimates = route.provider.type === 'echo';
  tally = thisTally;
  const renderCtx: RenderContext = { model: chat.model, usage: () => thisTally.usage() };
  const abort = abortOnClose(req, res);
  const call: ProviderCall = { req: chat, upstreamModel: route.upstreamModel, signal: abort.signal, callerHeaders: callerHeaders(req) };

  const forwarding = route.provider.forwardRaw?.(format.endpoint, forwardedBody(rawText, body, route.upstreamModel, notedRaw), call) ?? null;
  // A note that found no last user turn to ride on is not told: its items wait for a later request.
  if (note && !(forwarding ? notedRaw !== null : notedChat)) note.settle(false);
  if (forwarding) {
    try {
      const sniffer = new UsageSniffer(chat.stream);
      const upstream = await forwarding;
      const firstByte = await relay(upstream, res, sniffer, started);
      thisTally.reported = sniffer.usage;
      thisTally.firstTokenAt = firstByte;
      finishRow(upstream.statusCode ?? 502, (upstream.statusCode ?? 502) >= 400 ? `the provider answered ${upstream.statusCode}` : null);
    } catch (error) {
      if (abort.signal.aborted) finishRow(499, 'the client closed the connection');
      else if (res.headersSent) {
        res.destroy();
        finishRow(502, 'the provider failed mid-answer');
      } else refuse(logged(ctx.log, error));
    }
    return;
  }

  if (!chat.stream) {
    try {
      const result = await route.provider.complete(call);
      if (result.usage) thisTally.reported = result.usage;
      thisTally.outputChars = resultChars(result);
      thisTally.firstTokenAt = performance.now() - started;
      sendJson(res, 200, format.render(result, renderCtx));
      finishRow(200, null);
    } catch (error) {
      if (abort.signal.aborted) finishRow(499, 'the client closed the connection');
      else refuse(logged(ctx.log, error));
    }
    return;
  }

  const events = route.provider.stream(call)[Symbol.asyncIterator]();
  let step: IteratorResult<StreamEvent>;
  try {
    // Nothing is written until the provider has answered: a failure up to here is still a plain HTTP error.
    step = await events.next();
  } catch (error) {
    if (abort.signal.aborted) finishRow(499, 'the client closed the connection');
    else refuse(logged(ctx.log, error));
    return;
  }
  if (!step.done) thisTally.see(step.value);
  res.writeHead(200, SSE_HEADERS);
  const writer = format.writer(res, renderCtx, chat);
  try {
    while (!step.done) {
      writer.event(step.value);
      step = await events.next();
      if (!step.done) thisTally.see(step.value);
    }
    writer.end();
    res.end();
    finishRow(200, null);
  } catch (error) {
    if (abort.signal.aborted) {
      finishRow(499, 'the client closed the connection mid-stream');
      return;
    }
    const failure = logged(ctx.log, error);
    writer.fail(failure);
    res.end();
    finishRow(200, `in-stream: ${failure.message}`);
  }
}

function logged(log: Logger, error: unknown): GatewayError {
  const failure = asGatewayError(error);
  if (failure.kind === 'internal') log.error('gateway request failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  return failure;
}

/** POST /v1/messages/count_tokens: the provider's count where it has one, else the estimate. */
export async function serveCountTokens(body: unknown, req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const started = performance.now();
  const row = baseRow('messages.count_tokens', ctx.caller, body);
  row.stream = false;
  const done = (status: number, error: string | null, tokens: number | null, estimated: boolean) => {
    Object.assign(row, { status, error, input_tokens: tokens, output_tokens: tokens === null ? null : 0, tokens_estimated: estimated, latency_ms: Math.round((performance.now() - started) * 1000) / 1000 });
    ctx.recorder.record(row);
  };
  try {
    const chat = parseMessagesRequest(body, false);
    const route = ctx.router.route(chat.model);
    row.provider = route.provider.name;
    row.upstream_model = route.upstreamModel;
    const abort = abortOnClose(req, res);
    const counted = route.provider.countTokens ? await route.provider.countTokens({ req: chat, upstreamModel: route.upstreamModel, signal: abort.signal, callerHeaders: callerHeaders(req) }) : null;
    const estimated = counted === null || route.provider.type === 'echo';
    const tokens = counted ?? estimateTokens(requestChars(chat));
    sendJson(res, 200, { input_tokens: tokens });
    done(200, null, tokens, estimated);
  } catch (error) {
    const failure = logged(ctx.log, error);
    sendError(res, 'anthropic', failure);
    done(failure.status, failure.message, null, true);
  }
}
