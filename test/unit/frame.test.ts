// The line framer: frame boundaries, CRLF, blank lines, strict UTF-8 and the size limit with recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineFramer, decodeFrame } from '../../rpc/frame.js';

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
