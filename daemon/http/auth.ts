// Who an HTTP request speaks for: the admin key (the operator), a wired tool's key, or a per-agent token, checked in
// constant time. Every HTTP face (MCP now, the gateway next) authenticates here and gets the same principals as the socket.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashMatches, sameSecret, secretHash } from '../principals/credentials.js';
import { adminSessionPrincipal, clientPrincipal, tokenPrincipal, type Principal } from '../principals/principal.js';

/** Who a key speaks for, before a session is opened with it: each MCP HTTP session gets its own principal from this. */
export type KeyHolder = { kind: 'admin' } | { kind: 'client'; client: string } | { kind: 'token'; project_id: string; agent_name: string; token_hash: string };

/** What the HTTP layer needs to look a token up; the store's repo satisfies it. */
export interface TokenLookup {
  byHash(tokenHash: string): { project_id: string; agent_name: string; token_hash: string } | null;
}

/** The admin key: 32 random bytes as hex in keys/admin.key (0600), made on first start. */
export function loadAdminKey(path: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** The bearer credential from an Authorization header, or null. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([\x21-\x7e]{1,512})\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** What the HTTP layer needs to recognise a wired tool's key; the daemon's ClientKeyRing satisfies it. */
export interface ClientKeyLookup {
  lookup(presented: string): string | null;
}

/** Resolve a presented key: the admin key, a wired tool's key, a known agent token, or nobody. */
export function authenticate(presented: string | null, adminKey: string, tokens: TokenLookup, clients?: ClientKeyLookup): KeyHolder | null {
  if (presented === null) return null;
  if (sameSecret(presented, adminKey)) return { kind: 'admin' };
  const client = clients?.lookup(presented) ?? null;
  if (client !== null) return { kind: 'client', client };
  const hash = secretHash(presented);
  const row = tokens.byHash(hash);
  if (!row || !hashMatches(row.token_hash, hash)) return null;
  return { kind: 'token', project_id: row.project_id, agent_name: row.agent_name, token_hash: row.token_hash };
}

/** The principal a new session opened with this key acts as (a wired key's and a token's keep per-session state). */
export function principalFor(holder: KeyHolder): Principal {
  if (holder.kind === 'admin') return adminSessionPrincipal();
  if (holder.kind === 'client') return clientPrincipal(holder.client);
  return tokenPrincipal(holder);
}

export function sameHolder(a: KeyHolder, b: KeyHolder): boolean {
  if (a.kind === 'token' && b.kind === 'token') return a.token_hash === b.token_hash;
  if (a.kind === 'client' && b.kind === 'client') return a.client === b.client;
  return a.kind === 'admin' && b.kind === 'admin';
}
