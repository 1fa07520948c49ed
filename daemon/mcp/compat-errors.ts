// Tool errors as Brainstorm writes them: a JSON body {error, code, details}, where code is Brainstorm's name for the
// failure (PROJECT_EXISTS, ETAG_MISMATCH, ...) and brains_code beside it is the daemon's own stable code.

/** Brainstorm's name for a failure the daemon did not name itself (its details carry brainstorm_code when it did). */
const BY_BRAINS_CODE: Record<string, string> = {
  INVALID: 'VALIDATION_ERROR',
  INVALID_PARAMS: 'VALIDATION_ERROR',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  LIMIT_EXCEEDED: 'PAYLOAD_TOO_LARGE',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_ERROR',
};

export interface ErrorBody {
  /** What went wrong and what to do, in tool names. */
  error: string;
  /** Brainstorm's code for it. */
  code: string;
  /** The daemon's stable code (NOT_FOUND, CONFLICT, PERMISSION_DENIED, INVALID, LIMIT_EXCEEDED, TIMEOUT, UNAVAILABLE, ...). */
  brains_code: string;
  details: Record<string, unknown>;
}

/** The body for a failure with brains' code, its message, and the daemon's details (which may name a Brainstorm code). */
export function errorBody(brainsCode: string, message: string, data?: unknown): ErrorBody {
  const { code: _code, brainstorm_code: named, ...details } = (data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  let code = typeof named === 'string' ? named : (BY_BRAINS_CODE[brainsCode] ?? brainsCode);
  // A missing resource is Brainstorm's RESOURCE_NOT_FOUND; a missing project or member says so itself.
  if (code === 'NOT_FOUND' && typeof details.resource_id === 'string') code = 'RESOURCE_NOT_FOUND';
  return { error: message, code, brains_code: brainsCode, details };
}

/** The text of a tool error: the body as one line of JSON. */
export function errorText(body: ErrorBody): string {
  return JSON.stringify(body);
}

/** Read back a tool error's body (for the SDK's own error path, which hands us only text). */
export function parseErrorBody(text: string): ErrorBody | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ErrorBody>;
    return typeof value.error === 'string' && typeof value.code === 'string' && typeof value.brains_code === 'string' ? (value as ErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
