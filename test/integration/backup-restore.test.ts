// brains backup and restore against real daemons: a backup taken while a writer runs, restored whole; every bad archive refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BrainsClient } from '../../rpc/client.js';
import { writeArchive, type ArchiveFile } from '../../daemon/backup/archive.js';
import { padding, tarHeader } from '../../daemon/backup/tar.js';
import { migrate, migrations } from '../../daemon/store/migrations/index.js';
import { openDatabase } from '../../daemon/store/open.js';
import { runCli, startDaemon, tempHome, waitFor, answers } from '../helpers/daemon.js';
import { invalidParams, projectWith, refusedWith } from '../helpers/rpc-assert.js';

/** Every message payload n the database holds, in order. */
function storedNumbers(db: string): number[] {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare("SELECT payload FROM messages WHERE project_id = 'shop' ORDER BY rowid").pluck().all() as string[]).map((p) => (JSON.parse(p) as { n: number }).n);
  } finally {
    raw.close();
  }
}

describe('backup while a writer runs, then restore', () => {
  test('every message acknowledged before the backup is restored, the copy is one consistent moment, and the audit chain verifies', async () => {
    const daemon = await startDaemon();
    const home = daemon.home;
    try {
      const c = await daemon.client();
      await projectWith(c, 'shop', ['alice', 'bob']);
      // Some bulk, so the copy takes several steps while the writer goes on.
      for (let i = 0; i < 40; i += 1) {
        await c.call('resource.store', { project_id: 'shop', resource_id: `blob-${i}`, agent_name: 'alice', name: `blob ${i}`, content: `${i}`.padEnd(400_000, 'x') });
      }
      const writer = await daemon.client();
      let sent = 0;
      let writing = true;
      const sends = (async () => {
        while (writing) {
          await writer.call('message.send', { project_id: 'shop', from_agent: 'alice', to_agent: 'bob', payload: { n: sent + 1 } });
          sent += 1;
        }
      })();
      await waitFor(() => sent >= 50, 10_000, 'the writer to get going');
      const ackedBefore = sent;
      const archive = join(home, 'during-writes.tar.gz');
      const made = await runCli(['backup', archive, '--json'], { home });
      writing = false;
      await sends;
      assert.equal(made.code, 0, made.stderr);
      const summary = JSON.parse(made.stdout) as { path: string; daemon_running: boolean; counts: Record<string, number>; files: string[] };
      assert.equal(summary.path, archive);
      assert.equal(summary.daemon_running, true);
      assert.ok(summary.files.includes('keys/audit.key'));
      assert.equal(statSync(archive).mode & 0o777, 0o600);
      assert.ok(summary.counts.messages! >= ackedBefore, `the backup holds ${summary.counts.messages} messages, ${ackedBefore} were acknowledged before it began`);
      assert.ok(sent > summary.counts.messages!, 'the writer went on after the copy was taken');

      const restored = await runCli(['restore', archive], { home, timeoutMs: 60_000 });
      assert.equal(restored.code, 0, restored.stderr + restored.stdout);
      assert.match(restored.stdout, /it checks out/);
      assert.match(restored.stdout, /replaced state kept in .*backups\/replaced-/);
      assert.match(restored.stdout, /audit\.verify: ok \(\d+ rows chained\)/);
      assert.equal(await daemon.exited, 0, 'the running daemon was stopped gracefully for the restore');
      assert.ok(await answers(daemon.paths.socket), 'the restore started a daemon on the restored state');

      const numbers = storedNumbers(daemon.paths.db);
      assert.equal(numbers.length, summary.counts.messages);
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), 'the copy is one moment: messages 1..k with no gap');
      const after = await BrainsClient.connect(daemon.paths.socket);
      try {
        assert.equal((await after.call('audit.verify')).ok, true);
        const blob = await after.call('resource.get', { project_id: 'shop', resource_id: 'blob-39', agent_name: 'bob' });
        assert.equal('content' in blob ? blob.content.length : 0, 400_000);
      } finally {
        await after.close();
      }
      const kept = readdirSync(join(home, 'backups')).filter((name) => name.startsWith('replaced-'));
      assert.equal(kept.length, 1);
      assert.ok(storedNumbers(join(home, 'backups', kept[0]!, 'brains.db')).length > numbers.length, 'the replaced state, with every later message, was kept');
    } finally {
      // The restore started a daemon of its own: stopped before the fixture removes the home it runs in.
      await runCli(['down'], { home });
      await daemon.cleanup().catch(() => {});
    }
  });
});

describe('restore refuses a bad archive and changes nothing', () => {
  test('a truncated file, a foreign one, a newer schema, a missing key, too little space and damage inside: each refused, the state untouched', async () => {
    const daemon = await startDaemon();
    const home = daemon.home;
    try {
      const c = await daemon.client();
      await projectWith(c, 'shop', ['alice']);
      const good = join(home, 'good.tar.gz');
      assert.equal((await runCli(['backup', good], { home })).code, 0);
      const cases: Array<[string, string, RegExp]> = [];

      const whole = readFileSync(good);
      writeFileSync(join(home, 'cut.tar.gz'), whole.subarray(0, whole.length - 200));
      cases.push(['truncated', join(home, 'cut.tar.gz'), /cut short/]);

      writeFileSync(join(home, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      cases.push(['foreign', join(home, 'photo.jpg'), /not a gzip file/]);

      const db = join(home, 'staging-db.sqlite');
      const raw = openDatabase(db);
      migrate(raw);
      raw.pragma('user_version = 99');
      raw.pragma('journal_mode = DELETE');
      raw.close();
      const key: ArchiveFile = { name: 'keys/audit.key', mode: 0o600, bytes: 64, data: Buffer.from('ab'.repeat(32)) };
      const dbFile = (): ArchiveFile => ({ name: 'brains.db', mode: 0o600, bytes: readFileSync(db).length, path: db });
      const manifest = (files: ArchiveFile[], schema: number) => ({
        format: 'brains-backup' as const,
        format_version: 1,
        created_at: new Date().toISOString(),
        brains_version: '9.0.0',
        schema_version: schema,
        reason: 'manual',
        counts: {},
        files: files.map((f) => ({ name: f.name, bytes: f.bytes })),
      });
      await writeArchive(join(home, 'newer.tar.gz'), manifest([dbFile(), key], 99), [dbFile(), key]);
      cases.push(['newer schema', join(home, 'newer.tar.gz'), /schema version 99 \(made by brains 9\.0\.0\), newer than this brains understands/]);

      const fixed = new Database(db);
      fixed.pragma('user_version = 22');
      fixed.close();
      await writeArchive(join(home, 'nokey.tar.gz'), manifest([dbFile()], 22), [dbFile()]);
      cases.push(['missing key', join(home, 'nokey.tar.gz'), /holds no keys\/audit\.key/]);

      // A manifest that claims more than the disk holds: refused right after it is read, before any file is unpacked.
      const claim = Buffer.from(JSON.stringify({ ...manifest([dbFile(), key], 22), files: [{ name: 'brains.db', bytes: 2 ** 52 }, { name: 'keys/audit.key', bytes: 64 }] }));
      const header = tarHeader({ name: 'brains-backup.json', size: claim.length, mode: 0o600, mtimeSeconds: 0 });
      writeFileSync(join(home, 'huge.tar.gz'), gzipSync(Buffer.concat([header, claim, padding(claim.length), Buffer.alloc(1024)])));
      cases.push(['no space', join(home, 'huge.tar.gz'), /restoring it needs .* free on the device holding .*; free some space/]);

      writeFileSync(db, Buffer.concat([readFileSync(db).subarray(0, 4096), Buffer.alloc(readFileSync(db).length - 4096, 0x5a)]));
      await writeArchive(join(home, 'damaged.tar.gz'), manifest([dbFile(), key], 22), [dbFile(), key]);
      cases.push(['damaged database', join(home, 'damaged.tar.gz'), /its database is damaged/]);

      const pid = (await c.call('system.info')).pid;
      for (const [what, file, message] of cases) {
        const result = await runCli(['restore', file], { home });
        assert.equal(result.code, 1, `${what}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, message, what);
        assert.equal((await c.call('system.info')).pid, pid, `${what}: the daemon was not stopped`);
      }
      assert.deepEqual(
        (await c.call('project.list', {})).projects.map((p) => p.project_id),
        ['shop'],
        'the state is the one that was there',
      );
      assert.deepEqual(
        readdirSync(home).filter((name) => name.startsWith('.restore-')),
        [],
        'no staging directory is left behind',
      );
      assert.equal(existsSync(join(home, 'backups')), false, 'nothing was moved aside');
      assert.equal((await runCli(['restore'], { home })).code, 2);
      assert.match((await runCli(['restore', good, '--chek'], { home })).stderr, /did you mean --check\?/);
      const checked = await runCli(['restore', good, '--check'], { home });
      assert.equal(checked.code, 0, checked.stderr);
      assert.equal((await c.call('system.info')).pid, pid, '--check leaves the daemon running');
    } finally {
      await daemon.cleanup().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('daemon.backup', () => {
  test('wrong, missing-folder, existing, relative, hostile and oversized paths are refused; a second backup at once is refused', async () => {
    const daemon = await startDaemon();
    try {
      const c = await daemon.client();
      await refusedWith(c.call('daemon.backup', { path: 'relative.tar.gz' }), 'INVALID');
      await refusedWith(c.call('daemon.backup', { path: join(daemon.home, 'no', 'such', 'folder', 'b.tar.gz') }), 'NOT_FOUND');
      await refusedWith(c.call('daemon.backup', { path: daemon.paths.db }), 'CONFLICT');
      await refusedWith(c.call('daemon.backup', { path: '/etc/passwd' }), 'CONFLICT');
      await refusedWith(c.call('daemon.backup', { path: `${daemon.home}/a\nb.tar.gz` }), 'INVALID');
      await refusedWith(c.call('daemon.backup', { path: `${daemon.home}/a\u0000b` }), 'INVALID');
      await invalidParams(c.call('daemon.backup', { path: `/${'x'.repeat(5000)}` }));
      await invalidParams(c.call('daemon.backup', { file: '/tmp/x.tar.gz' } as never));
      await invalidParams(c.call('daemon.backup', { path: 42 } as never));
      assert.equal(existsSync(join(daemon.home, 'backups')), false, 'nothing was written for a refused call');
      const [first, second] = await Promise.allSettled([c.call('daemon.backup', {}), c.call('daemon.backup', {})]);
      assert.equal(first.status, 'fulfilled');
      assert.equal(second.status, 'rejected');
      assert.match(String((second as PromiseRejectedResult).reason.message), /a backup is being written already/);
      assert.equal(readdirSync(join(daemon.home, 'backups')).length, 1);
      const again = [await c.call('daemon.backup', {}), await c.call('daemon.backup', {}), await c.call('daemon.backup', {})].map((b) => b.path);
      assert.equal(new Set([...again, (first as PromiseFulfilledResult<{ path: string }>).value.path]).size, 4, `each backup has a name of its own: ${again.join(', ')}`);
      assert.equal(readdirSync(join(daemon.home, 'backups')).length, 4, 'none replaced another made in the same second');
      const folder = join(daemon.home, 'usb');
      mkdirSync(folder);
      await daemon.stop();
      const offline = [await runCli(['backup', folder], { home: daemon.home }), await runCli(['backup', folder], { home: daemon.home })];
      assert.deepEqual(offline.map((r) => r.code), [0, 0], offline.map((r) => r.stderr).join(''));
      assert.equal(readdirSync(folder).length, 2);
      const intoFile = await runCli(['backup', join(daemon.paths.db, 'x.tar.gz')], { home: daemon.home });
      assert.match(intoFile.stderr, /brains\.db is a file, not a folder/);
    } finally {
      await daemon.cleanup();
    }
  });
});

describe('scheduled and pre-migration backups', () => {
  test('backup_every_hours writes backups on its own and keeps backup_keep of them', async () => {
    const daemon = await startDaemon();
    try {
      const c = await daemon.client();
      await c.call('config.set', { key: 'backup_keep', value: 2 });
      await c.call('config.set', { key: 'backup_every_hours', value: 0.0003 });
      const folder = join(daemon.home, 'backups');
      const seen = new Set<string>();
      await waitFor(
        () => {
          if (existsSync(folder)) for (const name of readdirSync(folder)) seen.add(name);
          return seen.size >= 3;
        },
        30_000,
        'three scheduled backups',
      );
      await c.call('config.set', { key: 'backup_every_hours', value: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const left = readdirSync(folder).filter((name) => !name.startsWith('.'));
      assert.ok(left.length <= 2, `kept ${left.join(', ')}`);
      assert.ok(left.every((name) => /^scheduled-\d{8}T\d{6}Z\.tar\.gz$/.test(name)));
      const check = await runCli(['restore', join(folder, left.at(-1)!), '--check'], { home: daemon.home });
      assert.equal(check.code, 0, check.stderr);
    } finally {
      await daemon.cleanup();
    }
  });

  test('a database at an older schema is backed up before the daemon migrates it, and that backup restores', async () => {
    const home = tempHome();
    const db = openDatabase(join(home, 'brains.db'));
    migrate(db, migrations.filter((m) => m.version <= 21));
    db.prepare("INSERT INTO projects (project_id, name, created_by, created_at) VALUES ('old', 'old', 'operator', '2026-01-01T00:00:00Z')").run();
    db.close();
    // What the older brains that made this database left beside it.
    mkdirSync(join(home, 'keys'), { mode: 0o700 });
    writeFileSync(join(home, 'keys', 'audit.key'), 'cd'.repeat(32), { mode: 0o600 });
    const daemon = await startDaemon({ home });
    try {
      const c = await daemon.client();
      assert.equal((await c.call('system.info')).schema_version, 22);
      const taken = readdirSync(join(home, 'backups'));
      assert.equal(taken.length, 1);
      assert.match(taken[0]!, /^pre-migration-v21-\d{8}T\d{6}Z\.tar\.gz$/);
      assert.match(daemon.stderr(), /the database is at schema 21; this brains migrates it to 22, after a backup/);
      const check = await runCli(['restore', join(home, 'backups', taken[0]!), '--check', '--json'], { home });
      assert.equal(check.code, 0, check.stderr);
      const checked = JSON.parse(check.stdout) as { manifest: { schema_version: number; reason: string }; counts: Record<string, number> };
      assert.equal(checked.manifest.schema_version, 21);
      assert.equal(checked.manifest.reason, 'pre-migration');
      assert.equal(checked.counts.projects, 1);
    } finally {
      await daemon.cleanup();
    }
  });
});
