// Applies the versioned migrations in order at start, and refuses a database written by a newer brains.
import type { Db } from '../open.js';
import eventLog from './001_event_log.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [eventLog];
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

/** Bring the database up to the latest schema; each migration commits with its version number or not at all. */
export function migrate(db: Db): { from: number; to: number } {
  assertSchemaSupported(db);
  const from = currentSchemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: currentSchemaVersion(db) };
}
