// SQL for lock leases and the fencing counter; statements are prepared once because acquire/release sit on hot paths.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

export type LockModeValue = 'exclusive' | 'shared';

export interface LeaseRow {
  lease_id: string;
  key: string;
  /** The repository (common git dir), directory, name or `global` the key lives in; only keys of one scope conflict. */
  scope: string;
  root: string | null;
  /** The key as the holder gave it, when that differs from key (taken from a subdirectory, or absolute). */
  asked_key: string | null;
  holder_tool: string | null;
  holder_directory: string | null;
  mode: LockModeValue;
  holder_kind: 'session' | 'member';
  session_id: string | null;
  project_id: string | null;
  agent_name: string | null;
  client_id: string | null;
  fencing_token: number;
  ttl_seconds: number;
  acquired_at: string;
  renewed_at: string | null;
  expires_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

/** Who a lease belongs to, as the columns store it. */
export type HolderColumns = { session_id: string } | { project_id: string; agent_name: string };

export class LockRepo {
  private readonly s: Record<string, Statement>;

  constructor(db: Db) {
    const live = 'SELECT * FROM lock_leases WHERE ended_at IS NULL';
    this.s = {
      nextToken: db.prepare('UPDATE lock_fence SET last_token = last_token + 1 WHERE id = 1 RETURNING last_token'),
      lastToken: db.prepare('SELECT last_token FROM lock_fence WHERE id = 1'),
      insert: db.prepare(
        `INSERT INTO lock_leases (lease_id, key, scope, root, asked_key, holder_tool, holder_directory, mode, holder_kind, session_id, project_id, agent_name, client_id, fencing_token, ttl_seconds, acquired_at, renewed_at, expires_at, ended_at, end_reason)
         VALUES (@lease_id, @key, @scope, @root, @asked_key, @holder_tool, @holder_directory, @mode, @holder_kind, @session_id, @project_id, @agent_name, @client_id, @fencing_token, @ttl_seconds, @acquired_at, @renewed_at, @expires_at, @ended_at, @end_reason)`,
      ),
      get: db.prepare('SELECT * FROM lock_leases WHERE lease_id = ?'),
      byKeyAndToken: db.prepare('SELECT * FROM lock_leases WHERE fencing_token = @token AND (key = @key OR asked_key = @key)'),
      live: db.prepare('SELECT * FROM lock_leases INDEXED BY lock_live_by_expiry WHERE ended_at IS NULL ORDER BY fencing_token'),
      liveForSession: db.prepare(`${live} AND session_id = ? ORDER BY fencing_token`),
      liveForMember: db.prepare(`${live} AND project_id = ? AND agent_name = ? ORDER BY fencing_token`),
      // One holder may hold one key in several scopes: the lease with the token asked for comes first.
      liveBySessionKey: db.prepare(`${live} AND session_id = @session_id AND (key = @key OR asked_key = @key) ORDER BY fencing_token = @token DESC, fencing_token DESC LIMIT 1`),
      liveByMemberKey: db.prepare(`${live} AND project_id = @project_id AND agent_name = @agent_name AND (key = @key OR asked_key = @key) ORDER BY fencing_token = @token DESC, fencing_token DESC LIMIT 1`),
      endedBySessionKey: db.prepare('SELECT * FROM lock_leases WHERE ended_at IS NOT NULL AND session_id = @session_id AND (key = @key OR asked_key = @key) ORDER BY fencing_token = @token DESC, fencing_token DESC LIMIT 1'),
      endedByMemberKey: db.prepare('SELECT * FROM lock_leases WHERE ended_at IS NOT NULL AND project_id = @project_id AND agent_name = @agent_name AND (key = @key OR asked_key = @key) ORDER BY fencing_token = @token DESC, fencing_token DESC LIMIT 1'),
      countForSession: db.prepare('SELECT count(*) FROM lock_leases WHERE ended_at IS NULL AND session_id = ?').pluck(),
      countForMember: db.prepare('SELECT count(*) FROM lock_leases WHERE ended_at IS NULL AND project_id = ? AND agent_name = ?').pluck(),
      due: db.prepare(`${live} AND expires_at <= ? ORDER BY expires_at, fencing_token`),
      anyDue: db.prepare('SELECT 1 FROM lock_leases WHERE ended_at IS NULL AND expires_at <= ? LIMIT 1').pluck(),
      nextExpiry: db.prepare('SELECT min(expires_at) FROM lock_leases WHERE ended_at IS NULL').pluck(),
      end: db.prepare('UPDATE lock_leases SET ended_at = ?, end_reason = ? WHERE lease_id = ? AND ended_at IS NULL'),
      renew: db.prepare('UPDATE lock_leases SET renewed_at = ?, expires_at = ?, ttl_seconds = ? WHERE lease_id = ? AND ended_at IS NULL'),
      prune: db.prepare('DELETE FROM lock_leases WHERE ended_at IS NOT NULL AND ended_at < ?'),
      countLive: db.prepare('SELECT count(*) FROM lock_leases WHERE ended_at IS NULL').pluck(),
    };
  }

  /** The next fencing token: one past the last ever handed out (the counter never goes back). */
  nextFencingToken(): number {
    return (this.s.nextToken!.get() as { last_token: number }).last_token;
  }

  lastFencingToken(): number {
    return (this.s.lastToken!.get() as { last_token: number }).last_token;
  }

  insert(row: LeaseRow): void {
    this.s.insert!.run(row);
  }

  get(leaseId: string): LeaseRow | null {
    return (this.s.get!.get(leaseId) as LeaseRow | undefined) ?? null;
  }

  /** Every live lease, oldest token first. */
  live(): LeaseRow[] {
    return this.s.live!.all() as LeaseRow[];
  }

  liveForSession(sessionId: string): LeaseRow[] {
    return this.s.liveForSession!.all(sessionId) as LeaseRow[];
  }

  liveForMember(projectId: string, agentName: string): LeaseRow[] {
    return this.s.liveForMember!.all(projectId, agentName) as LeaseRow[];
  }

  /** This holder's live lease on the key (as stored or as given), the one with this token first. */
  liveByKeyAndHolder(key: string, holder: HolderColumns, fencingToken = 0): LeaseRow | null {
    const row = 'session_id' in holder ? this.s.liveBySessionKey!.get({ ...holder, key, token: fencingToken }) : this.s.liveByMemberKey!.get({ ...holder, key, token: fencingToken });
    return (row as LeaseRow | undefined) ?? null;
  }

  /** The most recent ended lease of this holder on this key (kept for a day), to tell a stale holder why. */
  lastEndedByKeyAndHolder(key: string, holder: HolderColumns, fencingToken = 0): LeaseRow | null {
    const row = 'session_id' in holder ? this.s.endedBySessionKey!.get({ ...holder, key, token: fencingToken }) : this.s.endedByMemberKey!.get({ ...holder, key, token: fencingToken });
    return (row as LeaseRow | undefined) ?? null;
  }

  /** The lease with this key (as stored or as given) and fencing token (tokens are never reused, so it is at most one), live or recently ended. */
  byKeyAndToken(key: string, fencingToken: number): LeaseRow | null {
    return (this.s.byKeyAndToken!.get({ key, token: fencingToken }) as LeaseRow | undefined) ?? null;
  }

  liveCountForHolder(holder: HolderColumns): number {
    return ('session_id' in holder ? this.s.countForSession!.get(holder.session_id) : this.s.countForMember!.get(holder.project_id, holder.agent_name)) as number;
  }

  /** Live leases whose expiry is at or before `now` (ISO). */
  due(now: string): LeaseRow[] {
    return this.s.due!.all(now) as LeaseRow[];
  }

  anyDue(now: string): boolean {
    return this.s.anyDue!.get(now) !== undefined;
  }

  /** The earliest expiry of a live lease (ISO), or null when nothing is held. */
  nextExpiry(): string | null {
    return (this.s.nextExpiry!.get() as string | null | undefined) ?? null;
  }

  end(leaseId: string, now: string, reason: string): boolean {
    return this.s.end!.run(now, reason, leaseId).changes > 0;
  }

  renew(leaseId: string, now: string, expiresAt: string, ttlSeconds: number): boolean {
    return this.s.renew!.run(now, expiresAt, ttlSeconds, leaseId).changes > 0;
  }

  /** Forget ended leases older than `before` (ISO). */
  pruneEnded(before: string): number {
    return this.s.prune!.run(before).changes;
  }

  countLive(): number {
    return this.s.countLive!.get() as number;
  }
}
