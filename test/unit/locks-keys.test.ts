// Lock keys: one spelling per path, refused spellings, and the glob overlap rule (exact, conservative only past its step budget).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrainsError } from '../../rpc/errors.js';
import { keysOverlap, normalizeKey, parseKey, requestsConflict } from '../../daemon/planes/locks/keys.js';

const overlap = (a: string, b: string) => keysOverlap(parseKey(normalizeKey(a)), parseKey(normalizeKey(b)));

test('paths fold to one spelling: // and . segments go, a trailing / goes, star runs shrink, a leading / stays', () => {
  const cases: Array<[string, string]> = [
    ['src/api/x.ts', 'src/api/x.ts'],
    ['./src//api/./x.ts', 'src/api/x.ts'],
    ['src/api/', 'src/api'],
    ['/abs//path/', '/abs/path'],
    ['/', '/'],
    ['//', '/'],
    ['src/**/**/x', 'src/**/x'],
    ['a***b/c', 'a*b/c'],
    ['deploy-prod', 'deploy-prod'],
    ['pages/[id].tsx', 'pages/[id].tsx'],
    ["'; DROP TABLE lock_leases; --", "'; DROP TABLE lock_leases; --"],
  ];
  for (const [raw, want] of cases) assert.equal(normalizeKey(raw), want, raw);
});

test('.. segments, empty names and control characters are refused with INVALID', () => {
  for (const raw of ['../etc/passwd', 'src/../x', '..', '.', './', '', 'a\u0000b', 'a\nb', 'a\rb', 'x'.repeat(1025)]) {
    assert.throws(
      () => normalizeKey(raw),
      (e: unknown) => e instanceof BrainsError && e.appCode === 'INVALID',
      JSON.stringify(raw.slice(0, 20)),
    );
  }
  assert.equal(normalizeKey('a..b/..c'), 'a..b/..c', 'dots inside a name are fine');
});

test('paths conflict only with themselves; globs with every path they cover', () => {
  const yes: Array<[string, string]> = [
    ['src/a.ts', 'src/a.ts'],
    ['src/**', 'src/a.ts'],
    ['src/**', 'src/deep/er/a.ts'],
    ['src/**', 'src'],
    ['*.ts', 'a.ts'],
    ['src/*.ts', 'src/a.ts'],
    ['src/?.ts', 'src/a.ts'],
    ['**', 'anything/at/all'],
    ['**/x.ts', 'x.ts'],
    ['**/x.ts', 'a/b/x.ts'],
    ['src/**/test/*.ts', 'src/a/b/test/c.ts'],
    ['/abs/**', '/abs/x'],
  ];
  const no: Array<[string, string]> = [
    ['src/a.ts', 'src/b.ts'],
    ['src/**', 'lib/a.ts'],
    ['src/**', 'srcx/a.ts'],
    ['*.ts', 'src/a.ts'],
    ['*.ts', 'a.js'],
    ['src/?.ts', 'src/ab.ts'],
    ['src/*.ts', 'src/a/b.ts'],
    ['/abs/**', 'abs/x'],
    ['**', '/x'],
  ];
  for (const [a, b] of yes) {
    assert.equal(overlap(a, b), true, `${a} vs ${b}`);
    assert.equal(overlap(b, a), true, `${b} vs ${a}`);
  }
  for (const [a, b] of no) {
    assert.equal(overlap(a, b), false, `${a} vs ${b}`);
    assert.equal(overlap(b, a), false, `${b} vs ${a}`);
  }
});

test('two globs conflict exactly when some path matches both', () => {
  const yes: Array<[string, string]> = [
    ['src/**', 'src/api/**'],
    ['src/**', '**/*.ts'],
    ['*.ts', 'a*'],
    ['src/*/x.ts', 'src/api/*'],
    ['a*b', '*ab'],
    ['?', '*'],
    ['src/**/x', 'src/*/x'],
    ['**/a/**', '**/b/**'],
    ['x*y*z', '*q*'],
  ];
  const no: Array<[string, string]> = [
    ['src/**', 'lib/**'],
    ['*.ts', '*.js'],
    ['src/*/x.ts', 'src/*/y.ts'],
    ['a*', 'b*'],
    ['?', '??'],
    ['*.ts', '*/*.ts'],
    ['src/?/x', 'src/??/x'],
    ['a/*/b', 'a/b'],
  ];
  for (const [a, b] of yes) {
    assert.equal(overlap(a, b), true, `${a} vs ${b}`);
    assert.equal(overlap(b, a), true, `${b} vs ${a}`);
  }
  for (const [a, b] of no) {
    assert.equal(overlap(a, b), false, `${a} vs ${b}`);
    assert.equal(overlap(b, a), false, `${b} vs ${a}`);
  }
});

test('a pathological pair stops at the step budget and answers conflict (the conservative side)', () => {
  // No path matches both (one ends in x, the other in y), but proving it would take far more than the budget.
  const endsInX = `${'*a'.repeat(300)}x`;
  const endsInY = `${'*a'.repeat(300)}y`;
  assert.equal(overlap(endsInX, endsInY), true);
  // Small cases of the same shape are still answered exactly.
  assert.equal(overlap('*a*ax', '*a*ay'), false);
});

test('shared requests never conflict with each other; anything with an exclusive side does when the keys meet', () => {
  const key = (k: string) => parseKey(normalizeKey(k));
  const g = 'global';
  assert.equal(requestsConflict({ scope: g, key: key('a'), mode: 'shared' }, { scope: g, key: key('a'), mode: 'shared' }), false);
  assert.equal(requestsConflict({ scope: g, key: key('a'), mode: 'shared' }, { scope: g, key: key('a'), mode: 'exclusive' }), true);
  assert.equal(requestsConflict({ scope: g, key: key('a'), mode: 'exclusive' }, { scope: g, key: key('b'), mode: 'exclusive' }), false);
});

test('keys of two scopes never conflict, however they overlap', () => {
  const key = (k: string) => parseKey(normalizeKey(k));
  assert.equal(requestsConflict({ scope: '/w/shop/.git', key: key('src/api/x.ts'), mode: 'exclusive' }, { scope: '/w/blog/.git', key: key('src/api/x.ts'), mode: 'exclusive' }), false);
  assert.equal(requestsConflict({ scope: '/w/shop/.git', key: key('src/**'), mode: 'exclusive' }, { scope: 'global', key: key('src/api/x.ts'), mode: 'exclusive' }), false);
  assert.equal(requestsConflict({ scope: '/w/shop/.git', key: key('src/**'), mode: 'exclusive' }, { scope: '/w/shop/.git', key: key('src/api/x.ts'), mode: 'shared' }), true);
});
