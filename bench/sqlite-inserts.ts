// The physical limit for event delivery: how fast SQLite itself commits rows shaped like the event log, batched the same way.
import { openDatabase } from '../daemon/store/open.js';
import { elapsedSince, now } from './stats.js';
import eventLogMigration from '../daemon/store/migrations/001_event_log.js';


/** Time to insert `rows` rows in transactions of `perTransaction`, on a fresh file opened with the daemon's pragmas. */
export function measureSqliteInserts(path: string, rows: number, perTransaction: number): bigint {
  const db = openDatabase(path); // the daemon's own pragmas, so the limit is measured as the daemon runs
  try {
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
