import { WEEKDAYS, type Shift, type TimeOff, type Weekday, type WeeklySchedule } from '@leadflow/contracts';

/** When a branch (and so its teams and people) works. */
export interface WorkCalendar {
  timezone: string;
  schedule: WeeklySchedule;
  /** Local dates `YYYY-MM-DD` when nobody works. */
  holidays: string[];
}

export interface LocalTime {
  /** `YYYY-MM-DD` */
  date: string;
  weekday: Weekday;
  hour: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timezone, f);
  }
  return f;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remembers a pure function's answers, forgetting all once it holds `limit`: routing asks the same
 * calendar questions for every candidate of every lead (Intl's formatToParts costs ~15 µs a call).
 */
function memo<T>(limit: number): (key: string, compute: () => T) => T {
  const kept = new Map<string, T>();
  return (key, compute) => {
    let value = kept.get(key);
    if (value === undefined) {
      if (kept.size >= limit) kept.clear();
      value = compute();
      kept.set(key, value);
    }
    return value;
  };
}

const localTimes = memo<Readonly<LocalTime>>(5_000);
const instants = memo<number>(5_000);

/** The wall clock in a timezone at an instant (one routing decision asks it once per candidate). */
export function localTime(at: Date, timezone: string): Readonly<LocalTime> {
  return localTimes(`${timezone}|${at.getTime()}`, () => Object.freeze(readLocalTime(at, timezone)));
}

function readLocalTime(at: Date, timezone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(at).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as Weekday,
    hour,
    minutes: hour * 60 + minute,
  };
}

/** The instant at which a timezone's wall clock shows `date` + `minutes` (DST-safe for shift boundaries). */
export function instantAt(date: string, minutes: number, timezone: string): Date {
  return new Date(instants(`${timezone}|${date}|${minutes}`, () => findInstant(date, minutes, timezone)));
}

function findInstant(date: string, minutes: number, timezone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wall;
  // Two corrections settle any offset, including the day it changes.
  for (let i = 0; i < 2; i++) {
    const seen = localTime(new Date(guess), timezone);
    const [sy, sm, sd] = seen.date.split('-').map(Number) as [number, number, number];
    guess += wall - Date.UTC(sy, sm - 1, sd, 0, seen.minutes);
  }
  return guess;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function isValidShift(shift: Shift): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(shift.start) && /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(shift.end) && shift.start !== shift.end;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

/** The shifts starting on a local date, as instants; a shift belongs to the day it starts on. */
function shiftsOn(calendar: WorkCalendar, date: string): { start: Date; end: Date }[] {
  if (calendar.holidays.includes(date)) return [];
  return (calendar.schedule[weekdayOf(date)] ?? []).map((shift) => {
    const start = toMinutes(shift.start);
    const end = toMinutes(shift.end);
    // An end at or before the start runs past midnight into the next day.
    return { start: instantAt(date, start, calendar.timezone), end: instantAt(date, end > start ? end : end + 24 * 60, calendar.timezone) };
  });
}

/** The shift running at `at`, if any (the previous day's overnight shift included). */
export function currentShift(calendar: WorkCalendar, at: Date): { start: Date; end: Date } | undefined {
  const today = localTime(at, calendar.timezone).date;
  return [...shiftsOn(calendar, addDays(today, -1)), ...shiftsOn(calendar, today)].find((s) => s.start <= at && at < s.end);
}

export function isWorking(calendar: WorkCalendar, at: Date): boolean {
  return currentShift(calendar, at) !== undefined;
}

/** `at` when working, else the start of the next shift; undefined when none within 14 days. */
export function nextWorkingInstant(calendar: WorkCalendar, at: Date): Date | undefined {
  if (isWorking(calendar, at)) return at;
  const today = localTime(at, calendar.timezone).date;
  for (let d = 0; d <= 14; d++) {
    const next = shiftsOn(calendar, addDays(today, d))
      .filter((s) => s.start > at)
      .sort((a, b) => a.start.getTime() - b.start.getTime())[0];
    if (next) return next.start;
  }
  return undefined;
}

/**
 * `from` plus `minutes` of working time: "15 minutes inside working hours" for a lead that arrives
 * at 16:55 with a 17:00 close is 09:10 the next working day. Undefined with no working time ahead.
 */
export function addWorkingMinutes(calendar: WorkCalendar, from: Date, minutes: number): Date | undefined {
  let at: Date | undefined = from;
  let left = minutes * MINUTE;
  for (let guard = 0; guard < 500; guard++) {
    at = nextWorkingInstant(calendar, at);
    if (!at) return undefined;
    const shift = currentShift(calendar, at)!;
    const available = shift.end.getTime() - at.getTime();
    if (left <= available) return new Date(at.getTime() + left);
    left -= available;
    at = shift.end;
  }
  return undefined;
}

export function isOnTimeOff(timeOff: TimeOff[], at: Date): TimeOff | undefined {
  return timeOff.find((t) => Date.parse(t.from) <= at.getTime() && at.getTime() < Date.parse(t.to));
}
