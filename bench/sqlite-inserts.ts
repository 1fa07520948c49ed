// The physical limit for event delivery: how fast SQLite itself commits rows shaped like the event log, batched the same way.
import Database from 'better-sqlite3';
import { elapsedSince, now } from './stats.js';
import eventLogMigration from '../daemon/store/migrations/001_event_log.js';


/** Time to insert `rows` rows in transactions of `perTransaction`, on a fresh WAL file with synchronous=NORMAL. */
export function measureSqliteInserts(path: string, rows: number, perTransaction: number): bigint {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(eventLogMigration.sql); // the daemon's own table and indexes
    const insert = db.prepare('INSERT INTO events (time, type, subject, data) VALUES (?, ?, ?, ?)');
    const commitBatch = db.transaction((size: number) => {
      for (let i = 0; i < size; i += 1) {
        insert.run(new Date().toISOString(), 'user.bench.tick', `bench-${i}`, JSON.stringify({ i, note: 'bench' }));
      }
    });
    const start = now();
    for (let written = 0; written < rows; written += perTransaction) commitBatch(Math.min(perTransaction, rows - written));
    return elapsedSince(start);
  } finally {
    db.close();
  }
}
