// Doctor: clock sanity. Events are stamped with the wall clock; a newest event dated ahead of now means the clock moved back.
import { check, type Check } from './check.js';

/** Further apart than this is not rounding or a slow call: the clocks disagree. */
export const CLOCK_SLACK_MS = 60_000;

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** Compares now with the newest event's time and, when the daemon runs, with the time system.ping answered. */
export function clockChecks(now: number, newestEvent: string | null, daemonTime: string | null): Check[] {
  const checks: Check[] = [];
  const newest = newestEvent === null ? NaN : Date.parse(newestEvent);
  if (Number.isFinite(newest) && newest - now > CLOCK_SLACK_MS) {
    checks.push(
      check('clock', 'events', 'warn', `the newest event is dated ${newestEvent}, ${minutes(newest - now)} ahead of now: the clock moved back`, {
        detail: 'until the clock passes that time, new events are dated before older ones, and retention, which finds its cut by time, may keep or drop the wrong ones',
        fix: 'check the system clock and its time sync (timedatectl status); it sorts itself out once the clock passes that time',
      }),
    );
  }
  const daemon = daemonTime === null ? NaN : Date.parse(daemonTime);
  if (Number.isFinite(daemon) && Math.abs(daemon - now) > CLOCK_SLACK_MS) {
    checks.push(
      check('clock', 'daemon', 'warn', `the daemon's clock says ${daemonTime}, ${minutes(Math.abs(daemon - now))} ${daemon > now ? 'ahead of' : 'behind'} this CLI's`, {
        fix: 'check the system clock and its time sync (timedatectl status), then restart the daemon: brains down && brains up',
      }),
    );
  }
  if (checks.length === 0) {
    const seen = [newestEvent === null ? null : 'the newest event is not ahead of it', daemonTime === null ? null : "the daemon's clock agrees"].filter(Boolean);
    checks.push(check('clock', 'sane', 'ok', [`now ${new Date(now).toISOString()}`, ...seen].join('; ')));
  }
  return checks;
}
