// When a schedule runs: its `when` checked (naming the field at fault) and its next due time after a moment, with the
// rules cron users know from Vixie cron across daylight-saving changes.
import { createRequire } from 'node:module';
import type { CronExpressionParser as CronParser } from 'cron-parser';
import type { ScheduleWhen } from '../../../rpc/contract/schedules.js';
import { BrainsError } from '../../../rpc/errors.js';

/** What is stored: the contract's form, and for an interval the moment it counts from. */
export type WhenSpec = { cron: string; tz?: string } | { every_seconds: number; anchor_ms: number } | { at: string };

/** cron-parser (with luxon) loads on the first cron schedule, so a daemon with none does not carry it. */
let loaded: typeof CronParser | null = null;
function cronParser(): typeof CronParser {
  loaded ??= (createRequire(import.meta.url)('cron-parser') as { CronExpressionParser: typeof CronParser }).CronExpressionParser;
  return loaded;
}

const CRON_FIELDS_5 = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const CRON_FIELDS_6 = ['second', ...CRON_FIELDS_5];

function invalid(field: string, message: string): BrainsError {
  return new BrainsError('INVALID', `${field}: ${message}`, { field });
}

/** Which field of a cron expression is at fault: each is tried alone, the others left as `*`. */
function faultyCronField(expr: string): string | null {
  const parts = expr.trim().split(/\s+/);
  const names = parts.length === 6 ? CRON_FIELDS_6 : parts.length === 5 ? CRON_FIELDS_5 : null;
  if (!names) return null;
  for (let i = 0; i < parts.length; i += 1) {
    const alone = parts.map((part, j) => (j === i ? part : '*')).join(' ');
    try {
      cronParser().parse(alone);
    } catch (error) {
      return `the ${names[i]} field (${parts[i]}): ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}

export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function checkCron(expr: string, tz: string | undefined): void {
  if (tz !== undefined && !isKnownTimeZone(tz)) throw invalid('when.tz', `unknown time zone ${tz}; use an IANA name such as Europe/Berlin, America/New_York or UTC`);
  const count = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && count !== 5 && count !== 6) {
    throw invalid('when.cron', `"${expr}" has ${count} field${count === 1 ? '' : 's'}; use five (minute hour day-of-month month day-of-week) or six (seconds first), e.g. "0 9 * * 1-5"`);
  }
  try {
    cronParser().parse(expr, tz ? { tz } : {}).next();
  } catch (error) {
    const field = faultyCronField(expr);
    throw invalid('when.cron', `"${expr}" is not a valid cron expression: ${field ?? (error instanceof Error ? error.message : String(error))}`);
  }
}

/** Check a `when` from a caller and turn it into what is stored; `nowMs` is when it is created or changed. */
export function whenSpecOf(when: ScheduleWhen, nowMs: number): WhenSpec {
  const given = (['cron', 'every_seconds', 'at'] as const).filter((key) => when[key] !== undefined);
  if (given.length !== 1) {
    throw invalid('when', given.length === 0 ? 'say when: {"cron": "0 9 * * 1-5", "tz": "Europe/Berlin"}, {"every_seconds": 3600} or {"at": "2030-01-01T09:00:00Z"}' : `give one of cron, every_seconds or at, not ${given.join(' and ')}`);
  }
  if (when.tz !== undefined && when.cron === undefined) throw invalid('when.tz', 'tz goes with cron only (every_seconds counts elapsed time; at carries its own zone)');
  if (when.cron !== undefined) {
    checkCron(when.cron, when.tz);
    return when.tz !== undefined ? { cron: when.cron.trim(), tz: when.tz } : { cron: when.cron.trim() };
  }
  if (when.every_seconds !== undefined) {
    if (when.every_seconds < 1) throw invalid('when.every_seconds', `${when.every_seconds} is below 1; give a whole number of seconds, 1 or more`);
    return { every_seconds: when.every_seconds, anchor_ms: nowMs };
  }
  const at = when.at!;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(at)) {
    throw invalid('when.at', `"${at}" is not an ISO-8601 time with a zone; write e.g. 2030-01-01T09:00:00Z or 2030-01-01T09:00:00+01:00`);
  }
  const atMs = Date.parse(at);
  if (Number.isNaN(atMs)) throw invalid('when.at', `"${at}" is not a real time; write e.g. 2030-01-01T09:00:00Z`);
  if (atMs <= nowMs) throw invalid('when.at', `${at} is in the past (it is now ${new Date(nowMs).toISOString()}); give a future time, or use schedule.fire to run it now`);
  return { at: new Date(atMs).toISOString() };
}

/** The contract's form of a stored `when` (an interval's anchor stays inside). */
export function publicWhen(spec: WhenSpec): ScheduleWhen {
  if ('every_seconds' in spec) return { every_seconds: spec.every_seconds };
  return { ...spec };
}

/** The UTC offset of a zone at a moment, in minutes. */
function offsetMinutes(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}

function localHour(tz: string, ms: number): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric' }).format(new Date(ms)));
}

/** The moment a zone's offset last changed at or before `ms`, searched within the three hours before it. */
function offsetChangeBefore(tz: string, ms: number): number {
  let lo = ms - 3 * 3600_000;
  let hi = ms;
  const after = offsetMinutes(tz, hi);
  if (offsetMinutes(tz, lo) === after) return ms;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(tz, mid) === after) hi = mid;
    else lo = mid;
  }
  // Zones change their offset on a whole minute.
  const minute = Math.floor(hi / 60_000) * 60_000;
  return offsetMinutes(tz, minute) === after ? minute : minute + 60_000;
}

/**
 * The next cron time after `afterMs`. cron-parser follows Vixie cron where clocks fall back (a fixed-time job in the
 * repeated hour runs once; hourly and more frequent jobs follow elapsed time). Where clocks spring forward it moves a
 * fixed-time job in the skipped hour an hour on; Vixie cron runs it right after the change, and so do we.
 */
function nextCron(spec: { cron: string; tz?: string }, afterMs: number): number | null {
  let from = afterMs;
  for (let guard = 0; guard < 4; guard += 1) {
    const expr = cronParser().parse(spec.cron, { currentDate: new Date(from), ...(spec.tz ? { tz: spec.tz } : {}) });
    let next: number;
    try {
      next = expr.next().getTime();
    } catch {
      return null;
    }
    const tz = spec.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const hours = expr.fields.hour.values as readonly number[];
    if (hours.includes(localHour(tz, next))) return next;
    // Shifted out of a skipped hour: run at the change itself, unless that moment is already behind us.
    const change = offsetChangeBefore(tz, next);
    if (change > afterMs) return change;
    from = next;
  }
  return null;
}

/** The first due time strictly after `afterMs`; null when there is none (a one-shot whose time has gone). */
export function nextDue(spec: WhenSpec, afterMs: number): number | null {
  if ('cron' in spec) return nextCron(spec, afterMs);
  if ('every_seconds' in spec) {
    const period = spec.every_seconds * 1000;
    if (afterMs < spec.anchor_ms) return spec.anchor_ms + period;
    return spec.anchor_ms + (Math.floor((afterMs - spec.anchor_ms) / period) + 1) * period;
  }
  const at = Date.parse(spec.at);
  return at > afterMs ? at : null;
}
