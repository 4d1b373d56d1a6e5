/**
 * Calendar arithmetic for ASN.1 times without `Date`: UTCTime and GeneralizedTime as X.680 §46–47
 * define them and as RFC 5280 §4.1.2.5.1–2 restricts them for certificates and CRLs (always UTC,
 * "Z", seconds present, no fractional seconds). The proleptic Gregorian conversion is the
 * days-from-civil algorithm (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 */

export interface UtcParts {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Milliseconds since the epoch for a UTC calendar time. */
export function utcMs(p: Omit<UtcParts, 'millisecond'> & { millisecond?: number }): number {
  return (
    daysFromCivil(p.year, p.month, p.day) * MS_PER_DAY +
    ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 +
    (p.millisecond ?? 0)
  );
}

export function utcParts(ms: number): UtcParts {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return { year, month, day, hour, minute, second, millisecond: rest - second * 1000 };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ISO 8601 in UTC (`2026-05-01T12:00:00Z`, with `.sss` only when there are milliseconds). */
export function isoTime(ms: number): string {
  const p = utcParts(ms);
  const frac = p.millisecond ? '.' + pad(p.millisecond, 3) : '';
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}Z`;
}

/** `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime), milliseconds dropped. */
export function formatAsn1Time(ms: number, kind: 'UTCTime' | 'GeneralizedTime'): string {
  const p = utcParts(ms);
  const year = kind === 'UTCTime' ? pad(p.year % 100) : pad(p.year, 4);
  return `${year}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}Z`;
}

/**
 * Parse the strict RFC 5280 forms. UTCTime years 50..99 are 19YY and 00..49 are 20YY
 * (RFC 5280 §4.1.2.5.1). Returns undefined when the text is not exactly that form.
 */
export function parseAsn1Time(text: string, kind: 'UTCTime' | 'GeneralizedTime'): number | undefined {
  const re = kind === 'UTCTime' ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
  const m = re.exec(text);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (kind === 'UTCTime') year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = [2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return utcMs({ year, month, day, hour, minute, second });
}
