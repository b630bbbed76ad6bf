// The row rules of exports.md, written again here from the page (not from the generator or the
// loader): each row gets the first reason of the contract's table that applies, duplicate keys
// are judged among the rows that pass everything else (the last one loads). The demo tests use
// it to check that every planted bad row fails for its planted reason and every other row loads.
import type { RawCell, ReadTable } from './reference-reader.ts';

export type Reason =
  | 'missing_required'
  | 'bad_date'
  | 'bad_number'
  | 'bad_enum'
  | 'bad_id_number'
  | 'unknown_county'
  | 'unknown_office'
  | 'date_order'
  | 'hours_out_of_range'
  | 'duplicate_key';

export type Kind = 'offices' | 'staff' | 'cases' | 'training';
export type Value = string | number | boolean | null;
export type LoadedRow = Record<string, Value> & { rowNumber: number };

export interface CheckResult {
  rejected: { rowNumber: number; reason: Reason }[];
  loaded: LoadedRow[];
}

export interface CheckContext {
  format: 'csv' | 'xlsx';
  /** staff: the loaded office codes of the same snapshot; cases: of the snapshot that applies. */
  officeCodes?: ReadonlySet<string>;
}

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '×', '✗']);
const COUNTIES = new Map<string, string>([
  ['莲都区', '331102'], ['莲都', '331102'], ['青田县', '331121'], ['青田', '331121'], ['缙云县', '331122'], ['缙云', '331122'],
  ['遂昌县', '331123'], ['遂昌', '331123'], ['松阳县', '331124'], ['松阳', '331124'], ['云和县', '331125'], ['云和', '331125'],
  ['庆元县', '331126'], ['庆元', '331126'], ['景宁畲族自治县', '331127'], ['景宁', '331127'], ['龙泉市', '331181'], ['龙泉', '331181'],
]);
const COUNTY_CODES = new Set(COUNTIES.values());
const TIERS = new Map([['重点', 'key'], ['重点所', 'key'], ['重点司法所', 'key'], ['普通', 'ordinary'], ['普通所', 'ordinary'], ['普通司法所', 'ordinary']]);
const ROLES = new Set(['所长', '副所长', '工作人员', '司法协理员']);
const STAFFING = new Set(['政法专编', '行政编制', '事业编制', '司法协理员', '其他']);
const LINES = new Set(['人民调解', '合法性审查', '行政执法监督', '行政复议答复', '行政诉讼应诉协调', '社区矫正', '安置帮教', '普法宣传', '公共法律服务', '人民陪审员选任']);
const STATUSES = new Set(['办理中', '已办结', '已撤回']);
const MODES = new Set(['线上', '线下']);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** 18 characters and the GB 11643 check character (ISO 7064 MOD 11-2). */
export function idCheckOk(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

const text = (cell: RawCell): string | null => {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString();
  const t = String(cell).normalize('NFKC').trim();
  return t === '' ? null : t;
};
const squeeze = (t: string): string => t.replace(/\s+/g, '');

const DAY_MS = 86_400_000;
function calendarDay(y: number, m: number, d: number): number | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date.getTime() / DAY_MS : undefined;
}

/** A day number, 'bad', or null (empty). */
export function parseDate(cell: RawCell, format: 'csv' | 'xlsx'): number | 'bad' | null {
  if (cell instanceof Date) return Math.floor(cell.getTime() / DAY_MS);
  if (typeof cell === 'number') return format === 'xlsx' && Number.isInteger(cell) ? cell - 25569 : 'bad';
  const t = text(cell);
  if (t === null) return null;
  const s = t.replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '');
  const forms = [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日$/, /^(\d{4})(\d{2})(\d{2})$/];
  for (const form of forms) {
    const m = form.exec(s);
    if (m) return calendarDay(Number(m[1]), Number(m[2]), Number(m[3])) ?? 'bad';
  }
  return 'bad';
}

/** A number ≥ 0, 'bad', or null. */
export function parseNumber(cell: RawCell, integer: boolean): number | 'bad' | null {
  let value: number;
  if (typeof cell === 'number') value = cell;
  else {
    const t = text(cell);
    if (t === null) return null;
    const m = /^(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万?)$/.exec(t);
    if (!m) return 'bad';
    value = Number((m[1] as string).replace(/,/g, '')) * (m[2] ? 10_000 : 1);
  }
  if (!Number.isFinite(value) || value < 0) return 'bad';
  if (integer && !Number.isInteger(Math.round(value * 1e6) / 1e6)) return 'bad';
  return value;
}

export function parseYesNo(cell: RawCell): boolean | 'bad' | null {
  const t = text(cell);
  if (t === null) return null;
  const key = t.toLowerCase();
  return YES.has(key) ? true : NO.has(key) ? false : 'bad';
}

function record(table: ReadTable, cells: RawCell[]): Record<string, RawCell> {
  const out: Record<string, RawCell> = {};
  table.aliases.forEach((alias, i) => {
    if (alias) out[alias] = cells[i] ?? null;
  });
  return out;
}

const KEYS: Record<Kind, string> = { offices: 'office_code', staff: 'id_number', cases: 'case_id', training: 'record_id' };
const REQUIRED: Record<Kind, string[]> = {
  offices: ['office_code', 'office_name', 'county', 'tier'],
  staff: ['id_number', 'name', 'office_code', 'role', 'start_date'],
  cases: ['case_id', 'office_code', 'business_line', 'received_date', 'status'],
  training: ['record_id', 'id_number', 'course', 'start_date', 'end_date', 'hours'],
};

function judge(kind: Kind, raw: Record<string, RawCell>, ctx: CheckContext): { reason: Reason } | { row: Record<string, Value> } {
  const t = (alias: string): string | null => text(raw[alias] ?? null);
  // missing_required
  for (const alias of REQUIRED[kind]) if (t(alias) === null) return { reason: 'missing_required' };
  const status = t('status') === null ? null : squeeze(t('status') as string);
  const mediationClosed = kind === 'cases' && squeeze(t('business_line') as string) === '人民调解' && status === '已办结';
  if (kind === 'cases' && status === '已办结' && t('closed_date') === null) return { reason: 'missing_required' };
  if (mediationClosed && t('outcome') === null) return { reason: 'missing_required' };
  // bad_date
  const dateAliases = kind === 'staff' ? ['start_date', 'end_date'] : kind === 'cases' ? ['received_date', 'closed_date'] : kind === 'training' ? ['start_date', 'end_date'] : [];
  const dates: Record<string, number | null> = {};
  for (const alias of dateAliases) {
    const d = parseDate(raw[alias] ?? null, ctx.format);
    if (d === 'bad') return { reason: 'bad_date' };
    dates[alias] = d;
  }
  // bad_number
  const numbers: Record<string, number | null> = {};
  const numberAliases: [string, boolean][] =
    kind === 'offices' ? [['terminals', true], ['large_villages', true], ['large_villages_with_terminal', true]] : kind === 'cases' ? [['amount', false], ['parties', true]] : kind === 'training' ? [['hours', false]] : [];
  for (const [alias, integer] of numberAliases) {
    const n = parseNumber(raw[alias] ?? null, integer);
    if (n === 'bad') return { reason: 'bad_number' };
    numbers[alias] = n;
  }
  if (kind === 'offices' && (numbers.large_villages_with_terminal ?? 0) > (numbers.large_villages ?? 0)) return { reason: 'bad_number' };
  // bad_enum (yes/no included)
  const flags: Record<string, boolean | null> = {};
  const flagAliases =
    kind === 'offices' ? ['smart_office', 'director_attends_joint_meeting', 'director_attends_governance_meeting', 'director_in_leadership'] : kind === 'staff' ? ['legal_background', 'legal_qualification', 'enforcement_certificate', 'public_lawyer'] : [];
  for (const alias of flagAliases) {
    const f = parseYesNo(raw[alias] ?? null);
    if (f === 'bad') return { reason: 'bad_enum' };
    flags[alias] = f;
  }
  const enumOk = (alias: string, allowed: { has(v: string): boolean }, optional = false): boolean => {
    const v = t(alias);
    return v === null ? optional : allowed.has(squeeze(v));
  };
  if (kind === 'offices' && !enumOk('tier', TIERS)) return { reason: 'bad_enum' };
  if (kind === 'staff' && (!enumOk('role', ROLES) || !enumOk('staffing_type', STAFFING, true))) return { reason: 'bad_enum' };
  if (kind === 'cases') {
    if (!enumOk('business_line', LINES) || !enumOk('status', STATUSES)) return { reason: 'bad_enum' };
    if (mediationClosed && !['调解成功', '调解不成功'].includes(squeeze(t('outcome') as string))) return { reason: 'bad_enum' };
  }
  if (kind === 'training' && !enumOk('mode', MODES, true)) return { reason: 'bad_enum' };
  // bad_id_number
  if ((kind === 'staff' || kind === 'training') && !idCheckOk((t('id_number') as string).toUpperCase())) return { reason: 'bad_id_number' };
  // unknown_county
  if (kind === 'offices') {
    const county = t('county') as string;
    if (!COUNTIES.has(county) && !COUNTY_CODES.has(county)) return { reason: 'unknown_county' };
  }
  // unknown_office
  if ((kind === 'staff' || kind === 'cases') && !ctx.officeCodes?.has((t('office_code') as string).toUpperCase())) return { reason: 'unknown_office' };
  // date_order
  if (kind === 'staff' && dates.end_date != null && (dates.end_date as number) < (dates.start_date as number)) return { reason: 'date_order' };
  if (kind === 'cases' && dates.closed_date != null && (dates.closed_date as number) < (dates.received_date as number)) return { reason: 'date_order' };
  if (kind === 'training' && (dates.end_date as number) < (dates.start_date as number)) return { reason: 'date_order' };
  // hours_out_of_range
  if (kind === 'training' && (numbers.hours as number) > 24 * ((dates.end_date as number) - (dates.start_date as number) + 1)) return { reason: 'hours_out_of_range' };

  const row: Record<string, Value> = {};
  for (const alias of Object.keys(raw)) row[alias] = t(alias);
  Object.assign(row, dates, numbers, flags);
  for (const alias of ['office_code', 'id_number', 'case_id', 'record_id', 'cluster_key_office']) if (typeof row[alias] === 'string') row[alias] = (row[alias] as string).toUpperCase();
  for (const alias of ['status', 'business_line', 'role', 'staffing_type', 'mode', 'outcome']) if (typeof row[alias] === 'string') row[alias] = squeeze(row[alias] as string);
  if (kind === 'offices') {
    row.tier = TIERS.get(squeeze(t('tier') as string)) ?? null;
    const county = t('county') as string;
    row.county = COUNTIES.get(county) ?? county;
  }
  return { row };
}

export function checkTable(kind: Kind, table: ReadTable, ctx: CheckContext): CheckResult {
  const rejected: CheckResult['rejected'] = [];
  const passing: LoadedRow[] = [];
  for (const { rowNumber, cells } of table.rows) {
    const verdict = judge(kind, record(table, cells), ctx);
    if ('reason' in verdict) rejected.push({ rowNumber, reason: verdict.reason });
    else passing.push({ ...verdict.row, rowNumber });
  }
  const lastOfKey = new Map<string, number>();
  for (const row of passing) lastOfKey.set(String(row[KEYS[kind]]), row.rowNumber);
  const loaded: LoadedRow[] = [];
  for (const row of passing) {
    if (lastOfKey.get(String(row[KEYS[kind]])) === row.rowNumber) loaded.push(row);
    else rejected.push({ rowNumber: row.rowNumber, reason: 'duplicate_key' });
  }
  rejected.sort((a, b) => a.rowNumber - b.rowNumber);
  return { rejected, loaded };
}
