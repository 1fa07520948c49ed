// Prepared statements made once per SQL text: repos write their SQL inline and still skip re-preparing on hot paths.
import type Database from 'better-sqlite3';
import type { Db } from './open.js';

export type Statement = Database.Statement<unknown[]>;

export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) cache.set(sql, (stmt = db.prepare<unknown[]>(sql)));
    return stmt;
  };
}
