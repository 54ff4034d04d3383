/**
 * Strict checks for the ISO 8601 forms Samenspel accepts as literal timer values and
 * due dates. Browser-safe.
 */

const DURATION =
  /^P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?$/;

/** `P3D`, `PT2H30M`, `P1Y2M10DT2H`, `P2W`, `PT0.5S`. */
export function isIsoDuration(value: string): boolean {
  return DURATION.test(value);
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A date-time with a time zone offset: `2025-03-01T09:00:00+01:00`, `2025-03-01T08:00Z`.
 * A value without offset is ambiguous and refused.
 */
export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== 'Z') {
    const offsetHours = Number(m[8]);
    const offsetMinutes = Number(m[9]);
    if (offsetHours > 14 || offsetMinutes > 59) return false;
  }
  return true;
}

/**
 * A repeating interval: `R/PT1H`, `R5/P1D`, `R3/2025-03-01T09:00:00+01:00/P1D`,
 * `R/P1D/2025-12-31T00:00:00Z`.
 */
export function isIsoCycle(value: string): boolean {
  const m = /^R(\d*)\/(.+)$/.exec(value);
  if (!m) return false;
  const parts = m[2].split('/');
  if (parts.length === 1) return isIsoDuration(parts[0]);
  if (parts.length === 2) {
    return (
      (isIsoDateTime(parts[0]) && isIsoDuration(parts[1])) || (isIsoDuration(parts[0]) && isIsoDateTime(parts[1]))
    );
  }
  return false;
}

/** Looks like a cron expression (5 to 7 space separated fields of cron characters). */
export function looksLikeCron(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return fields.length >= 5 && fields.length <= 7 && fields.every((f) => /^[\d*?/,LW#A-Z-]+$/i.test(f));
}
