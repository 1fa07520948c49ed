// The error vocabulary shared by the daemon and every client: JSON-RPC's reserved codes and our stable application codes.

export const RpcCodes = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

// Application errors live outside the reserved range (-32768..-32000); the string in error.data.code is the stable name.
export const AppCodes = {
  INVALID: 4000,
  PERMISSION_DENIED: 4003,
  NOT_FOUND: 4004,
  TIMEOUT: 4008,
  CONFLICT: 4009,
  CURSOR_EXPIRED: 4010,
  LIMIT_EXCEEDED: 4013,
  UNAVAILABLE: 5003,
} as const;

export type AppCode = keyof typeof AppCodes;

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** Thrown by handlers (daemon) and raised by clients when a call fails: carries the stable string code. */
export class BrainsError extends Error {
  readonly appCode: AppCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(appCode: AppCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BrainsError';
    this.appCode = appCode;
    this.details = details;
  }

  toRpcError(): RpcErrorObject {
    return { code: AppCodes[this.appCode], message: this.message, data: { code: this.appCode, ...this.details } };
  }
}

/** What a client sees when the daemon answered a call with an error object. */
export class RpcCallError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(error: RpcErrorObject) {
    super(error.message);
    this.name = 'RpcCallError';
    this.code = error.code;
    this.data = error.data;
  }

  /** The stable string code (NOT_FOUND, INVALID, ...) when the daemon gave one. */
  get appCode(): string | undefined {
    const data = this.data as { code?: unknown } | undefined;
    return typeof data?.code === 'string' ? data.code : undefined;
  }

  toJSON(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}
