// One backup archive: brains-backup.json first (what it holds), then the files, then checksums.json; ustar inside gzip.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzip } from 'node:zlib';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { BLOCK, END_OF_ARCHIVE, padding, parseTarHeader, tarHeader, TarFormatError } from './tar.js';

export const MANIFEST_NAME = 'brains-backup.json';
export const CHECKSUMS_NAME = 'checksums.json';
export const ARCHIVE_FORMAT = 'brains-backup';
export const ARCHIVE_FORMAT_VERSION = 1;
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Level 1: a database's pages shrink nearly as much as at level 6, in a third of the time. */
const GZIP_LEVEL = 1;
const MEMBER_BYTES = 4 * 1024 * 1024;
const gzipAsync = promisify(gzip);
/** The only files an archive may hold, so a crafted one cannot write outside the staging directory. */
const ALLOWED_NAME = /^(brains\.db|config\.json|gateway\.json|keys\/[A-Za-z0-9][A-Za-z0-9._-]{0,80})$/;

export interface BackupManifest {
  format: typeof ARCHIVE_FORMAT;
  format_version: number;
  created_at: string;
  brains_version: string;
  schema_version: number;
  /** manual (brains backup), scheduled, or pre-migration. */
  reason: string;
  counts: Record<string, number>;
  files: Array<{ name: string; bytes: number }>;
}

/** A file to put in the archive: read from `path` as it streams (the database copy), or held in memory (keys, config). */
export type ArchiveFile = { name: string; mode: number; bytes: number } & ({ path: string } | { data: Buffer });

/** Thrown for anything wrong with an archive being read; the message says what, for a person. */
export class BackupArchiveError extends Error {
  override name = 'BackupArchiveError';
}

/** Write the archive to a temporary file beside `out`, then link it into place: `out` is whole or absent, never replaced. */
export async function writeArchive(out: string, manifest: BackupManifest, files: readonly ArchiveFile[]): Promise<void> {
  const tmp = join(dirname(out), `.${process.pid}-${Date.now()}.partial`);
  try {
    await pipeline(Readable.from(gzipMembers(archiveBlocks(manifest, files))), createWriteStream(tmp, { mode: 0o600 }));
    // A hard link, unlike a rename, fails when `out` appeared meanwhile: a backup never replaces a file.
    await link(tmp, out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw Object.assign(new Error(`${out} already exists; choose a new name (a backup never overwrites a file)`), { code: 'EEXIST' });
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function* archiveBlocks(manifest: BackupManifest, files: readonly ArchiveFile[]): AsyncGenerator<Buffer> {
  const mtimeSeconds = Date.parse(manifest.created_at) / 1000;
  const head = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  yield* small(MANIFEST_NAME, head, mtimeSeconds);
  const sums: Record<string, { bytes: number; sha256: string }> = {};
  for (const file of files) {
    yield tarHeader({ name: file.name, size: file.bytes, mode: file.mode, mtimeSeconds });
    const hash = createHash('sha256');
    let seen = 0;
    const chunks: AsyncIterable<Buffer> | Buffer[] = 'data' in file ? [file.data] : createReadStream(file.path, { highWaterMark: 1024 * 1024 });
    for await (const chunk of chunks) {
      hash.update(chunk);
      seen += chunk.length;
      yield chunk;
    }
    if (seen !== file.bytes) throw new Error(`${file.name} changed size while it was archived (${file.bytes} -> ${seen} bytes)`);
    yield padding(file.bytes);
    sums[file.name] = { bytes: seen, sha256: hash.digest('hex') };
  }
  yield* small(CHECKSUMS_NAME, Buffer.from(`${JSON.stringify({ files: sums }, null, 2)}\n`), mtimeSeconds);
  yield END_OF_ARCHIVE;
}

/**
 * The tar stream as consecutive gzip members of about 4 MiB, compressed side by side on the thread pool (gzip readers,
 * tar and Node's gunzip alike, read concatenated members as one stream): compression is most of a backup's time.
 */
async function* gzipMembers(blocks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // One core stays the daemon's, so agents are answered while it backs up.
  const side = Math.max(1, Math.min(4, availableParallelism() - 1));
  const pending: Array<Promise<Buffer>> = [];
  let batch: Buffer[] = [];
  let batched = 0;
  const compressBatch = () => {
    const job = gzipAsync(Buffer.concat(batch), { level: GZIP_LEVEL });
    job.catch(() => {}); // awaited in order below; this only keeps a failure from being reported as unhandled meanwhile
    pending.push(job);
    batch = [];
    batched = 0;
  };
  for await (const block of blocks) {
    batch.push(block);
    batched += block.length;
    if (batched < MEMBER_BYTES) continue;
    compressBatch();
    if (pending.length >= side) yield await pending.shift()!;
  }
  if (batched > 0) compressBatch();
  while (pending.length > 0) yield await pending.shift()!;
}

function* small(name: string, data: Buffer, mtimeSeconds: number): Generator<Buffer> {
  yield tarHeader({ name, size: data.length, mode: 0o600, mtimeSeconds });
  yield data;
  yield padding(data.length);
}

export interface ExtractedArchive {
  manifest: BackupManifest;
  /** Each file's path in the staging directory, by its name in the archive. */
  files: Map<string, string>;
}

/**
 * Unpack an archive into `stagingDir`, checking as it goes: it must open with a brains manifest, hold only the files that
 * manifest lists, each matching checksums.json, and end properly. `beforeFiles` sees the manifest before any file is
 * written (the caller checks the schema version and the free space there).
 */
export async function extractArchive(archive: string, stagingDir: string, beforeFiles: (manifest: BackupManifest) => Promise<void> | void): Promise<ExtractedArchive> {
  const file = createReadStream(archive);
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  const source = new ByteSource(file.pipe(gunzip));
  try {
    const first = await source.header();
    if (!first || first.name !== MANIFEST_NAME || first.size > MAX_MANIFEST_BYTES) throw new BackupArchiveError('it is a tar archive, but not a brains backup (no brains-backup.json first)');
    const manifest = readManifest(await source.take(first.size));
    await source.take(padding(first.size).length);
    await beforeFiles(manifest);
    const expected = new Map(manifest.files.map((file) => [file.name, file.bytes]));
    const files = new Map<string, string>();
    const sums = new Map<string, string>();
    for (;;) {
      const header = await source.header();
      if (!header) throw new BackupArchiveError('it ends before its checksums.json: the file is cut short or was altered');
      if (header.name === CHECKSUMS_NAME) {
        if (header.size > MAX_MANIFEST_BYTES) throw new BackupArchiveError('its checksums.json is too large to be one brains wrote');
        checkSums(await source.take(header.size), sums, manifest);
        await source.take(padding(header.size).length);
        break;
      }
      if (header.type !== '0' || !expected.has(header.name) || files.has(header.name)) {
        throw new BackupArchiveError(`it holds ${JSON.stringify(header.name)}, which its manifest does not list: not a backup brains wrote`);
      }
      if (header.size !== expected.get(header.name)) throw new BackupArchiveError(`${header.name} is ${header.size} bytes, not the ${expected.get(header.name)} its manifest says`);
      const path = join(stagingDir, header.name);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      sums.set(header.name, await source.copyTo(path, header.size));
      await source.take(padding(header.size).length);
      files.set(header.name, path);
    }
    const missing = manifest.files.filter((file) => !files.has(file.name)).map((file) => file.name);
    if (missing.length > 0) throw new BackupArchiveError(`its manifest lists ${missing.join(', ')}, which the archive does not hold`);
    if ((await source.header()) !== null) throw new BackupArchiveError('it holds more after its checksums.json: not a backup brains wrote');
    return { manifest, files };
  } catch (error) {
    throw explainReadError(error);
  } finally {
    source.close();
  }
}

function readManifest(raw: Buffer): BackupManifest {
  let parsed: Partial<BackupManifest>;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as Partial<BackupManifest>;
  } catch {
    throw new BackupArchiveError('its brains-backup.json is not valid JSON');
  }
  if (parsed.format !== ARCHIVE_FORMAT) throw new BackupArchiveError('its brains-backup.json is not a brains backup manifest');
  if (parsed.format_version !== ARCHIVE_FORMAT_VERSION) {
    throw new BackupArchiveError(`it is backup format ${String(parsed.format_version)}; this brains reads format ${ARCHIVE_FORMAT_VERSION}: upgrade brains`);
  }
  const files = Array.isArray(parsed.files) ? parsed.files : [];
  const wellFormed = files.every((f) => typeof f?.name === 'string' && ALLOWED_NAME.test(f.name) && Number.isSafeInteger(f.bytes) && f.bytes >= 0);
  if (!wellFormed || typeof parsed.schema_version !== 'number' || typeof parsed.created_at !== 'string') {
    throw new BackupArchiveError('its brains-backup.json lists files or facts brains would never write');
  }
  return { ...(parsed as BackupManifest), counts: parsed.counts && typeof parsed.counts === 'object' ? parsed.counts : {} };
}

function checkSums(raw: Buffer, seen: Map<string, string>, manifest: BackupManifest): void {
  let listed: Record<string, { sha256?: unknown }>;
  try {
    listed = (JSON.parse(raw.toString('utf8')) as { files: Record<string, { sha256?: unknown }> }).files;
  } catch {
    throw new BackupArchiveError('its checksums.json is not valid JSON');
  }
  for (const file of manifest.files) {
    const want = listed?.[file.name]?.sha256;
    if (seen.has(file.name) && want !== seen.get(file.name)) throw new BackupArchiveError(`${file.name} does not match its checksum: the archive was altered or damaged`);
  }
}

function explainReadError(error: unknown): Error {
  if (error instanceof BackupArchiveError) return error;
  if (error instanceof TarFormatError) return new BackupArchiveError(`its contents are not a valid tar archive (${error.message})`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return new BackupArchiveError('it is cut short (truncated): copy the whole file again');
  if (code === 'Z_DATA_ERROR') return new BackupArchiveError('it is not a gzip file brains wrote (or it is damaged)');
  return error as Error;
}

/** The decompressed bytes as exact-size reads, from a stream that arrives in chunks of any size. */
class ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly stream: NodeJS.ReadableStream & { destroy(): void }) {
    this.iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async header() {
    await this.fill(1);
    if (this.buffered === 0) throw new BackupArchiveError('it ends without the two empty blocks that close a tar archive: the file is cut short');
    return parseTarHeader(await this.take(BLOCK));
  }

  async take(length: number): Promise<Buffer> {
    await this.fill(length);
    if (this.buffered < length) throw new BackupArchiveError('it is cut short (truncated): copy the whole file again');
    const whole = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = whole.subarray(0, length);
    const rest = whole.subarray(length);
    this.chunks.length = 0;
    if (rest.length > 0) this.chunks.push(rest);
    this.buffered = rest.length;
    return out;
  }

  /** Write the next `length` bytes to a new file (0600) and return their sha256. */
  async copyTo(path: string, length: number): Promise<string> {
    const hash = createHash('sha256');
    const file = await open(path, 'wx', 0o600);
    try {
      let left = length;
      while (left > 0) {
        await this.fill(1);
        if (this.buffered === 0) throw new BackupArchiveError('it is cut short (truncated): copy the whole file again');
        const chunk = this.chunks[0]!;
        const part = chunk.length <= left ? chunk : chunk.subarray(0, left);
        if (part === chunk) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(left);
        this.buffered -= part.length;
        left -= part.length;
        hash.update(part);
        await file.write(part);
      }
    } finally {
      await file.close();
    }
    return hash.digest('hex');
  }

  close(): void {
    this.stream.destroy();
  }

  private async fill(length: number): Promise<void> {
    while (this.buffered < length && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
  }
}
