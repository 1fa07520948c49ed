// Daemon settings: flags beat environment, durations parse, and bad values stop with a message naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../daemon/config.js';

test('defaults', () => {
  const c = loadConfig([], {});
  assert.equal(c.logFormat, 'human');
  assert.equal(c.maxFrameBytes, 4 * 1024 * 1024);
  assert.equal(c.eventRetentionSeconds, 7 * 86400);
  assert.equal(c.eventRetentionMax, 1_000_000);
});

test('flags beat environment variables; both forms of flag work', () => {
  const c = loadConfig(['--log-format=json', '--event-retention', '12h'], { BRAINS_LOG_FORMAT: 'human', BRAINS_EVENT_RETENTION: '1d', BRAINS_EVENT_RETENTION_MAX: 'off' });
  assert.equal(c.logFormat, 'json');
  assert.equal(c.eventRetentionSeconds, 12 * 3600);
  assert.equal(c.eventRetentionMax, null);
});

test('bad values are refused with the flag and env names', () => {
  for (const [args, pattern] of [
    [['--log-format', 'xml'], /--log-format \(or BRAINS_LOG_FORMAT\) must be one of human, json/],
    [['--event-retention', '7 days'], /duration such as/],
    [['--max-frame-bytes', '12'], /whole number from 1024/],
    [['--nope'], /unknown option --nope/],
    [['--log-level'], /needs a value/],
  ] as const) {
    assert.throws(() => loadConfig(args, {}), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), args.join(' '));
  }
});
