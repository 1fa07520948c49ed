// When schedules run, as pure functions: cron with a time zone across both daylight-saving changes (Vixie cron's rules),
// intervals, one-shots, the templates' placeholders, and `when` refused with the field at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDue, whenSpecOf, type WhenSpec } from '../../daemon/planes/schedules/when.js';
import { expandTemplate } from '../../daemon/planes/schedules/actions.js';
import { BrainsError } from '../../rpc/errors.js';

const ms = (iso: string) => Date.parse(iso);
const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());

/** The next `count` due times after `from`, each from the one before. */
function series(spec: WhenSpec, from: string, count: number): Array<string | null> {
  const out: Array<string | null> = [];
  let at = ms(from);
  for (let i = 0; i < count; i += 1) {
    const next = nextDue(spec, at);
    out.push(iso(next));
    if (next === null) break;
    at = next;
  }
  return out;
}

const berlin = (cron: string): WhenSpec => ({ cron, tz: 'Europe/Berlin' });

test('a fixed-time job in the hour skipped when clocks spring forward runs once, right after the change', () => {
  // 2026-03-29 in Berlin: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 does not exist that day.
  assert.deepEqual(series(berlin('30 2 * * *'), '2026-03-28T12:00:00Z', 3), ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  // A job outside the gap is untouched.
  assert.deepEqual(series(berlin('0 9 * * *'), '2026-03-28T12:00:00Z', 2), ['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
});

test('a fixed-time job in the hour repeated when clocks fall back runs once', () => {
  // 2026-10-25 in Berlin: 03:00 CEST becomes 02:00 CET (01:00Z); 02:30 happens twice (00:30Z and 01:30Z).
  assert.deepEqual(series(berlin('30 2 * * *'), '2026-10-24T12:00:00Z', 3), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
});

test('jobs that run every hour or more often follow elapsed time across both changes: none lost, none doubled', () => {
  assert.deepEqual(series(berlin('0 * * * *'), '2026-10-24T23:30:00Z', 4), ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
  assert.deepEqual(series(berlin('0 * * * *'), '2026-03-28T23:30:00Z', 4), ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z', '2026-03-29T03:00:00.000Z']);
  assert.deepEqual(series(berlin('*/30 * * * *'), '2026-03-29T00:00:00Z', 4), ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z']);
});

test('cron without a time zone, six fields, and weekdays', () => {
  assert.deepEqual(series({ cron: '0 9 * * 1-5', tz: 'UTC' }, '2026-11-27T10:00:00Z', 2), ['2026-11-30T09:00:00.000Z', '2026-12-01T09:00:00.000Z']);
  assert.deepEqual(series({ cron: '*/10 * * * * *', tz: 'UTC' }, '2026-11-27T10:00:00Z', 2), ['2026-11-27T10:00:10.000Z', '2026-11-27T10:00:20.000Z']);
});

test('an interval counts from its anchor, so a late wake does not shift it; a one-shot runs once', () => {
  const every = whenSpecOf({ every_seconds: 60 }, ms('2026-01-01T00:00:00Z'));
  assert.equal(iso(nextDue(every, ms('2026-01-01T00:00:00Z'))), '2026-01-01T00:01:00.000Z');
  assert.equal(iso(nextDue(every, ms('2026-01-01T00:01:00.250Z'))), '2026-01-01T00:02:00.000Z');
  assert.equal(iso(nextDue(every, ms('2026-01-01T05:00:30Z'))), '2026-01-01T05:01:00.000Z', 'after downtime: the next after now, not every missed one');
  const once = whenSpecOf({ at: '2026-01-01T00:05:00+01:00' }, ms('2025-12-31T00:00:00Z'));
  assert.deepEqual(series(once, '2025-12-31T00:00:00Z', 2), ['2025-12-31T23:05:00.000Z', null]);
});

function refused(fn: () => unknown, code: string, field: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof BrainsError, String(error));
    assert.equal(error.appCode, code);
    assert.equal((error.details as { field?: string }).field, field);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a bad `when` is refused naming the field, and for cron the field of the expression', () => {
  const now = ms('2026-01-01T00:00:00Z');
  refused(() => whenSpecOf({ cron: '0 25 * * *' }, now), 'INVALID', 'when.cron', /hour field \(25\)/);
  refused(() => whenSpecOf({ cron: '61 * * * *' }, now), 'INVALID', 'when.cron', /minute field \(61\)/);
  refused(() => whenSpecOf({ cron: '0 9 * * mon-xyz' }, now), 'INVALID', 'when.cron', /day-of-week field/);
  refused(() => whenSpecOf({ cron: '0 9 * *' }, now), 'INVALID', 'when.cron', /4 fields; use five/);
  refused(() => whenSpecOf({ cron: '0 9 * * *', tz: 'Mars/Olympus_Mons' }, now), 'INVALID', 'when.tz', /unknown time zone Mars\/Olympus_Mons/);
  refused(() => whenSpecOf({ every_seconds: 0 }, now), 'INVALID', 'when.every_seconds', /below 1/);
  refused(() => whenSpecOf({ every_seconds: -5 }, now), 'INVALID', 'when.every_seconds', /below 1/);
  refused(() => whenSpecOf({ at: '2025-12-31T23:59:59Z' }, now), 'INVALID', 'when.at', /in the past/);
  refused(() => whenSpecOf({ at: 'tomorrow at nine' }, now), 'INVALID', 'when.at', /ISO-8601/);
  refused(() => whenSpecOf({ at: '2026-02-30T09:00:00' }, now), 'INVALID', 'when.at', /with a zone/);
  refused(() => whenSpecOf({}, now), 'INVALID', 'when', /say when/);
  refused(() => whenSpecOf({ every_seconds: 5, at: '2030-01-01T00:00:00Z' }, now), 'INVALID', 'when', /one of cron, every_seconds or at/);
  refused(() => whenSpecOf({ every_seconds: 5, tz: 'UTC' }, now), 'INVALID', 'when.tz', /with cron only/);
});

test('templates fill {date}, {time} and {n} from the due time in the schedule\'s zone', () => {
  const facts = { dueMs: ms('2026-03-29T01:00:00Z'), n: 7, tz: 'Europe/Berlin' };
  assert.equal(expandTemplate('Daily audit {date} {time} #{n}', facts), 'Daily audit 2026-03-29 03:00 #7');
  assert.equal(expandTemplate('{n}{n}', { ...facts, tz: 'UTC' }), '77');
});
