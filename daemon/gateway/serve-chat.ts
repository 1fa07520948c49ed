// One chat request from parsed body to answer: plan its route, admit it under its caller's limits, call the plan's providers (with retries, breakers
// and fallbacks, all before the first byte to the caller), answer in the caller's format, record it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayRequestRow } from '../store/gateway.js';
import type { Logger } from '../log.js';
import { asGatewayError, errorBody, GatewayError, isTransientStatus, retryAfterFrom, type ErrorStyle } from './errors.js';
import { estimateTokens, requestChars, resultChars, type ChatRequest, type ChatResult, type StreamEvent } from './ir.js';
import type { GatewayCaller } from './keys.js';
import { latestUserText } from './classify.js';
import { limitFor, type Ticket } from './limits.js';
import type { GatewayPolicy } from './policy.js';
import { rawWithPreamble, withPreamble } from './preamble.js';
import { PASS_THROUGH_HEADERS } from './providers/credentials.js';
import type { ProviderCall } from './providers/provider.js';
import type { GatewayEndpoint, RequestRecorder } from './recorder.js';
import { attempt, type Trace } from './resilience.js';
import type { RoutePlan, RouteTarget } from './routing.js';
import { SSE_HEADERS } from './sse.js';
import { Tally } from './tally.js';
import type { RenderContext, WireFormat } from './wire/format.js';
import { parseMessagesRequest } from './wire/anthropic-messages.js';
import { relay, UsageSniffer } from './passthrough.js';
import type { Accounting } from './accounting.js';
import type { MailNotes, PendingNote } from './mail-notes.js';
import { noteInRawBody, noteOnLastUserTurn } from './note-placement.js';

export interface ServeContext {
  policy: GatewayPolicy;
  recorder: RequestRecorder;
  caller: GatewayCaller;
  log: Logger;
  /** Budgets and the task a request is charged to. */
  accounting?: Accounting;
  /** Notes of an agent's new mail on its own requests. */
  mail?: MailNotes;
}

type Row = GatewayRequestRow & { key_id: number | null };

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
  sendJson(res, error.status, errorBody(style, error), { ...error.headers(), ...headers });
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

function baseRow(endpoint: GatewayEndpoint, caller: GatewayCaller, body: unknown): Row {
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
    route_class: null,
    route_tier: null,
    route_reasons: null,
    attempts: 0,
    fallback_from: null,
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

/** The caller's body for the upstream: unchanged, or with its model renamed, the preamble put first and a mail note last. */
function forwardedBody(endpoint: GatewayEndpoint, rawText: string, body: unknown, upstreamModel: string, preamble: string | null, noted: object | null): string {
  const b = (noted ?? body) as Record<string, unknown>;
  if (noted === null && b.model === upstreamModel && preamble === null) return rawText;
  const renamed = { ...b, model: upstreamModel };
  return JSON.stringify(preamble === null ? renamed : rawWithPreamble(endpoint, renamed, preamble));
}

/** What a provider gave once it answered far enough to know it serves: nothing has gone to the caller yet. */
type Opened =
  | { kind: 'raw'; res: IncomingMessage }
  | { kind: 'whole'; result: ChatResult }
  | { kind: 'stream'; events: AsyncIterator<StreamEvent>; first: IteratorResult<StreamEvent> };

export async function serveChat(format: WireFormat, body: unknown, rawText: string, req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const started = performance.now();
  const row = baseRow(format.endpoint, ctx.caller, body);
  let tally: Tally | null = null;
  let ticket: Ticket | null = null;
  const trace: Trace = { attempts: 0, fallbackFrom: null, notes: [] };
  let plan: RoutePlan | null = null;
  row.task_id = ctx.accounting?.taskOf(ctx.caller) ?? null;
  let note: PendingNote | null = null;
  const finishRow = (status: number, error: string | null) => {
    note?.settle(status >= 200 && status < 300 && error === null);
    row.status = status;
    row.error = error;
    row.latency_ms = Math.round((performance.now() - started) * 1000) / 1000;
    row.attempts = trace.attempts;
    row.fallback_from = trace.fallbackFrom;
    if (plan) row.route_reasons = trace.notes.length === 0 ? plan.reasons : [...plan.reasons, ...trace.notes];
    if (tally) {
      const usage = tally.usage();
      row.input_tokens = usage.input_tokens;
      row.output_tokens = usage.output_tokens;
      row.tokens_estimated = tally.estimated;
      row.ttft_ms = tally.firstTokenAt === null ? null : Math.round(tally.firstTokenAt * 1000) / 1000;
      ticket?.settle(status < 400 ? usage.input_tokens + usage.output_tokens : 0);
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
    plan = ctx.policy.router().plan(chat.model, () => latestUserText(chat));
    if (plan.preamble !== null) withPreamble(chat, plan.preamble);
    inputEstimate = estimateTokens(requestChars(chat));
  } catch (error) {
    refuse(error instanceof RangeError ? new GatewayError('invalid_request', 'the body is nested too deeply') : asGatewayError(error));
    return;
  }
  const thePlan = plan;
  row.route_class = thePlan.class;
  row.route_tier = thePlan.tier;
  row.provider = thePlan.targets[0]!.provider.name;
  row.upstream_model = thePlan.targets[0]!.upstreamModel;
  row.stream = chat.stream;

  const overBudget = ctx.accounting?.admit(ctx.caller, chat.model, thePlan.targets[0]!.upstreamModel, inputEstimate) ?? null;
  if (overBudget) {
    refuse(overBudget);
    return;
  }
  const admission = ctx.policy.limiter.admit(limitFor(ctx.policy.config.get().limits, ctx.caller), inputEstimate);
  if (!admission.ok) {
    refuse(new GatewayError('rate_limit', admission.message, { retryAfterMs: admission.retryAfterSeconds * 1000 }));
    return;
  }
  ticket = admission.ticket;
  // A mail note rides on the last user turn: onto our request, and onto the caller's own body for a pass-through.
  note = ctx.mail?.take(ctx.caller) ?? null;
  const notedRaw = note ? noteInRawBody(format.endpoint, body, note.text) : null;
  const notedChat = note !== null && noteOnLastUserTurn(chat, note.text);
  let notePlaced = false;
  const thisTally = new Tally(inputEstimate, started);
  tally = thisTally;
  const renderCtx: RenderContext = { model: chat.model, usage: () => thisTally.usage() };
  const abort = abortOnClose(req, res);
  const fromCaller = callerHeaders(req);

  const open = async (target: RouteTarget): Promise<Opened> => {
    const call: ProviderCall = { req: chat, upstreamModel: target.upstreamModel, signal: abort.signal, callerHeaders: fromCaller };
    const forwarding = target.provider.forwardRaw?.(format.endpoint, forwardedBody(format.endpoint, rawText, body, target.upstreamModel, thePlan.preamble, notedRaw), call) ?? null;
    notePlaced = forwarding ? notedRaw !== null : notedChat;
    if (forwarding) return { kind: 'raw', res: await forwarding };
    if (!chat.stream) return { kind: 'whole', result: await target.provider.complete(call) };
    const events = target.provider.stream(call)[Symbol.asyncIterator]();
    // Nothing is written until the provider has sent its first event: a failure up to here is retried, or a plain HTTP error.
    return { kind: 'stream', events, first: await events.next() };
  };

  let opened: Opened;
  let servedBy: RouteTarget;
  try {
    const served = await attempt({
      targets: thePlan.targets,
      breakers: ctx.policy.breakers,
      resilience: (target) => ctx.policy.router().resilience(target.provider),
      signal: abort.signal,
      trace,
      run: open,
      // A pass-through answer is relayed as it is, so its 429 or 5xx is judged here, before a byte of it is relayed.
      judge: (o) => (o.kind === 'raw' && isTransientStatus(o.res.statusCode ?? 502) ? { message: `provider answered ${o.res.statusCode}`, retryAfterMs: retryAfterFrom(o.res.headers) } : null),
      discard: (o) => {
        if (o.kind === 'raw') o.res.resume();
      },
    });
    opened = served.value;
    servedBy = served.target;
    row.provider = served.target.provider.name;
    row.upstream_model = served.target.upstreamModel;
    thisTally.providerEstimates = served.target.provider.type === 'echo';
    // A note that found no last user turn to ride on is not told: its items wait for a later request.
    if (note && !notePlaced) note.settle(false);
  } catch (error) {
    if (abort.signal.aborted) finishRow(499, 'the client closed the connection');
    else refuse(logged(ctx.log, error));
    return;
  }

  const brokeOff = () => ctx.policy.breakers.of(servedBy.provider.name).brokeOff(ctx.policy.router().resilience(servedBy.provider).breaker);
  if (opened.kind === 'raw') return relayRaw(opened.res, chat.stream, res, thisTally, started, abort.signal, finishRow, brokeOff);
  if (opened.kind === 'whole') {
    const result = opened.result;
    if (result.usage) thisTally.reported = result.usage;
    thisTally.outputChars = resultChars(result);
    thisTally.firstTokenAt = performance.now() - started;
    sendJson(res, 200, format.render(result, renderCtx));
    finishRow(200, null);
    return;
  }

  const { events } = opened;
  let step = opened.first;
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
    // The stream began: nothing is retried now; the failure is an error event in it.
    if (abort.signal.aborted) {
      finishRow(499, 'the client closed the connection mid-stream');
      return;
    }
    const failure = logged(ctx.log, error);
    brokeOff();
    writer.fail(failure);
    res.end();
    finishRow(200, `in-stream: ${failure.message}`);
  }
}

/** A pass-through answer copied to the caller byte for byte, its usage read off it on the way. */
async function relayRaw(
  upstream: IncomingMessage,
  streaming: boolean,
  res: ServerResponse,
  tally: Tally,
  started: number,
  signal: AbortSignal,
  finishRow: (status: number, error: string | null) => void,
  brokeOff: () => void,
): Promise<void> {
  const status = upstream.statusCode ?? 502;
  try {
    const sniffer = new UsageSniffer(streaming);
    const firstByte = await relay(upstream, res, sniffer, started);
    tally.reported = sniffer.usage;
    tally.firstTokenAt = firstByte;
    finishRow(status, status >= 400 ? `the provider answered ${status}` : null);
  } catch {
    if (signal.aborted) finishRow(499, 'the client closed the connection');
    else {
      res.destroy();
      brokeOff();
      finishRow(502, 'the provider failed mid-answer');
    }
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
    const plan = ctx.policy.router().plan(chat.model, () => latestUserText(chat));
    if (plan.preamble !== null) withPreamble(chat, plan.preamble);
    const route = plan.targets[0]!;
    Object.assign(row, { provider: route.provider.name, upstream_model: route.upstreamModel, route_class: plan.class, route_tier: plan.tier, route_reasons: plan.reasons, attempts: 1 });
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
