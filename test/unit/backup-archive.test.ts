// The backup archive: ustar headers, a round trip through gzip, and every way a damaged or foreign file is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BackupArchiveError, extractArchive, writeArchive, type ArchiveFile, type BackupManifest } from '../../daemon/backup/archive.js';
import { parseTarHeader, tarHeader } from '../../daemon/backup/tar.js';

const dir = mkdtempSync(join(tmpdir(), 'brains-archive-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(dir, `${++n}-${name}`);

function manifestFor(files: ArchiveFile[], overrides: Partial<BackupManifest> = {}): BackupManifest {
  return {
    format: 'brains-backup',
    format_version: 1,
    created_at: '2026-11-30T12:00:00.000Z',
    brains_version: '0.1.0',
    schema_version: 22,
    reason: 'manual',
    counts: { messages: 3 },
    files: files.map((f) => ({ name: f.name, bytes: f.bytes })),
    ...overrides,
  };
}

const data = (name: string, text: string): ArchiveFile => ({ name, mode: 0o600, bytes: Buffer.byteLength(text), data: Buffer.from(text) });

async function sample(extra: Partial<BackupManifest> = {}): Promise<string> {
  const big = fresh('big.bin');
  writeFileSync(big, Buffer.alloc(3 * 1024 * 1024 + 17, 7));
  const files: ArchiveFile[] = [{ name: 'brains.db', mode: 0o600, bytes: 3 * 1024 * 1024 + 17, path: big }, data('keys/audit.key', 'ab'.repeat(32)), data('config.json', '{}\n')];
  const out = fresh('backup.tar.gz');
  await writeArchive(out, manifestFor(files, extra), files);
  return out;
}

const refusal = (pattern: RegExp) => (error: unknown) => error instanceof BackupArchiveError && pattern.test(error.message);

test('a tar header round-trips, including a size past the 8 GiB octal limit', () => {
  const small = parseTarHeader(tarHeader({ name: 'keys/audit.key', size: 64, mode: 0o600, mtimeSeconds: 1_800_000_000 }));
  assert.deepEqual(small, { name: 'keys/audit.key', size: 64, mode: 0o600, mtimeSeconds: 1_800_000_000, type: '0' });
  const huge = parseTarHeader(tarHeader({ name: 'brains.db', size: 9 * 1024 ** 3, mode: 0o600, mtimeSeconds: 0 }));
  assert.equal(huge?.size, 9 * 1024 ** 3);
  assert.throws(() => tarHeader({ name: 'x'.repeat(101), size: 1, mode: 0o600, mtimeSeconds: 0 }));
  const corrupt = tarHeader({ name: 'a', size: 1, mode: 0o600, mtimeSeconds: 0 });
  corrupt[0] = 0x62;
  assert.throws(() => parseTarHeader(corrupt), /checksum/);
});

test('an archive unpacks to the same bytes, and the system tar reads it too', async () => {
  const archive = await sample();
  const listed = execFileSync('tar', ['tzf', archive], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, ['brains-backup.json', 'brains.db', 'keys/audit.key', 'config.json', 'checksums.json']);
  const staging = fresh('staging');
  const seen: BackupManifest[] = [];
  const out = await extractArchive(archive, staging, (m) => void seen.push(m));
  assert.equal(seen.length, 1, 'the manifest is shown before any file is written');
  assert.equal(out.manifest.schema_version, 22);
  assert.deepEqual([...out.files.keys()], ['brains.db', 'keys/audit.key', 'config.json']);
  assert.deepEqual(readFileSync(out.files.get('brains.db')!), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
  assert.equal(readFileSync(out.files.get('keys/audit.key')!, 'utf8'), 'ab'.repeat(32));
});

test('a cut-short archive, a non-gzip file and a foreign tar are refused with what is wrong', async () => {
  const archive = await sample();
  const whole = readFileSync(archive);
  const cut = fresh('cut.tar.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  await assert.rejects(extractArchive(cut, fresh('s'), () => {}), refusal(/cut short/));
  const text = fresh('notes.txt');
  writeFileSync(text, 'just some notes\n');
  await assert.rejects(extractArchive(text, fresh('s'), () => {}), refusal(/not a gzip file/));
  const foreignDir = fresh('foreign');
  execFileSync('mkdir', ['-p', foreignDir]);
  writeFileSync(join(foreignDir, 'brains.db'), 'not ours');
  const foreign = fresh('foreign.tar.gz');
  execFileSync('tar', ['czf', foreign, '-C', foreignDir, 'brains.db']);
  await assert.rejects(extractArchive(foreign, fresh('s'), () => {}), refusal(/not a brains backup/));
});

test('a changed byte inside, an entry the manifest does not list, or an escaping name are refused', async () => {
  const archive = await sample();
  const tar = gunzipSync(readFileSync(archive));
  const at = tar.indexOf(Buffer.alloc(64, 7));
  const altered = Buffer.from(tar);
  altered[at + 10] = 8;
  const alteredPath = fresh('altered.tar.gz');
  writeFileSync(alteredPath, gzipSync(altered));
  await assert.rejects(extractArchive(alteredPath, fresh('s'), () => {}), refusal(/does not match its checksum/));

  const sneaky = data('keys/audit.key', 'x');
  const listsLess = fresh('less.tar.gz');
  await writeArchive(listsLess, manifestFor([]), [sneaky]);
  await assert.rejects(extractArchive(listsLess, fresh('s'), () => {}), refusal(/manifest does not list/));

  const escaping = { ...data('keys/audit.key', 'x'), name: '../../escape' };
  const escapePath = fresh('escape.tar.gz');
  await writeArchive(escapePath, manifestFor([escaping]), [escaping]);
  const staging = fresh('s');
  await assert.rejects(extractArchive(escapePath, staging, () => {}), refusal(/lists files or facts brains would never write/));
  assert.equal(existsSync(join(staging, '..', '..', 'escape')), false);
});

test('a newer archive format is refused, and what the manifest check throws stops before any file is written', async () => {
  const newer = await sample({ format_version: 2 });
  await assert.rejects(extractArchive(newer, fresh('s'), () => {}), refusal(/format 2.*upgrade brains/));
  const archive = await sample();
  const staging = fresh('s');
  await assert.rejects(
    extractArchive(archive, staging, () => {
      throw new BackupArchiveError('too big for this disk');
    }),
    refusal(/too big/),
  );
  assert.deepEqual(existsSync(staging) ? readdirSync(staging) : [], []);
});

test('an archive is never written over an existing file, and nothing partial is left beside it', async () => {
  const out = fresh('taken.tar.gz');
  writeFileSync(out, 'mine');
  await assert.rejects(writeArchive(out, manifestFor([]), []), /already exists; choose a new name/);
  assert.equal(readFileSync(out, 'utf8'), 'mine');
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.partial')), []);
});
