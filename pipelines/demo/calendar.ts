// Calendar days as integers (days since 1970-01-01), so the simulation does date arithmetic
// without time zones: every export date in the contract is a calendar date.

export type Day = number;

const MS_PER_DAY = 86_400_000;

export interface Ymd {
  year: number;
  month: number;
  day: number;
}

export function dayFromYmd(year: number, month: number, day: number): Day {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

const partsCache = new Map<Day, Ymd>();

/** Year, month and day of a day number (cached: the demo uses a few thousand distinct days). */
export function ymdOf(day: Day): Ymd {
  let parts = partsCache.get(day);
  if (!parts) {
    const date = new Date(day * MS_PER_DAY);
    parts = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    partsCache.set(day, parts);
  }
  return parts;
}

/** `YYYY-MM-DD`; throws on anything that is not a real calendar date. */
export function dayFromIso(text: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new Error(`日期格式应为 YYYY-MM-DD：${text}`);
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = dayFromYmd(year, month, dayOfMonth);
  const back = ymdOf(day);
  if (back.year !== year || back.month !== month || back.day !== dayOfMonth) throw new Error(`不存在的日期：${text}`);
  return day;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function isoOf(day: Day): string {
  const { year, month, day: d } = ymdOf(day);
  return `${year}-${pad2(month)}-${pad2(d)}`;
}

/** `YYYYMMDD`, as in export file names. */
export function compactOf(day: Day): string {
  const { year, month, day: d } = ymdOf(day);
  return `${year}${pad2(month)}${pad2(d)}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function monthEnd(year: number, month: number): Day {
  return dayFromYmd(year, month + 1, 1) - 1;
}

/** The day as a Date at UTC midnight: what exceljs turns into the same calendar date. */
export function utcDateOf(day: Day): Date {
  return new Date(day * MS_PER_DAY);
}

/** Excel's 1900 date system serial number of a day (valid after 1900-03-01). */
export function excelSerialOf(day: Day): number {
  return day + 25569;
}

/** Today's date in Asia/Shanghai, the customer's calendar. */
export function todayInShanghai(now: Date = new Date()): Day {
  const text = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return dayFromIso(text);
}
