// A workbook cell as the text the landing tables hold: NFKC strings; numbers in plain decimal
// (15 → "15", 15.5 → "15.5", to Excel's 15 significant digits); booleans "true"/"false"; date
// cells and, in a date column, serial day numbers as ISO calendar dates, never passed through
// the local time zone; rich text, formulas, hyperlinks and errors as the text they show.

export interface CellTextOptions {
  /** The cell is in a date column of the contract: a serial day number is a date. */
  dateColumn: boolean;
  /** The workbook counts days from 1904-01-01 (old Mac Excel). */
  date1904: boolean;
}

/** Largest serial day number Excel has: 9999-12-31. Larger numbers (e.g. 20240822) stay numbers. */
const MAX_SERIAL = 2958465;
const DAY_MS = 86_400_000;

export function cellText(value: unknown, options: CellTextOptions): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.normalize('NFKC');
  if (typeof value === 'number') {
    if (options.dateColumn && value >= 1 && value <= MAX_SERIAL) return serialToIsoDate(value, options.date1904);
    return plainNumber(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return isoDateUtc(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('').normalize('NFKC');
    if ('formula' in v || 'sharedFormula' in v) {
      // The cached result is what Excel shows; without one, the formula itself (visibly wrong, never silently empty).
      if (v.result !== undefined && v.result !== null) return cellText(v.result, options);
      return `=${String(v.formula ?? v.sharedFormula ?? '')}`;
    }
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return cellText(v.text, options);
  }
  return String(value).normalize('NFKC');
}

/** A serial day number as ISO date: whole days only (a time of day is dropped). */
export function serialToIsoDate(serial: number, date1904: boolean): string {
  const days = Math.floor(serial);
  if (date1904) return isoDateUtc(new Date(Date.UTC(1904, 0, 1) + days * DAY_MS));
  // Excel's 1900 system counts a 29 February 1900 that never was (serial 60).
  if (days === 60) return '1900-02-29';
  const epoch = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return isoDateUtc(new Date(epoch + days * DAY_MS));
}

/** The calendar date of a Date read as UTC (exceljs builds date cells in UTC). */
export function isoDateUtc(date: Date): string {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A number in plain decimal notation, rounded to the 15 significant digits Excel shows. */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Number(n.toPrecision(15));
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  return rounded.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 });
}

/** Empty for the "all cells empty" rule: no value, or only white space. */
export function isEmptyText(text: string | null): boolean {
  return text === null || /^\s*$/u.test(text);
}
