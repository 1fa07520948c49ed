// The line framer: frame boundaries, CRLF, blank lines, strict UTF-8 and the size limit with recovery; coalesced writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineFramer, decodeFrame } from '../../rpc/frame.js';
import { writeCoalesced } from '../../rpc/coalesced-write.js';

function framer(limit = 100) {
  const frames: string[] = [];
  const oversized: number[] = [];
  const f = new LineFramer(limit, { frame: (b) => frames.push(b.toString()), oversize: (l) => oversized.push(l) });
  return { f, frames, oversized };
}

test('splits frames on LF, strips CR, skips blank lines', () => {
  const { f, frames } = framer();
  f.push(Buffer.from('a\r\n\n  \r\nb\nc'));
  assert.deepEqual(frames, ['a', 'b']);
  f.push(Buffer.from('d\n'));
  assert.deepEqual(frames, ['a', 'b', 'cd']);
  assert.equal(f.bufferedBytes, 0);
});

test('a frame arriving one byte at a time is assembled once', () => {
  const { f, frames } = framer();
  for (const byte of Buffer.from('{"x":1}\n')) f.push(Buffer.from([byte]));
  assert.deepEqual(frames, ['{"x":1}']);
});

test('a frame over the limit is reported once, dropped to its newline, and the next frame gets through', () => {
  const { f, frames, oversized } = framer(10);
  f.push(Buffer.from('0123456789AB'));
  f.push(Buffer.from('more more more'));
  f.push(Buffer.from('tail\nok\n'));
  assert.deepEqual(oversized, [10]);
  assert.deepEqual(frames, ['ok']);
  assert.equal(f.bufferedBytes, 0);
});

test('a frame exactly at the limit passes', () => {
  const { f, frames, oversized } = framer(10);
  f.push(Buffer.from('0123456789\n'));
  assert.deepEqual(frames, ['0123456789']);
  assert.deepEqual(oversized, []);
});

test('decodeFrame refuses invalid UTF-8 and keeps valid multi-byte text', () => {
  assert.equal(decodeFrame(Buffer.from([0x7b, 0xff, 0x7d])), null);
  assert.equal(decodeFrame(Buffer.from([0xe6, 0x97])), null);
  assert.equal(decodeFrame(Buffer.from('日本')), '日本');
});

test('writes made in one tick reach the peer as one chunk, and a later tick writes again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-'));
  const chunks: string[] = [];
  const server = createServer((socket) => socket.on('data', (chunk) => chunks.push(chunk.toString())));
  await new Promise<void>((resolve) => server.listen(join(dir, 's.sock'), resolve));
  const client = connect(join(dir, 's.sock'));
  await new Promise<void>((resolve) => client.once('connect', resolve));
  try {
    for (const frame of ['a\n', 'b\n', 'c\n']) writeCoalesced(client, frame);
    assert.equal(client.writableCorked, 1, 'corked until the tick ends');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(chunks, ['a\nb\nc\n']);
    writeCoalesced(client, 'd\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(chunks.join(''), 'a\nb\nc\nd\n');
    assert.equal(client.writableCorked, 0);
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
