import { describe, expect, it } from '@jest/globals';
import { reportSpans, type ReportSpan, type SpanRange } from './report-spans.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

/** Every rollup row the ranges stand for, as [span, first day, last day]. */
function rowsOf(ranges: SpanRange[]): [ReportSpan, string, string][] {
  const rows: [ReportSpan, string, string][] = [];
  for (const { span, from, to } of ranges) {
    for (let day = from; day <= to; ) {
      const d = new Date(`${day}T00:00:00Z`);
      const next = span === 'day' ? addDays(day, 1) : span === 'week' ? addDays(day, 7) : iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      rows.push([span, day, addDays(next, -1)]);
      day = next;
    }
  }
  return rows;
}

const periodOf = (day: string, period: ReportSpan) => {
  const d = new Date(`${day}T00:00:00Z`);
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  return addDays(day, -((d.getUTCDay() + 6) % 7)); // Monday
};

describe('reportSpans', () => {
  it('covers a year with whole months and weeks, days only at the edges', () => {
    // 2026-11-22 (a Sunday) to 2027-11-21.
    const ranges = reportSpans('2026-11-22', '2027-11-21');
    expect(ranges).toEqual([
      { span: 'day', from: '2026-11-22', to: '2026-11-22' },
      { span: 'week', from: '2026-11-23', to: '2026-11-23' },
      { span: 'day', from: '2026-11-30', to: '2026-11-30' },
      { span: 'month', from: '2026-12-01', to: '2027-10-01' },
      { span: 'week', from: '2027-11-01', to: '2027-11-15' },
    ]);
    expect(rowsOf(ranges)).toHaveLength(1 + 1 + 1 + 11 + 3);
  });

  it('keeps to the report period: days for a daily report, weeks for a weekly one', () => {
    expect(reportSpans('2026-01-01', '2026-01-31', 'day')).toEqual([{ span: 'day', from: '2026-01-01', to: '2026-01-31' }]);
    // Weeks may cross a month when grouping by week; never a month row.
    expect(reportSpans('2026-01-26', '2026-02-08', 'week')).toEqual([{ span: 'week', from: '2026-01-26', to: '2026-02-02' }]);
    expect(reportSpans('2026-01-01', '2026-02-28', 'month')).toEqual([{ span: 'month', from: '2026-01-01', to: '2026-02-01' }]);
    // Grouping by month, the week of Jan 26 crosses into February: days instead.
    expect(reportSpans('2026-01-19', '2026-02-01', 'month')).toEqual([
      { span: 'week', from: '2026-01-19', to: '2026-01-19' },
      { span: 'day', from: '2026-01-26', to: '2026-02-01' },
    ]);
  });

  it('handles one day, leap years and a range inside one month', () => {
    expect(reportSpans('2026-03-04', '2026-03-04')).toEqual([{ span: 'day', from: '2026-03-04', to: '2026-03-04' }]);
    expect(rowsOf(reportSpans('2028-02-01', '2028-02-29'))).toEqual([['month', '2028-02-01', '2028-02-29']]);
    expect(rowsOf(reportSpans('2026-02-01', '2026-02-28'))).toEqual([['month', '2026-02-01', '2026-02-28']]);
    expect(reportSpans('2026-02-01', '2026-02-27')).toEqual([
      { span: 'day', from: '2026-02-01', to: '2026-02-01' },
      { span: 'week', from: '2026-02-02', to: '2026-02-16' },
      { span: 'day', from: '2026-02-23', to: '2026-02-27' },
    ]);
  });

  it('covers every day of any range exactly once, and no row crosses a report period', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2_147_483_647) / 2_147_483_647);
    for (let i = 0; i < 300; i++) {
      const from = iso(Date.UTC(2024, 0, 1) + Math.floor(random() * 1500) * DAY_MS);
      const to = addDays(from, Math.floor(random() * 420));
      const period = ([undefined, 'day', 'week', 'month'] as const)[i % 4];
      const rows = rowsOf(reportSpans(from, to, period));
      const days = rows.flatMap(([, first, last]) => {
        const covered: string[] = [];
        for (let d = first; d <= last; d = addDays(d, 1)) covered.push(d);
        return covered;
      });
      const expected: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) expected.push(d);
      expect(days).toEqual(expected);
      if (period) for (const [, first, last] of rows) expect(periodOf(first, period)).toBe(periodOf(last, period));
      if (period === undefined) expect(rows.length).toBeLessThanOrEqual(Math.ceil(expected.length / 28) + 12 + 14);
    }
  });
});
