// The UTC periods gateway usage and budgets count in (a day, an ISO week from Monday, a calendar month), and the `since` words that name them.

export const SINCE_WORDS = ['today', 'week', 'month'] as const;

export const SINCE_HELP = 'an ISO 8601 time such as 2026-12-31T00:00:00Z, today, week (since Monday), month, or a span back from now such as 24h or 7d (UTC)';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const SPAN = /^([1-9]\d{0,3})([hd])$/;

export function dayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function nextDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

export function weekStart(at: Date): Date {
  const back = (at.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - back));
}

export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** `since` as a time (ISO, UTC), or null when it is neither an ISO time nor one of the words or spans. */
export function sinceTime(text: string, now: Date = new Date()): string | null {
  if (text === 'today') return dayStart(now).toISOString();
  if (text === 'week') return weekStart(now).toISOString();
  if (text === 'month') return monthStart(now).toISOString();
  const span = SPAN.exec(text);
  if (span) return new Date(now.getTime() - Number(span[1]) * (span[2] === 'h' ? 3_600_000 : 86_400_000)).toISOString();
  if (!ISO.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
