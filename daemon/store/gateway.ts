// SQL for the model gateway: named keys kept as hashes, and the record of every request it carried (and how it was routed).
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface GatewayKeyRow {
  key_id: number;
  key_hash: string;
  name: string;
  agent_name: string | null;
  project_id: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface GatewayRequestRow {
  time: string;
  endpoint: string;
  key: string;
  agent_name: string | null;
  project_id: string | null;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  stream: boolean;
  status: number;
  error: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  tokens_estimated: boolean;
  route_class: string | null;
  route_tier: string | null;
  /** Kept as JSON text. */
  route_reasons: string[] | null;
  attempts: number;
  fallback_from: string | null;
  /** From the price table when it was recorded; null when the model had no price. */
  cost: number | null;
  /** The task its agent held claimed when the request arrived (task-12), if any. */
  task_id: string | null;
}

type StoredRequest = Omit<GatewayRequestRow, 'stream' | 'tokens_estimated' | 'route_reasons'> & { id: number; stream: number; tokens_estimated: number; route_reasons: string | null };

function reasonsOf(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.map(String) : null;
  } catch {
    return null;
  }
}

export class GatewayRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  keyByHash(keyHash: string): GatewayKeyRow | null {
    return (this.sql('SELECT * FROM gateway_keys WHERE key_hash = ?').get(keyHash) as GatewayKeyRow | undefined) ?? null;
  }

  insertKey(row: Omit<GatewayKeyRow, 'key_id' | 'revoked_at' | 'last_used_at'>): number {
    const info = this.sql(
      'INSERT INTO gateway_keys (key_hash, name, agent_name, project_id, created_at, expires_at) VALUES (@key_hash, @name, @agent_name, @project_id, @created_at, @expires_at)',
    ).run(row);
    return Number(info.lastInsertRowid);
  }

  listKeys(name?: string): GatewayKeyRow[] {
    if (name !== undefined) return this.sql('SELECT * FROM gateway_keys WHERE name = ? ORDER BY key_id').all(name) as GatewayKeyRow[];
    return this.sql('SELECT * FROM gateway_keys ORDER BY key_id').all() as GatewayKeyRow[];
  }

  /** Revoke the keys not revoked yet (by id, or all of a name); the ids revoked. */
  revoke(by: { key_id: number } | { name: string }, at: string): GatewayKeyRow[] {
    const rows =
      'key_id' in by
        ? (this.sql('SELECT * FROM gateway_keys WHERE key_id = ? AND revoked_at IS NULL').all(by.key_id) as GatewayKeyRow[])
        : (this.sql('SELECT * FROM gateway_keys WHERE name = ? AND revoked_at IS NULL').all(by.name) as GatewayKeyRow[]);
    for (const row of rows) this.sql('UPDATE gateway_keys SET revoked_at = ? WHERE key_id = ?').run(at, row.key_id);
    return rows;
  }

  keyExists(keyId: number): boolean {
    return this.sql('SELECT 1 FROM gateway_keys WHERE key_id = ?').pluck().get(keyId) !== undefined;
  }

  markUsed(keyId: number, at: string): void {
    this.sql('UPDATE gateway_keys SET last_used_at = ? WHERE key_id = ?').run(at, keyId);
  }

  insertRequests(rows: readonly GatewayRequestRow[]): void {
    const insert = this.sql(
      `INSERT INTO gateway_requests (time, endpoint, key, agent_name, project_id, model, provider, upstream_model, stream, status, error, latency_ms, ttft_ms, input_tokens, output_tokens, tokens_estimated,
         route_class, route_tier, route_reasons, attempts, fallback_from, cost, task_id)
       VALUES (@time, @endpoint, @key, @agent_name, @project_id, @model, @provider, @upstream_model, @stream, @status, @error, @latency_ms, @ttft_ms, @input_tokens, @output_tokens, @tokens_estimated,
         @route_class, @route_tier, @route_reasons, @attempts, @fallback_from, @cost, @task_id)`,
    );
    for (const row of rows) {
      insert.run({ ...row, stream: row.stream ? 1 : 0, tokens_estimated: row.tokens_estimated ? 1 : 0, route_reasons: row.route_reasons === null ? null : JSON.stringify(row.route_reasons) });
    }
  }

  listRequests(filter: { since?: string; agent_name?: string; limit: number }): Array<GatewayRequestRow & { id: number }> {
    const rows = this.sql(
      `SELECT * FROM gateway_requests WHERE (@since IS NULL OR time >= @since) AND (@agent_name IS NULL OR agent_name = @agent_name) ORDER BY id DESC LIMIT @limit`,
    ).all({ since: filter.since ?? null, agent_name: filter.agent_name ?? null, limit: filter.limit }) as StoredRequest[];
    return rows.map((row) => ({ ...row, stream: row.stream === 1, tokens_estimated: row.tokens_estimated === 1, route_reasons: reasonsOf(row.route_reasons) }));
  }
}
