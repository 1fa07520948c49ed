// Migrations commit together or not at all: a failing one leaves the database file byte for byte, and names itself.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../daemon/store/open.js';
import { currentSchemaVersion, migrate, migrations, MigrationError, type Migration } from '../../daemon/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'brains-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A database at `version`, closed cleanly (its write-ahead log folded in), so its file holds everything. */
function databaseAt(version: number): string {
  const path = join(dir, `db${++n}.sqlite`);
  const db = openDatabase(path);
  migrate(db, migrations.filter((m) => m.version <= version));
  db.prepare("INSERT INTO projects (project_id, name, created_by, created_at) VALUES ('p1', 'shop', 'operator', '2026-01-01T00:00:00Z')").run();
  db.close();
  return path;
}

const broken: Migration = { version: 999, name: 'broken on purpose', sql: 'CREATE TABLE half_made (x INTEGER); INSERT INTO no_such_table VALUES (1);' };

test('a failing last migration leaves the file byte for byte and says which one failed', () => {
  const path = databaseAt(migrations.at(-1)!.version);
  const before = readFileSync(path);
  const db = openDatabase(path);
  assert.throws(
    () => migrate(db, [...migrations, broken]),
    (error: unknown) => error instanceof MigrationError && /migration 999 \(broken on purpose\) failed: no such table: no_such_table/.test(error.message) && /left as it was \(schema 22\)/.test(error.message),
  );
  assert.equal(currentSchemaVersion(db), 22);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_made'").pluck().get(), 0);
  db.close();
  assert.deepEqual(readFileSync(path), before);
});

test('several pending migrations commit together: a failure after good ones applies none of them', () => {
  const path = databaseAt(19);
  const before = readFileSync(path);
  const db = openDatabase(path);
  assert.throws(() => migrate(db, [...migrations, broken]), (error: unknown) => error instanceof MigrationError && error.from === 19);
  assert.equal(currentSchemaVersion(db), 19, 'migrations 20 to 22 were rolled back with the broken one');
  db.close();
  assert.deepEqual(readFileSync(path), before);
  const again = openDatabase(path);
  assert.deepEqual(migrate(again), { from: 19, to: 22 }, 'the good migrations still apply once the broken one is gone');
  assert.equal(again.prepare('SELECT name FROM projects').pluck().get(), 'shop');
  again.close();
});
