// Applies the versioned migrations in order at start, and refuses a database written by a newer brains.
import type { Db } from '../open.js';
import eventLog from './001_event_log.js';
import sessionsProjects from './002_sessions_projects.js';
import messages from './003_messages.js';
import resources from './004_resources.js';
import locks from './005_locks.js';
import tasks from './006_tasks.js';
import approvals from './007_approvals.js';
import audit from './008_audit.js';
import nudges from './009_nudges.js';
import mcpTokens from './010_mcp_tokens.js';
import principals from './011_principals.js';
import inbox from './012_inbox.js';
import auditHead from './013_audit_head.js';
import lockScopes from './014_lock_scopes.js';
import handoffTasks from './015_handoff_tasks.js';
import managedAgents from './016_managed_agents.js';
import auditSequence from './017_audit_sequence.js';
import schedules from './018_schedules.js';
import gateway from './019_gateway.js';
import gatewayRouting from './020_gateway_routing.js';
import gatewayAccounting from './021_gateway_accounting.js';
import agentWorktrees from './022_agent_worktrees.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [eventLog, sessionsProjects, messages, resources, locks, tasks, approvals, audit, nudges, mcpTokens, principals, inbox, auditHead, lockScopes, handoffTasks, managedAgents, auditSequence, schedules, gateway, gatewayRouting, gatewayAccounting, agentWorktrees];
export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

export class SchemaTooNewError extends Error {
  constructor(found: number, supported: number) {
    super(
      `the database schema is version ${found}, newer than this brains understands (up to ${supported}); upgrade brains, or set BRAINS_HOME to another directory`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export function currentSchemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function assertSchemaSupported(db: Db): void {
  const found = currentSchemaVersion(db);
  if (found > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(found, LATEST_SCHEMA_VERSION);
}

/** A migration failed: the database was left exactly as it was, and the message names the migration and the cause. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly migration: Migration,
    readonly from: number,
    cause: unknown,
  ) {
    super(
      `migration ${migration.version} (${migration.name}) failed: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        `the database was left as it was (schema ${from}); run the brains you upgraded from, or report this with the daemon log`,
    );
  }
}

/** Migrations the database still needs, oldest first. */
export function pendingMigrations(from: number, list: readonly Migration[] = migrations): Migration[] {
  return list.filter((migration) => migration.version > from);
}

/**
 * Bring the database up to the latest schema in one transaction: every pending migration commits, or none does and the
 * file stays byte for byte as it was (MigrationError says which one failed).
 */
export function migrate(db: Db, list: readonly Migration[] = migrations): { from: number; to: number } {
  const latest = list[list.length - 1]?.version ?? 0;
  const found = currentSchemaVersion(db);
  if (found > latest) throw new SchemaTooNewError(found, latest);
  const pending = pendingMigrations(found, list);
  if (pending.length === 0) return { from: found, to: found };
  let running: Migration | null = null;
  try {
    db.transaction(() => {
      for (const migration of pending) {
        running = migration;
        if (migration.sql.trim() !== '') db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }
    }).immediate();
  } catch (error) {
    if (running) throw new MigrationError(running, found, error);
    throw error;
  }
  return { from: found, to: currentSchemaVersion(db) };
}
