// Gateway failures as the caller's own API words them: OpenAI-style or Anthropic-style error bodies with the right status.
export type ErrorKind = 'invalid_request' | 'authentication' | 'permission' | 'not_found' | 'too_large' | 'rate_limit' | 'upstream' | 'overloaded' | 'timeout' | 'internal';

export type ErrorStyle = 'openai' | 'anthropic';

const STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  too_large: 413,
  rate_limit: 429,
  upstream: 502,
  overloaded: 529,
  timeout: 504,
  internal: 500,
};

const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
  internal: 'api_error',
};

const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'upstream_error',
  overloaded: 'server_error',
  timeout: 'timeout_error',
  internal: 'server_error',
};

export interface GatewayErrorOptions {
  status?: number;
  param?: string;
  /** Sent as Retry-After (whole seconds): our own limits, an open breaker, or the provider's own. */
  retryAfterMs?: number | null;
  /** A provider's bad moment (a connect error, a timeout, 429, 5xx): worth another try, or the next provider of the tier. */
  transient?: boolean;
  /** The status the provider itself answered, when it answered. */
  upstreamStatus?: number | null;
  /** More headers for the answer (x-should-retry: false on a budget's 429). */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly status: number;
  readonly param: string | null;
  readonly retryAfterMs: number | null;
  readonly transient: boolean;
  readonly upstreamStatus: number | null;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    opts: GatewayErrorOptions = {},
  ) {
    super(message);
    this.status = opts.status ?? STATUS[kind];
    this.param = opts.param ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.transient = opts.transient ?? false;
    this.upstreamStatus = opts.upstreamStatus ?? null;
    this.extraHeaders = opts.headers ?? {};
  }

  /** Headers sent with its answer beside Retry-After (x-should-retry). */
  private readonly extraHeaders: Record<string, string>;

  /** The headers it is answered with: Retry-After, if any, and the extra ones. */
  headers(): Record<string, string> {
    if (this.retryAfterMs === null) return this.extraHeaders;
    return { 'Retry-After': String(Math.max(1, Math.ceil(this.retryAfterMs / 1000))), ...this.extraHeaders };
  }
}

/** A status worth trying again: the provider throttled us or failed on its side. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms, in ms; null when absent or unreadable. */
export function retryAfterFrom(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | null {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** An upstream's own status mapped to what the caller should see: its 4xx pass through, its 5xx become 502. */
export function kindForUpstreamStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limit';
  if (status === 529 || status === 503) return 'overloaded';
  return 'upstream';
}

export function errorBody(style: ErrorStyle, error: GatewayError): Record<string, unknown> {
  if (style === 'anthropic') return { type: 'error', error: { type: ANTHROPIC_TYPE[error.kind], message: error.message } };
  const code = error.kind === 'authentication' ? 'invalid_api_key' : error.kind === 'rate_limit' ? 'rate_limit_exceeded' : null;
  return { error: { message: error.message, type: OPENAI_TYPE[error.kind], param: error.param, code } };
}

/** Anything thrown while serving, as a GatewayError (a bug becomes a 500 whose message hides internals). */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'internal error in the brains gateway; the daemon log has the details');
}
