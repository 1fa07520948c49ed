// JSON-RPC over one JSON object per line, both ways, as `codex app-server` (without the jsonrpc member) and ACP agents
// (with it) speak it: our requests and their answers, their requests to us, their notifications. Nothing here throws.
import { isRecord } from './tool-summary.js';

export type RpcId = number | string;

export interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface LineRpcOptions {
  /** Writes one line to the peer; false when it is gone. */
  write(line: string): boolean;
  /** Whether our messages carry jsonrpc: "2.0" (ACP) or not (codex app-server). */
  jsonrpc: boolean;
  onRequest(id: RpcId, method: string, params: unknown): void;
  onNotification(method: string, params: unknown): void;
}

export class LineRpc {
  private nextId = 1;
  private readonly waiting = new Map<RpcId, (answer: RpcAnswer | null) => void>();

  constructor(private readonly options: LineRpcOptions) {}

  /** Sends a request; resolves with its answer, or null when the peer is gone or `ms` passed first. */
  request(method: string, params: unknown, ms: number): Promise<RpcAnswer | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), ms);
      timer.unref();
      const settle = (answer: RpcAnswer | null): void => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      this.waiting.set(id, settle);
      if (!this.send({ id, method, ...(params === undefined ? {} : { params }) })) settle(null);
    });
  }

  notify(method: string, params?: unknown): boolean {
    return this.send({ method, ...(params === undefined ? {} : { params }) });
  }

  respond(id: RpcId, result: unknown): boolean {
    return this.send({ id, result });
  }

  respondError(id: RpcId, code: number, message: string): boolean {
    return this.send({ id, error: { code, message } });
  }

  /** One line from the peer; returns why it was ignored, or null. */
  receive(line: string): string | null {
    const trimmed = line.trim();
    if (trimmed === '') return null;
    let message: unknown;
    try {
      message = JSON.parse(trimmed);
    } catch {
      return `not JSON: ${trimmed.slice(0, 200)}`;
    }
    if (!isRecord(message)) return `not a JSON object: ${trimmed.slice(0, 200)}`;
    const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
    if (typeof message.method === 'string') {
      if (id === null) this.options.onNotification(message.method, message.params);
      else this.options.onRequest(id, message.method, message.params);
      return null;
    }
    if (id === null) return `neither a request nor an answer: ${trimmed.slice(0, 200)}`;
    const settle = this.waiting.get(id);
    if (!settle) return `an answer to no request of ours (id ${id})`;
    const error = isRecord(message.error) ? { code: Number(message.error.code), message: String(message.error.message ?? 'error'), data: message.error.data } : undefined;
    settle(error ? { error } : { result: message.result });
    return null;
  }

  /** The peer is gone: every request still waiting gets null. */
  close(): void {
    for (const settle of [...this.waiting.values()]) settle(null);
  }

  private send(message: Record<string, unknown>): boolean {
    return this.options.write(JSON.stringify(this.options.jsonrpc ? { jsonrpc: '2.0', ...message } : message));
  }
}
