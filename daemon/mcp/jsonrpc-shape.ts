// The messages an MCP client sends on every call, recognised by hand: the SDK's schema parse of each line costs more than the call's own work.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * A request or notification as the SDK's JSONRPCMessageSchema would return it (same keys, same order), when `value`
 * is one with nothing unusual in it: no _meta, no unexpected key, an id that is a string or a safe integer. Anything
 * else is undefined, for the schema to parse (or refuse with its own error).
 */
export function ordinaryMessage(value: unknown): JSONRPCMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  for (const key in message) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return undefined;
  }
  const { id, method, params } = message;
  if (message.jsonrpc !== '2.0' || typeof method !== 'string') return undefined;
  if (params !== undefined && !plainParams(params)) return undefined;
  if (id === undefined) return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
  if (!(typeof id === 'string' || (Number.isSafeInteger(id) && !Object.is(id, -0)))) return undefined;
  return (params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params }) as JSONRPCMessage;
}

function plainParams(params: unknown): params is Record<string, unknown> {
  return typeof params === 'object' && params !== null && !Array.isArray(params) && !Object.hasOwn(params, '_meta') && !Object.hasOwn(params, '__proto__');
}
