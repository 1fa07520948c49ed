// The system plane: liveness, facts about the running daemon, and discovery of the contract.
import { BrainsError } from '../../../rpc/errors.js';
import { systemMethods } from '../../../rpc/contract/system.js';
import { describeContract, describeMethod } from '../../../rpc/contract/json-schema.js';
import type { HandlersFor } from '../shared/call.js';
import { matchesTypes } from '../../../rpc/event-types.js';
import type { PlaneDeps } from '../shared/deps.js';
import { PROTOCOL_VERSION } from '../../../rpc/protocol.js';

export function systemHandlers(deps: PlaneDeps): HandlersFor<typeof systemMethods> {
  let discovery: ReturnType<typeof describeContract> | null = null;
  return {
    'system.ping': () => ({ pong: true, time: new Date().toISOString() }),
    'system.info': () => {
      const size = deps.store.sizeBytes();
      const mcpHttp = deps.mcpHttp?.() ?? { state: 'disabled' as const, url: null, port: null, reason: 'this daemon serves no MCP HTTP', sessions: 0 };
      const gateway = deps.gateway?.status() ?? { state: 'disabled' as const, url: null, port: null, reason: 'this daemon serves no gateway', config_problem: null };
      return {
        version: deps.version,
        protocol_version: PROTOCOL_VERSION,
        schema_version: deps.store.schemaVersion(),
        pid: process.pid,
        node_version: process.versions.node,
        started_at: deps.startedAt.toISOString(),
        uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 100) / 10,
        state_dir: deps.paths.home,
        socket: deps.paths.socket,
        mcp_url: mcpHttp.url,
        mcp_http: mcpHttp,
        gateway_url: gateway.url,
        gateway,
        db_path: deps.paths.db,
        db_bytes: size.db + size.wal,
        event_seq: deps.store.events.head(),
        counts: { events: deps.store.events.count(), ...deps.liveCounts() },
        memory: memoryFigures(),
        event_loop: deps.eventLoop?.() ?? { worst_ms_last_10s: 0, worst_ms_last_minute: 0, worst_ms_since_start: 0 },
      };
    },
    'system.methods': ({ method }) => {
      discovery ??= describeContract();
      if (method === undefined) return discovery;
      const one = describeMethod(method);
      if (!one) throw new BrainsError('NOT_FOUND', `no method named ${method}; call system.methods without params to list them all`);
      return { methods: [one], notifications: [], events: discovery.events.filter((e) => one.emits.some((pattern) => matchesTypes(e.type, [pattern]) || e.type === pattern)) };
    },
  };
}

function memoryFigures() {
  const m = process.memoryUsage();
  return { rss_bytes: m.rss, heap_used_bytes: m.heapUsed, heap_total_bytes: m.heapTotal, external_bytes: m.external };
}
