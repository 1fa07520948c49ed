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

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly status: number;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    opts: { status?: number; param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = opts.status ?? STATUS[kind];
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }

  readonly param: string | null;
  /** Sent with the error's answer (retry-after, x-should-retry). */
  readonly headers: Record<string, string>;
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
  return { error: { message: error.message, type: OPENAI_TYPE[error.kind], param: error.param, code: error.kind === 'authentication' ? 'invalid_api_key' : null } };
}

/** Anything thrown while serving, as a GatewayError (a bug becomes a 500 whose message hides internals). */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'internal error in the brains gateway; the daemon log has the details');
}
