/**
 * The rollups keep each count three times: per day, per week (Monday first, as Postgres'
 * `date_trunc('week', …)`) and per calendar month, each row dated by the first day it covers.
 * A report over a long range reads whole months and weeks where they fit and single days only at
 * the edges: a year is ~40 rows per group instead of 365.
 */
export const REPORT_SPANS = ['day', 'week', 'month'] as const;
export type ReportSpan = (typeof REPORT_SPANS)[number];

/** Rows of one span whose first days run from `from` to `to` (ISO dates, inclusive). */
export interface SpanRange {
  span: ReportSpan;
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const toDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const toIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 1970-01-01 was a Thursday: Monday is 0. */
const weekday = (day: number) => (day + 3) % 7;
const monthOf = (day: number) => {
  const d = new Date(day * DAY_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const monthStart = (month: number) => Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS;

/**
 * The fewest rollup rows that cover the days `from`..`to` exactly (ISO dates, inclusive), as
 * runs of one span. `period` is the report's own grouping: no row may cross one of its
 * boundaries, so a report by day reads days, by week days and weeks, by month any span. A week
 * is taken only inside one month (unless grouping by week), so it never blocks a whole month.
 */
export function reportSpans(from: string, to: string, period?: ReportSpan): SpanRange[] {
  const last = toDay(to);
  const ranges: SpanRange[] = [];
  for (let day = toDay(from); day <= last; ) {
    const month = monthOf(day);
    const nextMonth = monthStart(month + 1);
    let span: ReportSpan = 'day';
    let length = 1;
    if ((period === undefined || period === 'month') && day === monthStart(month) && nextMonth - 1 <= last) {
      span = 'month';
      length = nextMonth - day;
    } else if (period !== 'day' && weekday(day) === 0 && day + 6 <= last && (period === 'week' || day + 6 < nextMonth)) {
      span = 'week';
      length = 7;
    }
    const previous = ranges[ranges.length - 1];
    if (previous?.span === span) previous.to = toIso(day);
    else ranges.push({ span, from: toIso(day), to: toIso(day) });
    day += length;
  }
  return ranges;
}
