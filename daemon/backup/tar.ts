// The POSIX ustar format, written and read as streams: a backup opens with `tar tzf`, and a 1 GiB database never sits in memory.

export const BLOCK = 512;
/** The largest size the 11 octal digits of a plain ustar header hold; bigger files use the base-256 form GNU tar reads. */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarEntryHeader {
  name: string;
  size: number;
  mode: number;
  mtimeSeconds: number;
  /** '0' a regular file; anything else is refused by the reader of a backup. */
  type: string;
}

/** One 512-byte ustar header for a regular file. */
export function tarHeader(entry: { name: string; size: number; mode: number; mtimeSeconds: number }): Buffer {
  const nameBytes = Buffer.byteLength(entry.name);
  if (nameBytes === 0 || nameBytes > 100) throw new Error(`tar entry name must be 1-100 bytes: ${entry.name}`);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(entry.name, 0, 100, 'utf8');
  writeOctal(header, 100, 8, entry.mode & 0o7777);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  if (entry.size <= MAX_OCTAL_SIZE) writeOctal(header, 124, 12, entry.size);
  else writeBase256(header, 124, 12, entry.size);
  writeOctal(header, 136, 12, Math.floor(entry.mtimeSeconds));
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('brains', 265, 32, 'ascii');
  header.write('brains', 297, 32, 'ascii');
  header.fill(0x20, 148, 156);
  const sum = checksum(header);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** Zero bytes that fill the last block of an entry's data. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK, 0);

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

/** Reads one header block: the entry it announces, or null for the zero block that ends the archive. */
export function parseTarHeader(block: Buffer): TarEntryHeader | null {
  if (block.length !== BLOCK) throw new TarFormatError('the archive ends inside a header');
  if (block.every((byte) => byte === 0)) return null;
  const stored = parseOctal(block, 148, 8);
  const copy = Buffer.from(block);
  copy.fill(0x20, 148, 156);
  if (stored !== checksum(copy)) throw new TarFormatError('a tar header fails its checksum');
  if (block.toString('ascii', 257, 262) !== 'ustar') throw new TarFormatError('not a ustar archive');
  const prefix = cString(block, 345, 155);
  const name = cString(block, 0, 100);
  const sizeField = block.subarray(124, 136);
  const size = (sizeField[0]! & 0x80) !== 0 ? parseBase256(sizeField) : parseOctal(block, 124, 12);
  const type = String.fromCharCode(block[156] || 0x30);
  return { name: prefix ? `${prefix}/${name}` : name, size, mode: parseOctal(block, 100, 8), mtimeSeconds: parseOctal(block, 136, 12), type };
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (const byte of block) sum += byte;
  return sum;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  let rest = BigInt(value);
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[offset] = 0x80;
}

function parseOctal(block: Buffer, offset: number, length: number): number {
  const text = cString(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError('a tar header holds a malformed number');
  return parseInt(text, 8);
}

function parseBase256(field: Buffer): number {
  let value = BigInt(field[0]! & 0x7f);
  for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarFormatError('a tar entry is too large');
  return Number(value);
}

function cString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}
