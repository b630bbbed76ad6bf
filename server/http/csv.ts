// CSV for people who open it in Excel: UTF-8 with a BOM (so Chinese shows right), CRLF rows,
// RFC 4180 quoting, and text that Excel would run as a formula ("=…", "+…", "-…", "@…")
// prefixed with an apostrophe.

export interface CsvColumn {
  key: string;
  label: string;
}

const BOM = '\uFEFF';

/** Text that Excel would run as a formula, prefixed with an apostrophe (shared with the console's exports). */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (Array.isArray(value)) text = value.join('、');
  else if (value instanceof Date) text = value.toISOString();
  else text = String(value);
  if (typeof value === 'string') text = neutraliseFormula(text);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: CsvColumn[], rows: Record<string, unknown>[]): string {
  const lines = [columns.map((c) => cell(c.label)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c.key])).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
