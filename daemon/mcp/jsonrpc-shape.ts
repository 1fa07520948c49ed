// The messages an MCP client sends on every call, recognised by hand: the SDK's schema parse of each line costs more than the call's own work.
import { RELATED_TASK_META_KEY, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

type Json = Record<string, unknown>;

/**
 * A request or notification as the SDK's JSONRPCMessageSchema would return it (same keys, same order), when `value`
 * is one with nothing unusual in it: no unexpected key, an id that is a string or a safe integer, a _meta with at
 * most a progress token of the same kind. Anything else is undefined, for the schema to parse (or refuse).
 */
export function ordinaryMessage(value: unknown): JSONRPCMessage | undefined {
  if (!plainObject(value)) return undefined;
  for (const key in value) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return undefined;
  }
  const { id, method } = value;
  if (value.jsonrpc !== '2.0' || typeof method !== 'string') return undefined;
  const params = value.params === undefined ? undefined : ordinaryParams(value.params);
  if (params === undefined && value.params !== undefined) return undefined;
  if (id === undefined) return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
  if (!(typeof id === 'string' || safeInteger(id))) return undefined;
  return (params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params }) as JSONRPCMessage;
}

/** Params as the schema gives them back: the same object, or with a _meta first and its progress token first in it. */
function ordinaryParams(params: unknown): Json | undefined {
  if (!plainObject(params)) return undefined;
  if (!Object.hasOwn(params, '_meta')) return params;
  const meta = params._meta;
  if (!plainObject(meta) || Object.hasOwn(meta, RELATED_TASK_META_KEY)) return undefined;
  const token = meta.progressToken;
  if (token !== undefined && !(typeof token === 'string' || safeInteger(token))) return undefined;
  const out: Json = { _meta: token === undefined ? { ...meta } : { progressToken: token, ...meta } };
  for (const key in params) if (key !== '_meta') out[key] = params[key];
  return out;
}

function plainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, '__proto__');
}

function safeInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && !Object.is(value, -0);
}
