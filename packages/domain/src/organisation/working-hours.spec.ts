import { describe, expect, it } from '@jest/globals';
import { addWorkingMinutes, instantAt, isWorking, localTime, nextWorkingInstant, type WorkCalendar } from './working-hours.js';

const riyadh: WorkCalendar = {
  timezone: 'Asia/Riyadh', // UTC+3, no DST
  schedule: { sun: [{ start: '09:00', end: '17:00' }], mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }], wed: [{ start: '09:00', end: '17:00' }], thu: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '17:00' }] },
  holidays: ['2026-03-22'],
};
const nightDesk: WorkCalendar = { timezone: 'Asia/Dubai', schedule: { fri: [{ start: '22:00', end: '02:00' }] }, holidays: [] };
const london: WorkCalendar = { timezone: 'Europe/London', schedule: { sun: [{ start: '00:00', end: '24:00' }] }, holidays: [] };
const at = (iso: string) => new Date(iso);

describe('local time', () => {
  it('reads the wall clock of a timezone', () => {
    expect(localTime(at('2026-03-05T07:30:00Z'), 'Asia/Riyadh')).toEqual({ date: '2026-03-05', weekday: 'thu', hour: 10, minutes: 630 });
    expect(localTime(at('2026-03-05T21:30:00Z'), 'Asia/Dubai')).toEqual({ date: '2026-03-06', weekday: 'fri', hour: 1, minutes: 90 });
  });

  it('finds the instant of a local time, across a DST change', () => {
    expect(instantAt('2026-03-05', 9 * 60, 'Asia/Riyadh').toISOString()).toBe('2026-03-05T06:00:00.000Z');
    // London springs forward on 2026-03-29 at 01:00 UTC: 09:00 is BST (UTC+1) that day.
    expect(instantAt('2026-03-29', 9 * 60, 'Europe/London').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(instantAt('2026-03-28', 9 * 60, 'Europe/London').toISOString()).toBe('2026-03-28T09:00:00.000Z');
  });
});

describe('working hours', () => {
  it('follows shifts and breaks in the branch timezone', () => {
    expect(isWorking(riyadh, at('2026-03-05T06:00:00Z'))).toBe(true); // Thu 09:00
    expect(isWorking(riyadh, at('2026-03-05T05:59:00Z'))).toBe(false); // 08:59
    expect(isWorking(riyadh, at('2026-03-05T10:30:00Z'))).toBe(false); // 13:30 lunch break
    expect(isWorking(riyadh, at('2026-03-05T13:59:00Z'))).toBe(true); // 16:59
    expect(isWorking(riyadh, at('2026-03-05T14:00:00Z'))).toBe(false); // 17:00 end is exclusive
    expect(isWorking(riyadh, at('2026-03-06T08:00:00Z'))).toBe(false); // Friday
  });

  it('closes on holidays', () => {
    expect(isWorking(riyadh, at('2026-03-22T08:00:00Z'))).toBe(false); // Sunday, but a holiday
    expect(isWorking(riyadh, at('2026-03-29T08:00:00Z'))).toBe(true);
  });

  it('runs a shift past midnight into the next day', () => {
    expect(isWorking(nightDesk, at('2026-03-06T18:30:00Z'))).toBe(true); // Fri 22:30 Dubai
    expect(isWorking(nightDesk, at('2026-03-06T21:30:00Z'))).toBe(true); // Sat 01:30, still Friday's shift
    expect(isWorking(nightDesk, at('2026-03-06T22:00:00Z'))).toBe(false); // Sat 02:00
    expect(isWorking(nightDesk, at('2026-03-07T18:30:00Z'))).toBe(false); // Sat 22:30: no Saturday shift
  });

  it('knows a day that lasts 23 hours', () => {
    expect(isWorking(london, at('2026-03-29T22:59:00Z'))).toBe(true);
    expect(isWorking(london, at('2026-03-29T23:00:00Z'))).toBe(false); // midnight BST
  });

  it('finds the next opening', () => {
    expect(nextWorkingInstant(riyadh, at('2026-03-05T10:30:00Z'))?.toISOString()).toBe('2026-03-05T11:00:00.000Z'); // after lunch
    expect(nextWorkingInstant(riyadh, at('2026-03-05T15:00:00Z'))?.toISOString()).toBe('2026-03-08T06:00:00.000Z'); // Thu evening → Sun 09:00
    expect(nextWorkingInstant({ ...riyadh, schedule: {} }, at('2026-03-05T15:00:00Z'))).toBeUndefined();
  });
});

describe('addWorkingMinutes', () => {
  it('counts only working time', () => {
    // Sun 16:55 + 15 working minutes = Mon 09:10
    expect(addWorkingMinutes(riyadh, at('2026-03-01T13:55:00Z'), 15)?.toISOString()).toBe('2026-03-02T06:10:00.000Z');
    // Thu 12:50 + 20 = 14:10 (the lunch hour does not count)
    expect(addWorkingMinutes(riyadh, at('2026-03-05T09:50:00Z'), 20)?.toISOString()).toBe('2026-03-05T11:10:00.000Z');
    // Arriving at night starts the clock at the next opening.
    expect(addWorkingMinutes(riyadh, at('2026-03-04T20:00:00Z'), 15)?.toISOString()).toBe('2026-03-05T06:15:00.000Z');
    // Sat (holiday on Sun 22nd) → Mon 09:15
    expect(addWorkingMinutes(riyadh, at('2026-03-21T08:00:00Z'), 15)?.toISOString()).toBe('2026-03-23T06:15:00.000Z');
  });

  it('crosses midnight inside an overnight shift', () => {
    expect(addWorkingMinutes(nightDesk, at('2026-03-06T19:50:00Z'), 30)?.toISOString()).toBe('2026-03-06T20:20:00.000Z'); // 23:50 → 00:20
  });
});
