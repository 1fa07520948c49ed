// Contract of the system plane: liveness, facts about the running daemon, and discovery of every method.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { seq } from './common.js';

const methodDescription = z.object({
  name: z.string(),
  summary: z.string(),
  description: z.string().optional(),
  params_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the params object.'),
  result_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the result.'),
  emits: z.array(z.string()),
  mcp_tool: z.string().optional(),
});

const notificationDescription = z.object({
  name: z.string(),
  summary: z.string(),
  params_schema: z.record(z.string(), z.unknown()),
});

const eventDescription = z.object({
  type: z.string().describe('The event type (user.* stands for the open family of your own markers).'),
  summary: z.string(),
  subject: z.string().describe('What the event subject holds.'),
  delivery: z.enum(['log', 'live']).describe('log: kept and replayable by seq; live: delivered to subscribers only.'),
  data_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the event data.'),
});

export const MCP_HTTP_STATES = ['on', 'disabled', 'port_taken', 'stopped'] as const;

const mcpHttp = z.object({
  state: z
    .enum(MCP_HTTP_STATES)
    .describe('on: listening; disabled: turned off (--mcp-port off); port_taken: the default port was in use at start; stopped: the daemon is starting or stopping.'),
  url: z.string().nullable().describe('Where it listens (http://127.0.0.1:<port>/mcp); null when it does not.'),
  port: z.number().int().nullable().describe('The port it listens on, or the one it could not take; null when disabled.'),
  reason: z.string().nullable().describe('Why it is off and what to do about it; null when on.'),
  sessions: z.number().int().describe('MCP HTTP sessions open now.'),
});
export type McpHttpStatus = z.output<typeof mcpHttp>;

export const GATEWAY_STATES = ['on', 'disabled', 'port_taken', 'stopped'] as const;

const gateway = z.object({
  state: z
    .enum(GATEWAY_STATES)
    .describe('on: listening; disabled: turned off (--gateway-port off); port_taken: the default port was in use at start; stopped: the daemon is starting or stopping.'),
  url: z.string().nullable().describe('Its base URL (http://127.0.0.1:<port>; OpenAI clients add /v1); null when it does not listen.'),
  port: z.number().int().nullable().describe('The port it listens on, or the one it could not take; null when disabled.'),
  reason: z.string().nullable().describe('Why it is off and what to do about it; null when on.'),
  config_problem: z.string().nullable().describe('Why gateway.json was refused (the last good one, or the defaults, is in use); null when it is fine.'),
});
export type GatewayStatus = z.output<typeof gateway>;
/** The same shape, for gateway.status to reuse. */
export const gatewayStatusSchema = gateway;

export const systemMethods = defineMethods({
  'system.ping': {
    summary: 'Check that the daemon answers.',
    params: z.object({}).strict(),
    result: z.object({ pong: z.literal(true), time: z.string() }),
    emits: [],
  },
  'system.info': {
    summary: 'Version, schema version, pid, uptime, state paths, the MCP HTTP endpoint and the model gateway (or why they are off), database size and counts.',
    params: z.object({}).strict(),
    result: z.object({
      version: z.string(),
      protocol_version: z
        .number()
        .int()
        .describe('The socket protocol this daemon speaks (rpc/protocol.ts); a face with another number should have the daemon restarted.'),
      schema_version: z.number().int(),
      pid: z.number().int(),
      node_version: z.string(),
      started_at: z.string(),
      uptime_seconds: z.number(),
      state_dir: z.string(),
      socket: z.string(),
      mcp_url: z.string().nullable().describe('The MCP Streamable HTTP endpoint (http://127.0.0.1:<port>/mcp), or null when it is off.'),
      mcp_http: mcpHttp.describe('The MCP Streamable HTTP endpoint: whether it listens, where, or why not.'),
      gateway_url: z.string().nullable().describe('The model gateway (OpenAI and Anthropic HTTP), http://127.0.0.1:<port>, or null when it is off.'),
      gateway: gateway.describe('The model gateway: whether it listens, where, or why not.'),
      db_path: z.string(),
      db_bytes: z.number().int().describe('Database file plus its write-ahead log, in bytes.'),
      event_seq: seq.describe('Newest event in the log (0 when empty).'),
      counts: z.record(z.string(), z.number().int()),
      memory: z
        .object({ rss_bytes: z.number().int(), heap_used_bytes: z.number().int(), heap_total_bytes: z.number().int(), external_bytes: z.number().int() })
        .describe("The daemon process's memory, from the runtime."),
      event_loop: z
        .object({ worst_ms_last_10s: z.number(), worst_ms_last_minute: z.number(), worst_ms_since_start: z.number() })
        .describe('The longest the event loop was kept from answering, in ms (measured to within 10 ms): a figure far above that means something blocked the whole daemon.'),
    }),
    emits: [],
  },
  'system.methods': {
    summary: 'Every method, notification and event type of the contract, with JSON Schemas for params, results and event data.',
    description: 'Discovery for any client: pass `method` to describe one method only (then events lists the types it emits).',
    params: z.object({ method: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ methods: z.array(methodDescription), notifications: z.array(notificationDescription), events: z.array(eventDescription) }),
    emits: [],
  },
});
