// Who a gateway request speaks for: the admin key, an agent's own token (the request is that agent's), or a named key; hashes compared in constant time.
import type { IncomingMessage } from 'node:http';
import { authenticate, bearerOf, type TokenLookup } from '../http/auth.js';
import { hashMatches, secretHash } from '../principals/credentials.js';
import type { GatewayRepo } from '../store/gateway.js';

export interface GatewayCaller {
  /** admin, token, or key:<name> — as recorded. */
  label: string;
  key_id: number | null;
  agent_name: string | null;
  project_id: string | null;
}

export type KeyCheck = { ok: true; caller: GatewayCaller } | { ok: false; reason: string };

/** The brains credential of a request: x-brains-key (so a pass-through caller keeps its own Authorization), else the bearer, else x-api-key. */
export function presentedKey(req: IncomingMessage): string | null {
  const brains = req.headers['x-brains-key'];
  if (typeof brains === 'string' && brains !== '') return brains.trim();
  const bearer = bearerOf(req.headers.authorization);
  if (bearer !== null) return bearer;
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey.trim() : null;
}

export const MISSING_KEY =
  'missing key: send your brains key as Authorization: Bearer <key> or x-api-key (the admin key in keys/admin.key, an agent token from mcp.token, or a key from gateway.key_create)';

export function checkKey(presented: string | null, adminKey: string, tokens: TokenLookup, keys: GatewayRepo, now = new Date().toISOString()): KeyCheck {
  if (presented === null) return { ok: false, reason: MISSING_KEY };
  const holder = authenticate(presented, adminKey, tokens);
  if (holder?.kind === 'admin') return { ok: true, caller: { label: 'admin', key_id: null, agent_name: null, project_id: null } };
  if (holder?.kind === 'token') return { ok: true, caller: { label: 'token', key_id: null, agent_name: holder.agent_name, project_id: holder.project_id } };
  const hash = secretHash(presented);
  const row = keys.keyByHash(hash);
  if (!row || !hashMatches(row.key_hash, hash)) return { ok: false, reason: 'invalid key: it is not the admin key, an agent token or a gateway key' };
  if (row.revoked_at !== null) return { ok: false, reason: `this gateway key (${row.name}) was revoked at ${row.revoked_at}; ask for a new one (gateway.key_create)` };
  if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: `this gateway key (${row.name}) expired at ${row.expires_at}; ask for a new one (gateway.key_create)` };
  return { ok: true, caller: { label: `key:${row.name}`, key_id: row.key_id, agent_name: row.agent_name, project_id: row.project_id } };
}
