// The wired tools' MCP keys file: made once per tool, reused, revoked; the daemon's ring sees changes at once and trusts nothing malformed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientKeyRing, clientKeysPath, ensureClientKey, peekClientKey, revokeClientKey } from '../../daemon/http/client-keys.js';

function keysDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'bk-')), 'keys');
}

describe('MCP client keys', () => {
  test('a key is made once per tool, 0600 in a 0700 directory, reused, and revoked', () => {
    const dir = keysDir();
    assert.equal(peekClientKey(dir, 'codex'), null);
    const made = ensureClientKey(dir, 'codex');
    assert.equal(made.created, true);
    assert.match(made.key, /^brains_w_[0-9a-f]{64}$/);
    assert.equal(statSync(clientKeysPath(dir)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(ensureClientKey(dir, 'codex'), { key: made.key, created: false });
    assert.notEqual(ensureClientKey(dir, 'gemini').key, made.key);
    assert.equal(revokeClientKey(dir, 'codex'), true);
    assert.equal(revokeClientKey(dir, 'codex'), false);
    assert.equal(peekClientKey(dir, 'codex'), null);
    assert.notEqual(ensureClientKey(dir, 'codex').key, made.key, 'a revoked key is never handed out again');
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  test('hostile tool names are refused before any file is touched', () => {
    const dir = keysDir();
    for (const name of ['', '../admin', 'Codex', 'a b', 'x'.repeat(65), '__proto__', 'codex\n']) {
      assert.throws(() => ensureClientKey(dir, name), /not a client name/, JSON.stringify(name));
    }
    assert.throws(() => statSync(dir), /ENOENT/);
  });

  test('a damaged file is an error naming it, never overwritten; entries of the wrong shape are ignored', () => {
    const dir = keysDir();
    ensureClientKey(dir, 'codex');
    writeFileSync(clientKeysPath(dir), '{"clients": ');
    assert.throws(() => ensureClientKey(dir, 'gemini'), /mcp-clients\.json is not valid JSON; fix it or delete it/);
    assert.equal(readFileSync(clientKeysPath(dir), 'utf8'), '{"clients": ', 'left as it was');
    writeFileSync(clientKeysPath(dir), JSON.stringify({ clients: { codex: { key: 'short' }, 'Bad Name': { key: `brains_w_${'a'.repeat(64)}` }, gemini: 'x' } }));
    assert.equal(peekClientKey(dir, 'codex'), null);
    assert.equal(peekClientKey(dir, 'gemini'), null);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  test('the ring finds a key by value, sees new and revoked keys without a restart, and holds no keys while the file is damaged', () => {
    const dir = keysDir();
    const problems: string[] = [];
    const ring = new ClientKeyRing(dir, (message) => problems.push(message));
    assert.equal(ring.lookup('anything'), null, 'no file: no keys');
    const codex = ensureClientKey(dir, 'codex').key;
    assert.equal(ring.lookup(codex), 'codex');
    assert.equal(ring.lookup(codex.slice(0, -1)), null);
    assert.equal(ring.lookup(`${codex} `), null);
    const gemini = ensureClientKey(dir, 'gemini').key;
    assert.equal(ring.lookup(gemini), 'gemini');
    revokeClientKey(dir, 'codex');
    assert.equal(ring.lookup(codex), null, 'revoked at once');
    const good = readFileSync(clientKeysPath(dir), 'utf8');
    writeFileSync(clientKeysPath(dir), `${good}garbage`);
    assert.equal(ring.lookup(gemini), null);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /ignored: .*not valid JSON/);
    writeFileSync(clientKeysPath(dir), good);
    assert.equal(ring.lookup(gemini), 'gemini');
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });
});
