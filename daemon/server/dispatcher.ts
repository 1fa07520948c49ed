// Routes each request to its handler. For every call, on every face: the principal's identity params
// are filled in, params are checked against the contract, the principal is checked against what it names, the handler runs
// inside the call's scope, and a mutating call leaves its audit row (in its change's transaction, or one of its own).
import { JSONRPCErrorException, type JSONRPCResponse } from 'json-rpc-2.0';
import { z } from 'zod';
import type { MethodDef } from '../../rpc/contract/define.js';
import { filledForOperator } from '../../rpc/contract/required-params.js';
import { BrainsError, RpcCallError, RpcCodes, type RpcErrorObject } from '../../rpc/errors.js';
import { errorResponse, invalidRequest, isRequestObject, parseFrame, type ErrorResponse } from './requests.js';
import type { CallerLink } from './caller-link.js';
import type { Logger } from '../log.js';
import type { CallContext, Handler } from '../planes/shared/call.js';
import type { Access, Authorized } from '../principals/access.js';
import { runInCall, type CallScope } from '../principals/call-scope.js';
import type { Principal } from '../principals/principal.js';
import type { AuditTrail } from '../audit/trail.js';
import { storeFault } from '../store/faults.js';
import { forbiddenKeyIssue } from './forbidden-keys.js';
import { paramsTooDeep } from '../store/json-limits.js';
import { invalidParams, methodNotFound } from './suggestions.js';

type Response = JSONRPCResponse | ErrorResponse;

export interface DispatcherOptions {
  log: Logger;
  /** Check every result against its schema (on in tests; a mismatch is a bug and answers -32603). */
  checkResults: boolean;
  access: Access;
  audit: Pick<AuditTrail, 'writeAlone'>;
  /** An agent instance called: it is alive (presence). */
  onInstanceCall?: (sessionId: string) => void;
  /** How long a call may wait for another process to free the database's write lock (the db_lock_wait_seconds setting). */
  lockWaitMs: () => number;
}

/** Pauses between tries of a call that found the database locked: 5, 10, 20 ... ms, then every 100 ms. */
const LOCKED_RETRY_FIRST_MS = 5;
const LOCKED_RETRY_MAX_MS = 100;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Entry {
  def: MethodDef;
  handler: Handler<unknown, unknown>;
  /** Top-level actor params the method cannot go without. */
  requiredActors: string[];
}

export class Dispatcher {
  private readonly entries = new Map<string, Entry>();
  private inFlight = 0;
  private refusing = false;

  constructor(
    table: Record<string, MethodDef>,
    handlers: Record<string, Handler<any, any>>,
    private readonly opts: DispatcherOptions,
  ) {
    for (const [name, def] of Object.entries(table)) {
      const handler = handlers[name];
      if (!handler) throw new Error(`contract method ${name} has no handler`);
      this.entries.set(name, { def, handler, requiredActors: requiredActors(def) });
    }
  }

  /** Answer one frame: a response object, an array for a batch, or null when nothing is to be sent. */
  async handleFrame(bytes: Buffer, link: CallerLink): Promise<{ response: Response | Response[] | null; after: Array<() => void> }> {
    const after: Array<() => void> = [];
    const parsed = parseFrame(bytes);
    if (parsed.kind === 'error') return { response: parsed.response, after };
    if (parsed.kind === 'single') return { response: await this.handleOne(parsed.item, link, after), after };
    const responses = await Promise.all(parsed.items.map((item) => this.handleOne(item, link, after)));
    const sent = responses.filter((r): r is Response => r !== null);
    return { response: sent.length > 0 ? sent : null, after };
  }

  /**
   * One call from inside the daemon (MCP HTTP sessions, and next the agent runtime and the gateway): the same checks,
   * auditing and errors as a socket call, for the link's principal. Resolves with the result or rejects with RpcCallError.
   */
  async callInProcess(method: string, params: unknown, link: CallerLink): Promise<unknown> {
    const after: Array<() => void> = [];
    const reply = (await this.handleOne({ jsonrpc: '2.0', id: 0, method, params }, link, after)) as { result?: unknown; error?: RpcErrorObject } | null;
    for (const fn of after) fn();
    if (!reply) throw new BrainsError('UNAVAILABLE', `the daemon gave no answer to ${method}`);
    if (reply.error) throw new RpcCallError(reply.error);
    return reply.result;
  }

  /** Stop taking new calls: each gets UNAVAILABLE. Calls already running finish. */
  refuseNewCalls(): void {
    this.refusing = true;
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  private async handleOne(item: unknown, link: CallerLink, after: Array<() => void>): Promise<Response | null> {
    if (!isRequestObject(item)) return invalidRequest();
    if (!this.entries.has(item.method)) return item.id === undefined ? null : methodNotFound(item.method, [...this.entries.keys()], item.id);
    const ctx = new Call(link, after);
    this.inFlight += 1;
    link.callStarted();
    try {
      // The request is spec-checked and its method known (above): run it and answer with its result or its mapped error,
      // or nothing for a notification. (json-rpc-2.0's server did this with a generator and three promises a call.)
      const result = await this.run(item.method, item.params, ctx).then(
        (value) => ({ jsonrpc: '2.0' as const, id: item.id ?? null, result: value ?? null }),
        (error: unknown) => this.mapError(item.id ?? null, error, link),
      );
      return item.id === undefined ? null : result;
    } finally {
      link.callFinished();
      this.inFlight -= 1;
    }
  }

  private async run(name: string, raw: unknown, ctx: Call): Promise<unknown> {
    const entry = this.entries.get(name)!;
    const { def } = entry;
    const scope: CallScope = {
      method: name,
      mutates: def.mutates === true,
      emits: def.emits,
      principal: ctx.principal,
      rawParams: raw,
      actingAs: null,
      sessionId: ctx.principal.kind === 'instance' ? ctx.principal.session_id : null,
      subject: null,
      audited: false,
      finished: false,
    };
    ctx.scope = scope;
    return runInCall(scope, async () => {
      try {
        const tooDeep = paramsTooDeep(raw);
        if (tooDeep) {
          // The audit row digests a stand-in: hashing the params themselves would recurse as deep as they go.
          scope.rawParams = { refused: tooDeep.message };
          throw tooDeep;
        }
        if (this.refusing) throw new BrainsError('UNAVAILABLE', 'the daemon is shutting down; call again once it has restarted');
        const result = await this.untilWritable(scope, ctx, () => this.attempt(name, entry, raw, ctx, scope));
        if (scope.mutates && !scope.audited) await this.auditAlone(scope, 'ok', ctx);
        return result;
      } catch (error) {
        const outcome = outcomeOf(error);
        if (scope.mutates || outcome === 'PERMISSION_DENIED') {
          await this.auditAlone(scope, scope.audited ? `${outcome} (after its change was stored)` : outcome, storeFault(error)?.cause === 'locked' ? null : ctx);
        }
        throw error;
      } finally {
        scope.finished = true;
      }
    });
  }

  /** One try at the call: prepare, run the handler, check its result. */
  private async attempt(name: string, entry: Entry, raw: unknown, ctx: Call, scope: CallScope): Promise<unknown> {
    const { params, takes } = this.prepare(name, entry, raw, ctx.principal, scope);
    const result = await entry.handler(params, ctx);
    // A wired key's (or admin key's) session holds the names it took, once the call that took them succeeded.
    if (takes.length > 0) {
      const names = ctx.principal.kind === 'client' || ctx.principal.kind === 'operator' ? ctx.principal.names : undefined;
      if (names) for (const take of takes) if (!names.has(take.project_id)) names.set(take.project_id, take.agent_name);
    }
    if (this.opts.checkResults) this.checkResult(name, entry.def, result);
    return result;
  }

  /**
   * Another process holding the database's write lock fails a write at once (the store never blocks the event loop on
   * it); the call is tried again after a growing pause, for as long as the db_lock_wait_seconds setting allows, while
   * every other call goes on being answered. Only a try that stored nothing is repeated: a call whose change committed
   * before the lock was lost is answered with the error, never run twice.
   */
  private async untilWritable<T>(scope: CallScope, ctx: Call, once: () => Promise<T>): Promise<T> {
    let lockedSince = 0;
    for (let tries = 0; ; tries += 1) {
      const afterMark = ctx.pendingAfter;
      try {
        // Each try runs in the call's scope: after a pause the scope has to be entered again.
        return await ctx.within(once);
      } catch (error) {
        if (storeFault(error)?.cause !== 'locked' || scope.audited || ctx.signal.aborted || this.refusing) throw error;
        const now = Date.now();
        lockedSince ||= now;
        const left = lockedSince + this.opts.lockWaitMs() - now;
        if (left <= 0) throw error;
        ctx.dropAfter(afterMark);
        await pause(Math.min(left, LOCKED_RETRY_FIRST_MS * 2 ** Math.min(tries, 5), LOCKED_RETRY_MAX_MS));
      }
    }
  }

  /** Fill, validate, authorize: the params the handler gets, and what the call acts as (into its scope). */
  private prepare(name: string, entry: Entry, raw: unknown, principal: Principal, scope: CallScope): { params: Record<string, unknown>; takes: Authorized['takes'] } {
    const { def } = entry;
    const access = this.opts.access;
    const forbidden = forbiddenKeyIssue(raw);
    const filled = access.fill(def, raw === undefined ? {} : raw, principal);
    if (principal.kind !== 'operator' && filled && typeof filled === 'object') {
      const missing = entry.requiredActors.find((field) => (filled as Record<string, unknown>)[field] === undefined);
      if (missing) throw access.missingActor(principal, missing, (filled as Record<string, unknown>)[(def.project ?? [])[0] ?? 'project_id']);
    }
    if (forbidden) throw new JSONRPCErrorException(`Invalid params for ${name}: ${forbidden.path.join('.')}: ${forbidden.message}`, RpcCodes.INVALID_PARAMS, { code: 'INVALID', issues: [forbidden] });
    const checked = def.params.safeParse(filled);
    if (!checked.success) throw invalidParams(name, def.params, checked.error.issues, filled, principal.kind === 'operator' ? filledForOperator(def) : []);
    const params = checked.data as Record<string, unknown>;
    const authorized = access.authorize(name, def, params, principal, scope);
    if (principal.kind === 'instance') this.opts.onInstanceCall?.(principal.session_id);
    return { params, takes: authorized.takes };
  }

  private checkResult(name: string, def: MethodDef, result: unknown): void {
    const out = def.result.safeParse(result);
    if (!out.success) {
      this.opts.log.error('handler returned a result that breaks the contract', { method: name, issues: JSON.stringify(out.error.issues).slice(0, 2000) });
      throw new Error(`result of ${name} does not match its schema`);
    }
  }

  /**
   * A row in a transaction of its own, waiting like the call for a database locked by another process (given the call's
   * context; without one, a single try). A failure to write it is logged, never turned into another error for the caller.
   */
  private async auditAlone(scope: CallScope, outcome: string, waitWith: Call | null): Promise<void> {
    const write = async () => {
      this.opts.audit.writeAlone(scope, outcome);
    };
    try {
      await (waitWith ? this.untilWritable({ ...scope, audited: false }, waitWith, write) : write());
      scope.audited = true;
    } catch (error) {
      const locked = storeFault(error)?.cause === 'locked';
      this.opts.log[locked ? 'warn' : 'error']('writing an audit row failed', { method: scope.method, outcome, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private mapError(id: string | number | null, error: unknown, link: CallerLink): ErrorResponse {
    if (error instanceof BrainsError) {
      const e = error.toRpcError();
      return errorResponse(e.code, e.message, id, e.data);
    }
    if (error instanceof JSONRPCErrorException) return errorResponse(error.code, error.message, id, error.data);
    // The store failing (locked by another process, a full disk) is a fault of the machine, not a bug: say which.
    const fault = storeFault(error);
    if (fault) {
      this.opts.log.warn('a call could not use the database', { cause: fault.cause, error: error instanceof Error ? error.message : String(error) });
      link.log?.('warning', `the call could not use the database: ${fault.message}`, { cause: fault.cause });
      const e = new BrainsError('UNAVAILABLE', fault.message, { cause: fault.cause }).toRpcError();
      return errorResponse(e.code, e.message, id, e.data);
    }
    this.opts.log.error('method failed unexpectedly', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    link.log?.('error', 'the call failed unexpectedly (a bug in brains); the daemon log has the details', {});
    return errorResponse(RpcCodes.INTERNAL_ERROR, 'Internal error', id, { code: 'INTERNAL', hint: 'the daemon log has the details' });
  }
}

/** One call's context: who calls, where its notifications go, and the scope a handler continues with ctx.within. */
class Call implements CallContext {
  readonly principal: Principal;
  readonly subscriber: CallerLink;
  readonly signal: AbortSignal;
  scope: CallScope | undefined;
  private readonly own: Array<() => void> = [];

  constructor(
    private readonly link: CallerLink,
    private readonly after: Array<() => void>,
  ) {
    this.principal = link.principal;
    this.subscriber = link;
    this.signal = link.signal;
  }

  afterResponse(fn: () => void): void {
    this.after.push(fn);
    this.own.push(fn);
  }

  answerPromptly(): void {
    this.afterResponse(() => this.link.flush?.());
  }

  /** How many after-response actions this call queued: a mark to drop back to when a try of the call is abandoned. */
  get pendingAfter(): number {
    return this.own.length;
  }

  /** Forget this call's actions queued since the mark (the list is shared with the other calls of a batch). */
  dropAfter(mark: number): void {
    for (const fn of this.own.splice(mark)) this.after.splice(this.after.indexOf(fn), 1);
  }

  bind(principal: Principal): void {
    this.link.bind(principal);
  }

  within<T>(fn: () => T): T {
    return this.scope ? runInCall(this.scope, fn) : fn();
  }
}

function requiredActors(def: MethodDef): string[] {
  if (!(def.params instanceof z.ZodObject)) return [];
  const shape = def.params.shape as Record<string, z.ZodType>;
  return (def.actor ?? []).filter((field) => !field.includes('.') && shape[field] !== undefined && !shape[field].safeParse(undefined).success);
}

function outcomeOf(error: unknown): string {
  if (error instanceof BrainsError) return error.appCode;
  if (storeFault(error)) return 'UNAVAILABLE';
  if (error instanceof JSONRPCErrorException) return error.code === RpcCodes.INVALID_PARAMS ? 'INVALID_PARAMS' : String(error.code);
  return 'INTERNAL';
}
