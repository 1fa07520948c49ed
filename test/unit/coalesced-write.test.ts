// Replies written in one tick leave together at its end, unless one is flushed at once (a woken wait's answer).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushCoalesced, writeCoalesced } from '../../rpc/coalesced-write.js';

const dir = mkdtempSync(join(tmpdir(), 'bcw-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function pair(): Promise<{ writer: Socket; received: () => string; close: () => void }> {
  const path = join(dir, 's');
  let text = '';
  const server = createServer((peer) => peer.on('data', (chunk) => (text += chunk.toString())));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const writer = connect(path);
  await new Promise<void>((resolve) => writer.once('connect', resolve));
  return { writer, received: () => text, close: () => (writer.destroy(), server.close()) };
}

test('writes of one tick are held until the tick has run, then leave as one', async () => {
  const { writer, received, close } = await pair();
  writeCoalesced(writer, 'a');
  writeCoalesced(writer, 'b');
  assert.equal(writer.writableCorked, 1);
  assert.equal(writer.writableLength, 2, 'held');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writer.writableCorked, 0);
  await waitUntil(() => received() === 'ab');
  close();
});

test('flushCoalesced sends what the tick wrote so far at once; later writes of the tick are coalesced again', async () => {
  const { writer, received, close } = await pair();
  writeCoalesced(writer, 'answer');
  flushCoalesced(writer);
  assert.equal(writer.writableCorked, 0);
  assert.equal(writer.writableLength, 0, 'handed to the kernel before the tick ended');
  writeCoalesced(writer, '+more');
  assert.equal(writer.writableCorked, 1);
  flushCoalesced(writer);
  flushCoalesced(writer);
  assert.equal(writer.writableCorked, 0, 'flushing twice uncorks only what was corked');
  await waitUntil(() => received() === 'answer+more');
  close();
});

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.ok(ok());
}
