// Number and date formats of the dashboards (zh-CN). Pure functions, shared by the server-side
// pages and the browser script.

const PERCENT_DIGITS = 1;

/** 0.8333 → "83.3%". */
export function formatPercent(value: number | null | undefined, digits = PERCENT_DIGITS): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** reform_index 0.7513 → "75.1" (a score out of 100). */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return (value * 100).toFixed(1);
}

/** Difference of two shares in percentage points, signed: "+5.0" / "−2.3" / "0.0". */
export function formatPointsDelta(current: number, previous: number): string {
  const delta = (current - previous) * 100;
  const rounded = Math.abs(delta) < 0.05 ? 0 : delta;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '';
  return `${sign}${Math.abs(rounded).toFixed(1)}`;
}

const integerFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });

/** 12345 → "12,345"; fractions (hours, reform-index numerators) keep up to one decimal. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? integerFormat.format(value) : decimalFormat.format(value);
}

/** '2025-06-30' → '2025年6月30日'. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** '2025-03' → '3月'. */
export function formatMonth(month: string): string {
  const m = /^\d{4}-(\d{2})$/.exec(month);
  return m ? `${Number(m[1])}月` : month;
}

/** A timestamp as Beijing time, 'YYYY-MM-DD HH:mm'. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const shanghai = new Date(date.getTime() + 8 * 3600_000);
  return shanghai.toISOString().slice(0, 16).replace('T', ' ');
}

/** An indicator value in its display form: reform_index as a score, every other as a percent. */
export function formatIndicator(indicatorId: string, value: number | null | undefined): string {
  return indicatorId === 'reform_index' ? formatScore(value) : formatPercent(value);
}
