// brains doctor's backups group: a note when there is none, the newest one's age, a warning when scheduled ones stopped coming.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { statePaths } from '../../rpc/paths.js';
import { backupChecks, backupFacts } from '../../bin/doctor/backups.js';

const home = mkdtempSync(join(tmpdir(), 'brains-doctor-backups-'));
after(() => rmSync(home, { recursive: true, force: true }));
const paths = statePaths({ BRAINS_HOME: home });
const hour = 3_600_000;

test('no backups folder: a note saying how to make one, nothing at all before the first database', () => {
  assert.deepEqual(backupChecks(backupFacts(paths), false), []);
  const [note] = backupChecks(backupFacts(paths), true);
  assert.equal(note?.status, 'info');
  assert.match(note!.summary, /no backup in the backups folder yet/);
  assert.match(note!.detail!, /brains backup writes one; brains rpc config\.set key=backup_every_hours value=24/);
});

test('the newest archive is named with its age; other files in the folder are not backups', () => {
  mkdirSync(paths.backupsDir, { recursive: true });
  const now = Date.now();
  const old = join(paths.backupsDir, 'brains-20261101T000000Z.tar.gz');
  const newer = join(paths.backupsDir, 'pre-migration-v21-20261120T000000Z.tar.gz');
  writeFileSync(old, 'x');
  writeFileSync(newer, 'x');
  writeFileSync(join(paths.backupsDir, 'notes.txt'), 'x');
  utimesSync(old, (now - 100 * hour) / 1000, (now - 100 * hour) / 1000);
  utimesSync(newer, (now - 3 * hour) / 1000, (now - 3 * hour) / 1000);
  const facts = backupFacts(paths, now);
  assert.equal(facts.newest?.path, newer);
  assert.equal(Math.round(facts.newest!.ageHours), 3);
  const [note] = backupChecks(facts, true);
  assert.equal(note?.status, 'info');
  assert.match(note!.summary, /newest backup .*pre-migration-v21-20261120T000000Z\.tar\.gz \(3\.0 h old\)/);
  assert.match(note!.detail!, /scheduled backups are off/);
});

test('scheduled backups on: ok while they keep coming, a warning with the fix once none came for twice the interval', () => {
  writeFileSync(paths.config, JSON.stringify({ backup_every_hours: 1 }));
  const fresh = backupChecks({ newest: { path: '/b/scheduled-x.tar.gz', ageHours: 1.5 }, everyHours: 1 }, true);
  assert.equal(fresh[0]?.status, 'ok');
  assert.match(fresh[0]!.summary, /scheduled every 1 h/);
  const facts = backupFacts(paths, Date.now() + 10 * hour);
  assert.equal(facts.everyHours, 1);
  const [late] = backupChecks(facts, true);
  assert.equal(late?.status, 'warn');
  assert.match(late!.summary, /though scheduled backups are every 1 h/);
  assert.match(late!.fix!, /brains logs --level warn/);
  writeFileSync(paths.config, '{ not json');
  assert.equal(backupFacts(paths).everyHours, null, 'unreadable settings are not a crash');
});
