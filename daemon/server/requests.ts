// The spec-exact edge of JSON-RPC 2.0: parse errors, invalid requests and batches, checked before the protocol library sees a message.
import { RpcCodes } from '../../rpc/errors.js';
import { decodeFrame } from '../../rpc/frame.js';

export interface RequestObject {
  jsonrpc: '2.0';
  method: string;
  params?: unknown[] | Record<string, unknown>;
  id?: string | number | null;
}

export type ErrorResponse = { jsonrpc: '2.0'; error: { code: number; message: string; data?: unknown }; id: string | number | null };

/** No error message is longer than this: one that quotes what a caller sent is cut, so it stays readable on every face. */
export const MAX_ERROR_MESSAGE = 400;

export function errorResponse(code: number, message: string, id: string | number | null = null, data?: unknown): ErrorResponse {
  const short = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
  return { jsonrpc: '2.0', error: data === undefined ? { code, message: short } : { code, message: short, data }, id };
}

export const parseError = () => errorResponse(RpcCodes.PARSE_ERROR, 'Parse error');
export const invalidRequest = () => errorResponse(RpcCodes.INVALID_REQUEST, 'Invalid Request');

export function isRequestObject(value: unknown): value is RequestObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.jsonrpc !== '2.0' || typeof v.method !== 'string') return false;
  if ('result' in v || 'error' in v) return false;
  if (v.params !== undefined && (typeof v.params !== 'object' || v.params === null)) return false;
  if (v.id !== undefined && v.id !== null && typeof v.id !== 'string' && typeof v.id !== 'number') return false;
  return true;
}

export type ParsedFrame =
  | { kind: 'error'; response: ErrorResponse }
  | { kind: 'single'; item: unknown }
  | { kind: 'batch'; items: unknown[] };

/** Classify one frame's bytes: a parse error, one message, or a non-empty batch (an empty one is an Invalid Request). */
export function parseFrame(bytes: Buffer): ParsedFrame {
  const text = decodeFrame(bytes);
  if (text === null) return { kind: 'error', response: parseError() };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'error', response: parseError() };
  }
  if (Array.isArray(message)) {
    if (message.length === 0) return { kind: 'error', response: invalidRequest() };
    return { kind: 'batch', items: message };
  }
  return { kind: 'single', item: message };
}
