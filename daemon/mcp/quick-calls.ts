// brains mcp answers its everyday tool calls itself, beside the SDK's server, whose schema parses cost more than the call.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CancelledNotificationSchema, RELATED_TASK_META_KEY, type CallToolResult, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { toolCall, type CallExtra, type ToolCall } from './run-tool.js';
import { toolError } from './results.js';
import type { ToolSpec } from './tools.js';

export interface QuickTools {
  specs: readonly ToolSpec[];
  run(call: ToolCall, extra?: CallExtra): Promise<CallToolResult>;
}

interface InFlight {
  cancelled: boolean;
  /** A call that parks in the daemon: aborting it hangs up its connection there, which releases the wait. */
  abort?: AbortController;
}

/**
 * A transport for the SDK's server that takes, from the one it wraps, the tools/call requests of contract tools whose
 * arguments the tool accepts (no task; a wait only when no progress was asked for) and answers them as the SDK would,
 * byte for byte; every other message goes on to the server, which also sees every cancellation. Messages arrive
 * checked by the inner transport (a _meta is one the SDK accepts), and a quick call never sends progress, so its _meta
 * changes nothing. A cancelled or orphaned wait is aborted, as the SDK aborts its handler's signal.
 * The SDK's own path checks each message with half a dozen schema parses and makes an AbortController per request.
 */
export class QuickCallTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  private readonly specs: ReadonlyMap<string, ToolSpec>;
  private readonly inFlight = new Map<RequestId, InFlight>();

  constructor(
    private readonly inner: Transport,
    private readonly tools: QuickTools,
  ) {
    this.specs = new Map(tools.specs.map((spec) => [spec.tool, spec]));
  }

  start(): Promise<void> {
    this.inner.onmessage = (message, extra) => {
      if (!this.answer(message)) this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => {
      for (const call of this.inFlight.values()) cancelled(call);
      this.onclose?.();
    };
    return this.inner.start();
  }

  send(...args: Parameters<Transport['send']>): Promise<void> {
    return this.inner.send(...args);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** True when the message was a quick call, now under way. */
  private answer(message: JSONRPCMessage): boolean {
    if (!('method' in message)) return false;
    if (!('id' in message)) {
      if (message.method === 'notifications/cancelled') this.cancel(message);
      return false;
    }
    if (message.method !== 'tools/call') return false;
    const call = this.quickCall(message.params);
    if (!call) return false;
    void this.respond(message.id, call);
    return true;
  }

  private async respond(id: RequestId, call: ToolCall): Promise<void> {
    const state: InFlight = call.waits ? { cancelled: false, abort: new AbortController() } : { cancelled: false };
    this.inFlight.set(id, state);
    let result: CallToolResult;
    try {
      result = await this.tools.run(call, state.abort && { signal: state.abort.signal });
    } catch (error) {
      result = toolError(error);
    }
    try {
      if (!state.cancelled) await this.inner.send({ result, jsonrpc: '2.0', id });
    } catch (error) {
      this.onerror?.(new Error(`Failed to send response: ${error}`));
    } finally {
      if (this.inFlight.get(id) === state) this.inFlight.delete(id);
    }
  }

  private quickCall(params: unknown): ToolCall | undefined {
    if (typeof params !== 'object' || params === null) return undefined;
    for (const key in params) if (key !== 'name' && key !== 'arguments' && key !== '_meta') return undefined;
    const { name, arguments: args, _meta: meta } = params as { name?: unknown; arguments?: unknown; _meta?: unknown };
    if (meta !== undefined && !(plainObject(meta) && !Object.hasOwn(meta, RELATED_TASK_META_KEY))) return undefined;
    const spec = typeof name === 'string' ? this.specs.get(name) : undefined;
    if (!spec || !(args === undefined || plainObject(args))) return undefined;
    const checked = spec.input.safeParse(args ?? {});
    if (!checked.success) return undefined;
    const call = toolCall(spec, checked.data as Record<string, unknown>);
    // A wait that asked for progress notifications goes to the SDK's server, which sends them.
    return call.waits && meta !== undefined && Object.hasOwn(meta, 'progressToken') ? undefined : call;
  }

  private cancel(message: JSONRPCMessage): void {
    const parsed = CancelledNotificationSchema.safeParse(message);
    if (!parsed.success || !parsed.data.params.requestId) return;
    const call = this.inFlight.get(parsed.data.params.requestId);
    if (call) cancelled(call);
  }
}

function cancelled(call: InFlight): void {
  call.cancelled = true;
  call.abort?.abort();
}

function plainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, '__proto__');
}
