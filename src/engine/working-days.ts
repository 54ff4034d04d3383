/**
 * Dutch working-day calendar (DESIGN.md §3: deadlines are in working days).
 *
 * A working day is a day that is not a Saturday, not a Sunday and not a Dutch national
 * holiday as counted by the Algemene termijnenwet:
 *   Nieuwjaarsdag (1 Jan), Eerste en Tweede Paasdag (Easter Sunday and Monday, Gregorian
 *   computus), Koningsdag (27 Apr, 26 Apr when the 27th is a Sunday; Koninginnedag on
 *   30 Apr / 29 Apr before 2014), Bevrijdingsdag (5 May, every year), Hemelvaartsdag
 *   (Easter + 39), Eerste en Tweede Pinksterdag (Easter + 49/50), Eerste en Tweede
 *   Kerstdag (25/26 Dec).
 * Goede Vrijdag (Easter − 2) is not a national holiday but can be switched on, and any
 * number of extra days off can be added.
 *
 * Calendar days are local dates in Europe/Amsterdam: the instant 2026-04-26T23:30Z is
 * already 27 April (Koningsdag) there. Conversions use Intl only (no date library).
 *
 * Inputs (`DateLike`):
 *  - 'YYYY-MM-DD'                       a plain calendar date;
 *  - 'YYYY-MM-DDTHH:mm[:ss[.fff]]Z' / '+hh:mm' / '-hh:mm'   an instant;
 *  - 'YYYY-MM-DDTHH:mm[:ss[.fff]]' (no offset)  a wall-clock time in Europe/Amsterdam;
 *  - a JS Date                          an instant.
 * Anything else throws a RangeError.
 */

export const CALENDAR_TIME_ZONE = 'Europe/Amsterdam';

/** Guard against runaway loops (a FEEL expression could ask for 10^9 days). ~38 years. */
export const MAX_WORKING_DAYS = 10_000;

export type DateLike = string | Date;

export interface Holiday {
  /** 'YYYY-MM-DD' */
  date: string;
  /** Dutch name, e.g. 'Tweede Paasdag'. */
  name: string;
}

export type ExtraHoliday = string | { date: string; name?: string };

export interface WorkingDayCalendarOptions {
  /** Extra days off, 'YYYY-MM-DD' (or `{date, name}`); they count like national holidays. */
  extraHolidays?: readonly ExtraHoliday[];
  /** Count Goede Vrijdag (Good Friday, Easter − 2) as a holiday. Default false. */
  includeGoodFriday?: boolean;
}

export interface WorkingDayCalendar {
  /** Whether the (Europe/Amsterdam) calendar day of `d` is a working day. */
  isWorkingDay(d: DateLike): boolean;
  /**
   * The n-th working day after the calendar day of `d` (the day of `d` itself never
   * counts, whether or not it is a working day — like a legal term that starts running
   * the day after receipt: received Saturday + 5 working days = the following Friday).
   *  - n > 0: the n-th working day after `d`;
   *  - n < 0: the |n|-th working day before `d`;
   *  - n = 0: `d` itself when it is a working day, otherwise the next working day.
   * So the result is always a working day.
   * A plain date gives a plain date ('YYYY-MM-DD'); a date-time keeps its local time of
   * day in Europe/Amsterdam (across DST) and gives an ISO UTC string
   * ('2026-03-30T09:00:00.000Z').
   * Throws RangeError when n is not an integer or |n| > MAX_WORKING_DAYS.
   * For n >= 0 (and for n < 0 from a working day),
   * `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
   */
  addWorkingDays(d: DateLike, n: number): string;
  /**
   * The number of working days after the calendar day of `a` up to and including that of
   * `b`; negative when b is before a (then −(working days after b up to and including
   * a)), 0 for the same day. Both are calendar days in Europe/Amsterdam.
   */
  workingDaysBetween(a: DateLike, b: DateLike): number;
  /** The first working day strictly after `d` (= addWorkingDays(d, 1)); same output kind. */
  nextWorkingDay(d: DateLike): string;
  /** The holidays of a year that this calendar excludes, sorted by date, with Dutch names. */
  holidaysOf(year: number): Holiday[];
}

// ---------------------------------------------------------------------------------------
// Day numbers: days since 1970-01-01 (a Thursday), independent of any time zone.

const MS_PER_DAY = 86_400_000;
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

function dayFromYmd(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

function checkedDay(y: number, m: number, d: number, input: string): number {
  const day = Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
  const back = new Date(day * MS_PER_DAY);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`Not a valid calendar date: ${JSON.stringify(input)}`);
  }
  return day;
}

function isoOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Monday = 0 ... Sunday = 6. */
function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Number of Monday–Friday days with day number < x (counted from Monday 1969-12-29). */
function weekdaysBefore(x: number): number {
  const y = x + 3; // y = 0 is Monday 1969-12-29
  const weeks = Math.floor(y / 7);
  const rest = y - weeks * 7;
  return weeks * 5 + Math.min(rest, 5);
}

// ---------------------------------------------------------------------------------------
// Europe/Amsterdam wall clock <-> instant, with Intl.

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: CALENDAR_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface WallClock {
  day: number;
  /** milliseconds since local midnight */
  timeMs: number;
}

/** Offset of Europe/Amsterdam at an instant, in ms (local = utc + offset), asked from Intl. */
function intlOffsetAt(epochMs: number): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of formatter.formatToParts(new Date(whole))) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
}

/**
 * Intl.formatToParts costs ~10 µs, so offsets are cached per quarter of an hour (zone
 * transitions fall on such boundaries; a bucket whose two ends differ is not cached).
 */
const BUCKET_MS = 15 * 60_000;
const offsetCache = new Map<number, number>();

function offsetAt(epochMs: number): number {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const cached = offsetCache.get(bucket);
  if (cached !== undefined) return cached;
  const start = bucket * BUCKET_MS;
  const offset = intlOffsetAt(start);
  if (intlOffsetAt(start + BUCKET_MS - 1) !== offset) return intlOffsetAt(epochMs);
  if (offsetCache.size >= 20_000) offsetCache.clear();
  offsetCache.set(bucket, offset);
  return offset;
}

function wallClockOf(epochMs: number): WallClock {
  const local = epochMs + offsetAt(epochMs);
  const day = Math.floor(local / MS_PER_DAY);
  return { day, timeMs: local - day * MS_PER_DAY };
}

/**
 * The instant at which the Amsterdam wall clock shows `day` + `timeMs`. Like Temporal's
 * 'compatible' disambiguation: a time in the spring-forward gap moves forward by the gap,
 * an ambiguous time in the autumn overlap takes the earlier (summer-time) instant.
 */
function instantOfWallClock(day: number, timeMs: number): number {
  const local = day * MS_PER_DAY + timeMs;
  const before = offsetAt(local - MS_PER_DAY);
  const after = offsetAt(local + MS_PER_DAY);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const utc = local - off;
    if (offsetAt(utc) === off) candidates.push(utc);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before; // in the gap: keep the offset from before the transition
}

/** The calendar date ('YYYY-MM-DD') in Europe/Amsterdam of an instant. */
export function amsterdamDate(instant: Date): string {
  return isoOfDay(wallClockOf(instant.getTime()).day);
}

/**
 * The Europe/Amsterdam wall-clock of an instant as 'YYYY-MM-DDTHH:mm:ss.sss' (no offset).
 */
export function amsterdamDateTime(instant: Date): string {
  const wc = wallClockOf(instant.getTime());
  return `${isoOfDay(wc.day)}T${new Date(wc.timeMs).toISOString().slice(11, 23)}`;
}

/**
 * The instant of an Amsterdam wall-clock date-time ('YYYY-MM-DDTHH:mm[:ss[.fff]]', no
 * offset), DST-safe. Throws RangeError for other input.
 */
export function fromAmsterdamDateTime(local: string): Date {
  const parsed = parseDateLike(local);
  if (parsed.timeMs === null || parsed.hadOffset) {
    throw new RangeError(`Expected a local date-time without offset: ${JSON.stringify(local)}`);
  }
  return new Date(instantOfWallClock(parsed.day, parsed.timeMs));
}

// ---------------------------------------------------------------------------------------
// Input parsing.

interface ParsedDate {
  /** Amsterdam calendar day */
  day: number;
  /** Amsterdam local time of day in ms, null for a plain date */
  timeMs: number | null;
  hadOffset: boolean;
}

function parseDateLike(d: DateLike): ParsedDate {
  if (d instanceof Date) {
    const ms = d.getTime();
    if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
    const wc = wallClockOf(ms);
    return { day: wc.day, timeMs: wc.timeMs, hadOffset: true };
  }
  if (typeof d !== 'string') {
    throw new RangeError(`Not a date: ${String(d)}`);
  }
  const plain = PLAIN_DATE.exec(d);
  if (plain) {
    return { day: checkedDay(+plain[1], +plain[2], +plain[3], d), timeMs: null, hadOffset: false };
  }
  const dt = DATE_TIME.exec(d);
  if (!dt) {
    throw new RangeError(`Not an ISO date or date-time: ${JSON.stringify(d)}`);
  }
  const [, ys, mos, ds, hs, mis, ss = '0', frac = '', zone] = dt;
  const day = checkedDay(+ys, +mos, +ds, d);
  const h = +hs, mi = +mis, s = +ss;
  if (h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`Not a valid time: ${JSON.stringify(d)}`);
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const timeMs = ((h * 60 + mi) * 60 + s) * 1000 + ms;
  if (!zone) {
    return { day, timeMs, hadOffset: false };
  }
  let offsetMs = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) throw new RangeError(`Not a valid offset: ${JSON.stringify(d)}`);
    offsetMs = sign * (oh * 60 + om) * 60_000;
  }
  const wc = wallClockOf(day * MS_PER_DAY + timeMs - offsetMs);
  return { day: wc.day, timeMs: wc.timeMs, hadOffset: true };
}

// ---------------------------------------------------------------------------------------
// Holidays.

/** Easter Sunday of a Gregorian year ('YYYY-MM-DD'), anonymous Gregorian algorithm. */
export function easterSunday(year: number): string {
  return isoOfDay(easterDay(year));
}

function easterDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromYmd(year, month, day);
}

interface DayHoliday {
  day: number;
  name: string;
}

function nationalHolidays(year: number, includeGoodFriday: boolean): DayHoliday[] {
  const easter = easterDay(year);
  const list: DayHoliday[] = [{ day: dayFromYmd(year, 1, 1), name: 'Nieuwjaarsdag' }];
  if (includeGoodFriday) list.push({ day: easter - 2, name: 'Goede Vrijdag' });
  list.push({ day: easter, name: 'Eerste Paasdag' }, { day: easter + 1, name: 'Tweede Paasdag' });
  if (year >= 2014) {
    const apr27 = dayFromYmd(year, 4, 27);
    list.push({ day: weekdayOf(apr27) === 6 ? apr27 - 1 : apr27, name: 'Koningsdag' });
  } else {
    const apr30 = dayFromYmd(year, 4, 30);
    list.push({ day: weekdayOf(apr30) === 6 ? apr30 - 1 : apr30, name: 'Koninginnedag' });
  }
  list.push(
    { day: dayFromYmd(year, 5, 5), name: 'Bevrijdingsdag' },
    { day: easter + 39, name: 'Hemelvaartsdag' },
    { day: easter + 49, name: 'Eerste Pinksterdag' },
    { day: easter + 50, name: 'Tweede Pinksterdag' },
    { day: dayFromYmd(year, 12, 25), name: 'Eerste Kerstdag' },
    { day: dayFromYmd(year, 12, 26), name: 'Tweede Kerstdag' },
  );
  return list;
}

// ---------------------------------------------------------------------------------------

export function createWorkingDayCalendar(options: WorkingDayCalendarOptions = {}): WorkingDayCalendar {
  const includeGoodFriday = options.includeGoodFriday === true;

  const extraByYear = new Map<number, DayHoliday[]>();
  for (const extra of options.extraHolidays ?? []) {
    const date = typeof extra === 'string' ? extra : extra?.date;
    const name = (typeof extra === 'string' ? undefined : extra?.name) || 'Extra vrije dag';
    const m = typeof date === 'string' ? PLAIN_DATE.exec(date) : null;
    if (!m) {
      throw new RangeError(`Extra holiday must be a date 'YYYY-MM-DD': ${JSON.stringify(extra)}`);
    }
    const day = checkedDay(+m[1], +m[2], +m[3], date as string);
    const year = +m[1];
    const list = extraByYear.get(year) ?? [];
    list.push({ day, name });
    extraByYear.set(year, list);
  }

  /** Per year: all holidays (sorted) and the set of their day numbers. */
  const years = new Map<number, { list: DayHoliday[]; days: Set<number> }>();
  function yearInfo(year: number): { list: DayHoliday[]; days: Set<number> } {
    let info = years.get(year);
    if (!info) {
      const list = [...nationalHolidays(year, includeGoodFriday), ...(extraByYear.get(year) ?? [])];
      list.sort((a, b) => a.day - b.day);
      info = { list, days: new Set(list.map((h) => h.day)) };
      years.set(year, info);
    }
    return info;
  }

  function isWorkingDayNumber(day: number): boolean {
    if (weekdayOf(day) >= 5) return false;
    return !yearInfo(yearOfDay(day)).days.has(day);
  }

  /** Working days in (a, b] for a <= b. */
  function countAfterUpTo(a: number, b: number): number {
    let count = weekdaysBefore(b + 1) - weekdaysBefore(a + 1);
    const firstYear = yearOfDay(a + 1);
    const lastYear = yearOfDay(b);
    for (let year = firstYear; year <= lastYear; year++) {
      for (const day of yearInfo(year).days) {
        if (day > a && day <= b && weekdayOf(day) < 5) count--;
      }
    }
    return count;
  }

  function shift(day: number, n: number): number {
    if (!Number.isInteger(n)) throw new RangeError(`Number of working days must be an integer: ${n}`);
    if (Math.abs(n) > MAX_WORKING_DAYS) {
      throw new RangeError(`Number of working days must be at most ${MAX_WORKING_DAYS} in size: ${n}`);
    }
    if (n === 0) {
      while (!isWorkingDayNumber(day)) day++;
      return day;
    }
    const step = n > 0 ? 1 : -1;
    let remaining = Math.abs(n);
    while (remaining > 0) {
      day += step;
      if (isWorkingDayNumber(day)) remaining--;
    }
    return day;
  }

  function format(parsed: ParsedDate, day: number): string {
    if (parsed.timeMs === null) return isoOfDay(day);
    return new Date(instantOfWallClock(day, parsed.timeMs)).toISOString();
  }

  return {
    isWorkingDay(d) {
      return isWorkingDayNumber(parseDateLike(d).day);
    },
    addWorkingDays(d, n) {
      const parsed = parseDateLike(d);
      return format(parsed, shift(parsed.day, n));
    },
    nextWorkingDay(d) {
      const parsed = parseDateLike(d);
      return format(parsed, shift(parsed.day, 1));
    },
    workingDaysBetween(a, b) {
      const from = parseDateLike(a).day;
      const to = parseDateLike(b).day;
      if (from === to) return 0;
      return from < to ? countAfterUpTo(from, to) : -countAfterUpTo(to, from);
    },
    holidaysOf(year) {
      if (!Number.isInteger(year) || year < 1583 || year > 9999) {
        throw new RangeError(`Year must be an integer from 1583 to 9999: ${year}`);
      }
      return yearInfo(year).list.map((h) => ({ date: isoOfDay(h.day), name: h.name }));
    },
  };
}

/** The default calendar: national holidays only (no Goede Vrijdag, no extra days). */
export const dutchWorkingDays: WorkingDayCalendar = createWorkingDayCalendar();
