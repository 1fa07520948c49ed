// The gateway plane: named keys (hashed), gateway.json read and replaced, routing shown without a model call, breakers and limits, and the record of the requests the gateway carried.
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { gatewayMethods, type GatewayRequestRecord } from '../../../rpc/contract/gateway.js';
import { checkGatewayConfig, parseGatewayConfig } from '../../../rpc/gateway-config.js';
import { sinceTime } from '../../../rpc/usage-time.js';
import { BrainsError } from '../../../rpc/errors.js';
import { secretHash } from '../../principals/credentials.js';
import type { GatewayKeyRow } from '../../store/gateway.js';
import type { HandlersFor } from '../shared/call.js';
import type { GatewayControl, PlaneDeps } from '../shared/deps.js';
import { requireProject } from '../shared/guards.js';

/** A named gateway key: what gateway.key_create hands out, once. */
export function newGatewayKey(): string {
  return `brains_g_${randomBytes(32).toString('hex')}`;
}

function keyState(row: GatewayKeyRow, now: string): 'active' | 'expired' | 'revoked' {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

/** The gateway service (built before any call; its absence is a daemon still starting). */
function gatewayOf(deps: PlaneDeps): GatewayControl {
  if (!deps.gateway) throw new BrainsError('UNAVAILABLE', 'the gateway is not built yet: the daemon is starting; try again');
  return deps.gateway;
}

export function gatewayHandlers(deps: PlaneDeps): HandlersFor<typeof gatewayMethods> {
  const path = deps.paths.gatewayConfig;

  /** The file as it is now: its config, or its problems and what the gateway still uses. */
  const readConfig = (): { config: Record<string, unknown>; problems: string[] } => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, problems: [] };
      return { config: deps.gateway?.config() ?? {}, problems: [`gateway.json cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
    }
    const parsed = parseGatewayConfig(text);
    return parsed.ok ? { config: parsed.config, problems: [] } : { config: deps.gateway?.config() ?? {}, problems: parsed.problems };
  };

  return {
    'gateway.key_create': ({ name, agent_name, project_id, expires_at }) => {
      if (agent_name !== undefined && project_id === undefined) throw new BrainsError('INVALID', 'agent_name needs project_id: an agent is named within its project');
      const expires = expires_at === undefined ? null : new Date(expires_at).toISOString();
      if (expires !== null && expires <= new Date().toISOString()) throw new BrainsError('INVALID', `expires_at is in the past (${expires}); give a time to come`);
      const key = newGatewayKey();
      const created_at = new Date().toISOString();
      const key_id = deps.mutate((emit) => {
        if (project_id !== undefined) requireProject(deps.store, project_id);
        const id = deps.store.gateway.insertKey({ key_hash: secretHash(key), name, agent_name: agent_name ?? null, project_id: project_id ?? null, created_at, expires_at: expires });
        emit('gateway.key_created', name, { key_id: id, agent_name: agent_name ?? null, project_id: project_id ?? null, expires_at: expires });
        return id;
      });
      return { key, key_id, name, expires_at: expires };
    },
    'gateway.key_list': ({ name }) => {
      const now = new Date().toISOString();
      return {
        keys: deps.store.gateway.listKeys(name).map((row) => ({
          key_id: row.key_id,
          name: row.name,
          agent_name: row.agent_name,
          project_id: row.project_id,
          created_at: row.created_at,
          expires_at: row.expires_at,
          revoked_at: row.revoked_at,
          state: keyState(row, now),
          last_used_at: row.last_used_at,
        })),
      };
    },
    'gateway.key_revoke': ({ key_id, name }) => {
      if ((key_id === undefined) === (name === undefined)) throw new BrainsError('INVALID', 'pass key_id (one key) or name (every key of that name), not both or neither; gateway.key_list shows them');
      const by = key_id !== undefined ? { key_id } : { name: name! };
      const revoked = deps.mutate((emit) => {
        const rows = deps.store.gateway.revoke(by, new Date().toISOString());
        if (rows.length === 0) {
          const known = key_id !== undefined ? deps.store.gateway.keyExists(key_id) : deps.store.gateway.listKeys(name).length > 0;
          if (known) return [];
          const what = key_id !== undefined ? `key_id ${key_id}` : `name ${JSON.stringify(name)}`;
          throw new BrainsError('NOT_FOUND', `no gateway key with ${what}; gateway.key_list shows them`);
        }
        for (const row of rows) emit('gateway.key_revoked', row.name, { key_id: row.key_id });
        return rows.map((row) => row.key_id);
      });
      return { revoked };
    },
    'gateway.config_get': () => ({ path, ...readConfig() }),
    'gateway.config_set': ({ config }) => {
      const checked = checkGatewayConfig(config);
      if (!checked.ok) throw new BrainsError('INVALID', `gateway config refused: ${checked.problems.join('; ')}`, { problems: checked.problems });
      deps.mutate((emit) => {
        const temp = `${path}.${process.pid}.tmp`;
        try {
          writeFileSync(temp, `${JSON.stringify(checked.config, null, 2)}\n`, { mode: 0o600 });
          chmodSync(temp, 0o600);
          renameSync(temp, path);
        } catch (error) {
          rmSync(temp, { force: true });
          throw error;
        }
        emit('gateway.config_changed', path, { providers: Object.keys(checked.config.providers ?? {}), models: Object.keys(checked.config.models ?? {}) });
      });
      deps.gateway?.reload();
      return { path, config: checked.config };
    },
    'gateway.classify': ({ text }) => gatewayOf(deps).classify(text),
    'gateway.route': ({ model, text }) => gatewayOf(deps).route(model, text ?? ''),
    'gateway.status': () => {
      const gateway = gatewayOf(deps);
      return { gateway: gateway.status(), breakers: gateway.breakers(), limits: gateway.limits() };
    },
    'gateway.requests': ({ since, agent_name, limit }) => {
      deps.gateway?.flushRecords();
      const requests = deps.store.gateway.listRequests({ since: since === undefined ? undefined : new Date(since).toISOString(), agent_name, limit });
      // The store keeps endpoint and route_class as text; only the gateway writes them, from the contract's own values.
      return { requests: requests as GatewayRequestRecord[] };
    },
    'gateway.usage': ({ by, since, until, agent_name, project_id, limit }) => {
      deps.gateway?.flushRecords();
      const from = since === undefined ? null : sinceTime(since);
      const to = until === undefined ? null : new Date(until).toISOString();
      if (from !== null && to !== null && to <= from) throw new BrainsError('INVALID', `until (${to}) is not after since (${from}); give a later until or an earlier since`);
      const filter = { since: from ?? undefined, until: to ?? undefined, agent_name, project_id };
      const rows = deps.store.gatewayUsage.usage(by, filter, limit);
      return { by, since: from, until: to, rows: rows.slice(0, limit), truncated: rows.length > limit, totals: deps.store.gatewayUsage.totals(filter) };
    },
  };
}
