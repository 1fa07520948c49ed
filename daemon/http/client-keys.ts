// The keys `brains wire --transport http` writes into agent tools' configs: one per tool, kept in keys/mcp-clients.json (0600)
// so a second wire writes the same key, unwire revokes it, and the daemon picks changes up without a restart.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLIENT_KEYS_FILE = 'mcp-clients.json';
const CLIENT_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const KEY_SHAPE = /^brains_w_[0-9a-f]{64}$/;

interface ClientKeyEntry {
  key: string;
  created_at: string;
}

interface ClientKeysFile {
  version: 1;
  clients: Record<string, ClientKeyEntry>;
}

export function clientKeysPath(keysDir: string): string {
  return join(keysDir, CLIENT_KEYS_FILE);
}

/** Reads the file; a missing file is empty, a damaged one is an error naming it (never silently replaced: it holds live keys). */
function readKeys(path: string): ClientKeysFile {
  if (!existsSync(path)) return { version: 1, clients: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${path} is not valid JSON; fix it or delete it (tools wired with --transport http then need brains wire again)`);
  }
  const clients = (parsed as { clients?: unknown } | null)?.clients;
  if (typeof clients !== 'object' || clients === null || Array.isArray(clients)) throw new Error(`${path} has no "clients" object; fix it or delete it`);
  const out: ClientKeysFile = { version: 1, clients: {} };
  for (const [name, entry] of Object.entries(clients as Record<string, unknown>)) {
    const key = (entry as { key?: unknown } | null)?.key;
    const createdAt = (entry as { created_at?: unknown } | null)?.created_at;
    if (CLIENT_NAME.test(name) && typeof key === 'string' && KEY_SHAPE.test(key)) {
      out.clients[name] = { key, created_at: typeof createdAt === 'string' ? createdAt : '' };
    }
  }
  return out;
}

function writeKeys(keysDir: string, file: ClientKeysFile): void {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  chmodSync(keysDir, 0o700);
  const path = clientKeysPath(keysDir);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function checkName(client: string): void {
  if (!CLIENT_NAME.test(client)) throw new Error(`not a client name: ${JSON.stringify(client)}`);
}

/** The tool's key, or null when it has none (never wired over HTTP, or revoked). Reads only. */
export function peekClientKey(keysDir: string, client: string): string | null {
  checkName(client);
  return readKeys(clientKeysPath(keysDir)).clients[client]?.key ?? null;
}

/** The tool's key, made now if it has none. */
export function ensureClientKey(keysDir: string, client: string): { key: string; created: boolean } {
  checkName(client);
  const file = readKeys(clientKeysPath(keysDir));
  const existing = file.clients[client];
  if (existing) return { key: existing.key, created: false };
  const key = `brains_w_${randomBytes(32).toString('hex')}`;
  file.clients[client] = { key, created_at: new Date().toISOString() };
  writeKeys(keysDir, file);
  return { key, created: true };
}

/** Forget the tool's key: sessions that present it are refused from now on. True when there was one. */
export function revokeClientKey(keysDir: string, client: string): boolean {
  checkName(client);
  const path = clientKeysPath(keysDir);
  const file = readKeys(path);
  if (!file.clients[client]) return false;
  delete file.clients[client];
  writeKeys(keysDir, file);
  return true;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The daemon's view of the file: reloaded when it changes (checked with one stat per lookup), looked up by the SHA-256
 * of the presented key and confirmed in constant time. A damaged file counts as no keys (logged once per change).
 */
export class ClientKeyRing {
  private byDigest = new Map<string, { client: string; digest: Buffer }>();
  private seen = '';

  constructor(
    private readonly keysDir: string,
    private readonly onProblem: (message: string) => void = () => {},
  ) {}

  /** The tool a presented key belongs to, or null. */
  lookup(presented: string): string | null {
    this.refresh();
    const hash = digest(presented);
    const found = this.byDigest.get(hash.toString('hex'));
    return found && timingSafeEqual(found.digest, hash) ? found.client : null;
  }

  private refresh(): void {
    const path = clientKeysPath(this.keysDir);
    let stamp: string;
    try {
      const st = statSync(path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp === this.seen) return;
    this.seen = stamp;
    const next = new Map<string, { client: string; digest: Buffer }>();
    if (stamp !== 'absent') {
      try {
        for (const [client, entry] of Object.entries(readKeys(path).clients)) {
          const d = digest(entry.key);
          next.set(d.toString('hex'), { client, digest: d });
        }
      } catch (error) {
        this.onProblem(`MCP client keys ignored: ${(error as Error).message}`);
      }
    }
    this.byDigest = next;
  }
}
