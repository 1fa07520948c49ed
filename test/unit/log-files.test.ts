// The daemon log read back and rotated: the line parser (human, JSON, anything else), the keep-N shift, the copy-truncate writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atLeast, entryJson, parseLogLine } from '../../rpc/log-lines.js';
import { DEFAULT_LOG_LIMITS, logLimitsFrom, rotateBeforeAppending, rotatedLogs, shiftRotatedLogs } from '../../rpc/log-files.js';
import { createLogger } from '../../daemon/log.js';
import { RotatingLog } from '../../daemon/log-rotation.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bl-'));
}

test('a human line is read back into time, level, message and typed fields, as the logger wrote it', () => {
  const lines: string[] = [];
  const log = createLogger({ format: 'human', level: 'debug', color: false, write: (line) => lines.push(line) });
  log.info('listening on the socket', { socket: '/tmp/a b.sock', pid: 42, ok: true, none: null, services: 'a,b', id: 'x=y', quote: 'say "hi"' });
  log.warn('no fields');
  const entry = parseLogLine(lines[0]!.trimEnd());
  assert.match(entry.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(entry.level, 'info');
  assert.equal(entry.msg, 'listening on the socket');
  assert.deepEqual(entry.fields, { socket: '/tmp/a b.sock', pid: 42, ok: true, none: null, services: 'a,b', id: 'x=y', quote: 'say "hi"' });
  assert.equal(entry.raw, false);
  const bare = parseLogLine(lines[1]!.trimEnd());
  assert.deepEqual([bare.level, bare.msg, bare.fields], ['warn', 'no fields', {}]);
  assert.equal(JSON.stringify(entryJson(entry)), JSON.stringify({ time: entry.time, level: 'info', msg: 'listening on the socket', socket: '/tmp/a b.sock', pid: 42, ok: true, none: null, services: 'a,b', id: 'x=y', quote: 'say "hi"' }));
});

test('a JSON line (--log-format json) is read as it is; fields never overwrite time, level or msg', () => {
  const lines: string[] = [];
  const log = createLogger({ format: 'json', level: 'debug', color: false, write: (line) => lines.push(line) });
  log.error('the daemon could not start', { error: 'EACCES', nested: { a: [1] } });
  const entry = parseLogLine(lines[0]!.trimEnd());
  assert.equal(entry.level, 'error');
  assert.equal(entry.msg, 'the daemon could not start');
  assert.deepEqual(entry.fields, { error: 'EACCES', nested: { a: [1] } });
  assert.deepEqual(Object.keys(entryJson(entry)), ['time', 'level', 'msg', 'error', 'nested']);
  const sneaky = parseLogLine('2024-05-01T10:00:00.000Z INFO  real message level=error msg=fake time=x');
  assert.deepEqual(entryJson(sneaky), { level: 'info', msg: 'real message', time: '2024-05-01T10:00:00.000Z' });
  const proto = parseLogLine('{"level":"info","msg":"m","__proto__":{"polluted":1}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(proto.level, 'info');
});

test('anything else is passed through as it is, as an error, so --level error keeps a crash trace', () => {
  for (const garbage of ['    at Object.<anonymous> (/x/main.js:1:1)', 'TypeError: x is not a function', '{"not":"a log line"}', '{broken json', '2024-05-01 INFO not iso', '\u001b[2J\u202Eevil', '']) {
    const entry = parseLogLine(garbage);
    assert.equal(entry.raw, true, garbage);
    assert.equal(entry.level, 'error');
    assert.equal(entry.msg, garbage);
    assert.deepEqual(entryJson(entry), { level: 'error', msg: garbage, raw: true });
    assert.equal(atLeast(entry, 'error'), true);
  }
  const demo = parseLogLine('2024-05-01T10:00:00.000Z planner sent a message');
  assert.deepEqual([demo.level, demo.msg, demo.raw], ['info', 'planner sent a message', false], "brains demo's lines carry a time and no level");
  const coloured = parseLogLine('2024-05-01T10:00:00.000Z \u001b[33mWARN \u001b[0m careful');
  assert.deepEqual([coloured.level, coloured.msg], ['warn', 'careful']);
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const info = parseLogLine('2024-05-01T10:00:00.000Z INFO  x');
  assert.deepEqual(levels.map((level) => atLeast(info, level)), [true, true, false, false]);
});

test('the shift keeps N copies: the oldest and any beyond N are dropped, .1 is free, modes stay 0600', () => {
  const dir = tempDir();
  try {
    const log = join(dir, 'daemon.log');
    for (const n of [1, 2, 3, 7]) writeFileSync(`${log}.${n}`, `copy ${n}\n`, { mode: 0o600 });
    writeFileSync(`${log}.x`, 'not a copy');
    writeFileSync(`${log}.01`, 'not a copy either');
    shiftRotatedLogs(log, 3);
    assert.deepEqual(rotatedLogs(log).map(({ n }) => n), [2, 3]);
    assert.equal(readFileSync(`${log}.2`, 'utf8'), 'copy 1\n');
    assert.equal(readFileSync(`${log}.3`, 'utf8'), 'copy 2\n');
    assert.equal(existsSync(`${log}.x`) && existsSync(`${log}.01`), true, 'other files stay');
    assert.equal(statSync(`${log}.2`).mode & 0o777, 0o600);
    shiftRotatedLogs(log, 1);
    assert.deepEqual(rotatedLogs(log), [], 'keep 1: the only copy goes, to make room for the next');

    writeFileSync(log, 'x'.repeat(100), { mode: 0o600 });
    rotateBeforeAppending(log, { maxBytes: 100, keepFiles: 2 });
    assert.equal(existsSync(`${log}.1`), false, 'not over the limit: left alone');
    writeFileSync(log, 'y'.repeat(101), { mode: 0o644 });
    rotateBeforeAppending(log, { maxBytes: 100, keepFiles: 2 });
    assert.equal(existsSync(log), false);
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'y'.repeat(101));
    assert.equal(statSync(`${log}.1`).mode & 0o777, 0o600);
    rotateBeforeAppending(join(dir, 'missing.log'), { maxBytes: 1, keepFiles: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the limits come from config.json, with the defaults for what is missing, out of range or unreadable', () => {
  const dir = tempDir();
  try {
    const config = join(dir, 'config.json');
    assert.deepEqual(logLimitsFrom(config), DEFAULT_LOG_LIMITS);
    assert.deepEqual(DEFAULT_LOG_LIMITS, { maxBytes: 10 * 1024 * 1024, keepFiles: 5 });
    writeFileSync(config, JSON.stringify({ log_max_bytes: 65536, log_keep_files: 2 }));
    assert.deepEqual(logLimitsFrom(config), { maxBytes: 65536, keepFiles: 2 });
    writeFileSync(config, JSON.stringify({ log_max_bytes: 10, log_keep_files: 'many' }));
    assert.deepEqual(logLimitsFrom(config), DEFAULT_LOG_LIMITS);
    writeFileSync(config, '{not json');
    assert.deepEqual(logLimitsFrom(config), DEFAULT_LOG_LIMITS);
    writeFileSync(config, 'null');
    assert.deepEqual(logLimitsFrom(config), DEFAULT_LOG_LIMITS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer rotates by copy-truncate past the limit, whole lines only, and reads the limits fresh', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'daemon.log');
    const fd = openSync(path, 'a', 0o600);
    try {
      assert.equal(RotatingLog.forFd(join(dir, 'other.log'), fd), null, 'not the same file');
      const writer = RotatingLog.forFd(path, fd)!;
      let limits = { maxBytes: 1000, keepFiles: 3 };
      const trouble: string[] = [];
      writer.useLimits(() => limits, (message) => trouble.push(message));
      const line = (i: number) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(90)}\n`;
      for (let i = 0; i < 60; i++) writer.write(line(i));
      const files = [...rotatedLogs(path).map((f) => f.path).reverse(), path];
      assert.deepEqual(rotatedLogs(path).map(({ n }) => n), [1, 2, 3], 'at most keepFiles copies');
      assert.ok(statSync(path).size <= 1000, 'the log itself is under the limit');
      const kept = files.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean));
      assert.ok(kept.every((text, i) => i === 0 || Number(text.slice(5, 9)) === Number(kept[i - 1]!.slice(5, 9)) + 1), 'consecutive, none lost between the kept files');
      assert.equal(kept.at(-1), line(59).trimEnd());
      for (const file of files) assert.match(readFileSync(file, 'utf8'), /^(line \d{4} x{90}\n)*$/, `${file}: whole lines`);
      for (const file of files) assert.equal(statSync(file).mode & 0o777, 0o600);
      limits = { maxBytes: 100_000, keepFiles: 1 };
      for (let i = 60; i < 80; i++) writer.write(line(i));
      assert.deepEqual(rotatedLogs(path).map(({ n }) => n), [1, 2, 3], 'a larger limit applies at once: no rotation');
      assert.deepEqual(trouble, []);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rotation that fails is reported once, the writer carries on, and tries again once the log has grown by another limit', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'daemon.log');
    const fd = openSync(path, 'a', 0o600);
    try {
      const writer = RotatingLog.forFd(path, fd)!;
      const trouble: string[] = [];
      const log = createLogger({ format: 'human', level: 'debug', color: false, write: writer.write });
      writer.useLimits(() => ({ maxBytes: 1000, keepFiles: 1 }), (message, fields) => {
        trouble.push(message);
        log.warn(message, fields);
      });
      // A directory where the copy must go: it cannot be removed or overwritten, even by root.
      mkdirSync(`${path}.1`);
      writeFileSync(join(`${path}.1`, 'inside'), 'x');
      for (let i = 0; i < 30; i++) log.info(`entry ${i}`, { pad: 'p'.repeat(80) });
      assert.equal(trouble.length, 1, trouble.join('\n'));
      assert.match(trouble[0]!, /could not rotate; it keeps growing/);
      const text = readFileSync(path, 'utf8');
      assert.match(text, /entry 29/);
      assert.ok(text.split('\n').filter(Boolean).every((l) => !parseLogLine(l).raw));
      rmSync(`${path}.1`, { recursive: true });
      for (let i = 30; i < 60; i++) log.info(`entry ${i}`, { pad: 'p'.repeat(80) });
      assert.equal(existsSync(`${path}.1`), true, 'rotated once it could');
      assert.ok(statSync(path).size <= 1000);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
