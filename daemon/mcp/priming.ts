// Whether an SSE response opens with a priming event (an id and `retry`, SEP-1699) follows the protocol version the
// session negotiated, not the version header of each request: a 2025-11-25 client that sends an older header resumes too.
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/** The first protocol version whose clients read an event with empty data (the priming event). */
export const PRIMING_SINCE = '2025-11-25';

/** The version an initialize request settles on, as the SDK's server answers it: the client's when supported, else the latest. */
export function negotiatedVersion(initialize: unknown): string {
  const asked = (initialize as { params?: { protocolVersion?: unknown } } | null)?.params?.protocolVersion;
  return typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
}

type PrimingWriter = (controller: unknown, encoder: unknown, streamId: string, protocolVersion: string) => Promise<void>;

/**
 * The SDK primes a stream when the request's MCP-Protocol-Version header (or the default 2025-03-26 without one) is at
 * least PRIMING_SINCE. Here a session that negotiated such a version is primed whatever a later request's header says;
 * an older session keeps the SDK's rule. (The SDK keeps this decision private: if it moves, streams prime as the SDK does.)
 */
export function primeByNegotiatedVersion(transport: StreamableHTTPServerTransport, negotiated: string): void {
  if (negotiated < PRIMING_SINCE) return;
  const inner = (transport as unknown as { _webStandardTransport?: { writePrimingEvent?: PrimingWriter } })._webStandardTransport;
  const write = inner?.writePrimingEvent;
  if (!inner || typeof write !== 'function') return;
  inner.writePrimingEvent = (controller, encoder, streamId, version) => write.call(inner, controller, encoder, streamId, version < negotiated ? negotiated : version);
}
