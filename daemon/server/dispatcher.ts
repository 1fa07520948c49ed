// Routes each request to its handler through json-rpc-2.0: params checked against the contract first, errors mapped to stable codes.
import { JSONRPCErrorException, JSONRPCServer, type JSONRPCResponse } from 'json-rpc-2.0';
import type { MethodDef } from '../../rpc/contract/define.js';
import { BrainsError, RpcCodes } from '../../rpc/errors.js';
import { errorResponse, invalidRequest, isRequestObject, parseFrame, type ErrorResponse } from './requests.js';
import type { Connection } from './connection.js';
import type { Logger } from '../log.js';
import type { CallContext, Handler } from '../planes/shared/call.js';

type Response = JSONRPCResponse | ErrorResponse;

export interface DispatcherOptions {
  log: Logger;
  /** Check every result against its schema (on in tests; a mismatch is a bug and answers -32603). */
  checkResults: boolean;
  /** Told of every finished call to a method that mutates, with its outcome (`ok` or the error's code). */
  onMutatingCall?: (method: string, params: unknown, outcome: string) => void;
}

export class Dispatcher {
  private readonly server: JSONRPCServer<CallContext>;
  private inFlight = 0;
  private refusing = false;

  constructor(
    table: Record<string, MethodDef>,
    handlers: Record<string, Handler<any, any>>,
    private readonly opts: DispatcherOptions,
  ) {
    this.server = new JSONRPCServer<CallContext>({ errorListener: () => {} });
    this.server.mapErrorToJSONRPCErrorResponse = (id, error) => this.mapError(id, error);
    for (const [name, def] of Object.entries(table)) {
      const handler = handlers[name];
      if (!handler) throw new Error(`contract method ${name} has no handler`);
      this.server.addMethod(name, (params, ctx) => this.invoke(name, def, handler, params, ctx));
    }
  }

  /** Answer one frame: a response object, an array for a batch, or null when nothing is to be sent. */
  async handleFrame(bytes: Buffer, connection: Connection): Promise<{ response: Response | Response[] | null; after: Array<() => void> }> {
    const after: Array<() => void> = [];
    const parsed = parseFrame(bytes);
    if (parsed.kind === 'error') return { response: parsed.response, after };
    const ctx: CallContext = {
      subscriber: connection,
      signal: connection.signal,
      afterResponse: (fn) => after.push(fn),
    };
    if (parsed.kind === 'single') return { response: await this.handleOne(parsed.item, ctx, connection), after };
    const responses = await Promise.all(parsed.items.map((item) => this.handleOne(item, ctx, connection)));
    const sent = responses.filter((r): r is Response => r !== null);
    return { response: sent.length > 0 ? sent : null, after };
  }

  /** Stop taking new calls: each gets UNAVAILABLE. Calls already running finish. */
  refuseNewCalls(): void {
    this.refusing = true;
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  private async handleOne(item: unknown, ctx: CallContext, connection: Connection): Promise<Response | null> {
    if (!isRequestObject(item)) return invalidRequest();
    this.inFlight += 1;
    connection.callStarted();
    try {
      return (await this.server.receive(item as Parameters<JSONRPCServer['receive']>[0], ctx)) as Response | null;
    } finally {
      connection.callFinished();
      this.inFlight -= 1;
    }
  }

  private async invoke(name: string, def: MethodDef, handler: Handler<unknown, unknown>, params: unknown, ctx: CallContext): Promise<unknown> {
    if (!def.mutates || !this.opts.onMutatingCall) return this.run(name, def, handler, params, ctx);
    try {
      const result = await this.run(name, def, handler, params, ctx);
      this.opts.onMutatingCall(name, params, 'ok');
      return result;
    } catch (error) {
      this.opts.onMutatingCall(name, params, outcomeOf(error));
      throw error;
    }
  }

  private async run(name: string, def: MethodDef, handler: Handler<unknown, unknown>, params: unknown, ctx: CallContext): Promise<unknown> {
    if (this.refusing) throw new BrainsError('UNAVAILABLE', 'the daemon is shutting down; call again once it has restarted');
    const checked = def.params.safeParse(params === undefined ? {} : params);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message }));
      const summary = issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`).join('; ');
      throw new JSONRPCErrorException(`Invalid params for ${name}: ${summary}`, RpcCodes.INVALID_PARAMS, { code: 'INVALID', issues });
    }
    const result = await handler(checked.data, ctx);
    if (this.opts.checkResults) {
      const out = def.result.safeParse(result);
      if (!out.success) {
        this.opts.log.error('handler returned a result that breaks the contract', { method: name, issues: out.error.issues.length });
        throw new Error(`result of ${name} does not match its schema`);
      }
    }
    return result;
  }

  private mapError(id: string | number | null, error: unknown): ErrorResponse {
    if (error instanceof BrainsError) {
      const e = error.toRpcError();
      return errorResponse(e.code, e.message, id, e.data);
    }
    if (error instanceof JSONRPCErrorException) return errorResponse(error.code, error.message, id, error.data);
    this.opts.log.error('method failed unexpectedly', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return errorResponse(RpcCodes.INTERNAL_ERROR, 'Internal error', id, { code: 'INTERNAL', hint: 'the daemon log has the details' });
  }
}

function outcomeOf(error: unknown): string {
  if (error instanceof BrainsError) return error.appCode;
  if (error instanceof JSONRPCErrorException) return error.code === RpcCodes.INVALID_PARAMS ? 'INVALID_PARAMS' : String(error.code);
  return 'INTERNAL';
}
