// How one export file writes its values: date forms (2024-08-22, 2024/8/22, 2024年8月22日,
// 20240822, real Excel date cells or serial numbers), yes/no forms (是/否, √/×, Y/N, 1/0 …),
// numbers (12,000.50, 1.2万), list separators, county names or codes, and the harmless noise of
// hand-kept registers (stray spaces, full-width digits, a lower-case x). Each file draws one
// style, so a set mixes all the forms the contract accepts.
import { excelSerialOf, utcDateOf, ymdOf, type Day } from './calendar.ts';
import type { County } from './geography.ts';
import type { Random } from './random.ts';
import type { Encoding } from './scales.ts';

/** A cell as written: text (CSV and workbooks), or a number or date cell (workbooks only). */
export type Cell = string | number | Date | null;

export type DateForm = 'iso' | 'slash' | 'dot' | 'cn' | 'compact' | 'mixed' | 'cell' | 'serial';
export type YesNoForm = 'shifou' | 'check' | 'yn' | 'onezero' | 'truefalse' | 'mixed';
export type NumberForm = 'plain' | 'thousands' | 'wan' | 'mixed';
export type CountyForm = 'name' | 'short' | 'code' | 'mixed';

export interface FileStyle {
  format: 'csv' | 'xlsx';
  /** The file is GBK: only characters GBK has (no ✓ ✗). */
  gbk: boolean;
  headers: 'zh' | 'en' | 'mixed';
  halfWidthBrackets: boolean;
  aliasCase: 'lower' | 'upper' | 'title';
  /** Some headers carry a stray space (`受理 日期`). */
  spacedHeaders: boolean;
  shuffled: boolean;
  /** Extra columns the contract does not know (序号, 备注 …). */
  extras: boolean;
  dates: DateForm;
  /** Some dates carry a time (`2025-11-30 23:10:05`). */
  dateTimes: boolean;
  yesNo: YesNoForm;
  numbers: NumberForm;
  /** Workbooks: plain numbers as number cells. */
  numberCells: boolean;
  listSeparator: string;
  county: CountyForm;
  /** 0: 重点/普通, 1: 重点所/普通所, 2: 重点司法所/普通司法所. */
  tierWords: 0 | 1 | 2;
  quoting: 'minimal' | 'some' | 'all';
  crlf: boolean;
  /** Share of rows with one harmless variant (spaces, full-width characters, lower-case x). */
  noise: number;
  /** Share of optional cells left empty. */
  blanks: number;
  /** Empty rows (all cells empty) at the end, as spreadsheets leave them. */
  trailingBlankRows: number;
  /** 备注 sometimes spans two lines (a quoted line break). */
  multilineRemarks: boolean;
}

export interface StyleOptions {
  format: 'csv' | 'xlsx';
  encoding: Encoding | null;
  /** Messy extras: noise, stray spaces, trailing empty rows, line breaks in remarks. */
  decorate: boolean;
}

export function chooseStyle(random: Random, { format, encoding, decorate }: StyleOptions): FileStyle {
  const xlsx = format === 'xlsx';
  const dateForms: DateForm[] = xlsx ? ['cell', 'cell', 'cell', 'serial', 'iso', 'cn', 'slash'] : ['iso', 'iso', 'slash', 'dot', 'cn', 'compact', 'mixed'];
  return {
    format,
    gbk: encoding === 'gbk',
    headers: random.weighted(['zh', 'en', 'mixed'] as const, [7, 1.5, 1.5]),
    halfWidthBrackets: random.chance(0.4),
    aliasCase: random.weighted(['lower', 'upper', 'title'] as const, [6, 2, 2]),
    spacedHeaders: decorate && random.chance(0.2),
    shuffled: random.chance(0.4),
    extras: random.chance(decorate ? 0.6 : 0.3),
    dates: random.pick(dateForms),
    dateTimes: decorate && !xlsx && random.chance(0.15),
    yesNo: random.weighted(['shifou', 'check', 'yn', 'onezero', 'truefalse', 'mixed'] as const, [4, 3, 1.5, 1, 0.5, 1]),
    numbers: random.weighted(['plain', 'thousands', 'wan', 'mixed'] as const, [5, 2, 1, 2]),
    numberCells: xlsx && random.chance(0.7),
    listSeparator: random.pick(['、', '、', ',', '，', ';', '；', '/', ' ']),
    county: random.weighted(['name', 'short', 'code', 'mixed'] as const, [5, 2, 1.5, 1.5]),
    tierWords: random.pick([0, 1, 2] as const),
    quoting: xlsx ? 'minimal' : random.weighted(['minimal', 'some', 'all'] as const, [6, 2, 2]),
    crlf: random.chance(0.6),
    noise: decorate ? 0.02 : 0,
    blanks: 0.02,
    trailingBlankRows: decorate && !xlsx && random.chance(0.25) ? random.int(1, 3) : 0,
    multilineRemarks: decorate && !xlsx && random.chance(0.3),
  };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A date in the file's form; `mixed` picks a text form per value. */
export function formatDate(day: Day, style: FileStyle, random: Random): Cell {
  let form = style.dates;
  if (form === 'cell') return utcDateOf(day);
  if (form === 'serial') return excelSerialOf(day);
  if (form === 'mixed') form = random.pick(['iso', 'slash', 'dot', 'cn', 'compact'] as const);
  const { year, month, day: d } = ymdOf(day);
  let text: string;
  switch (form) {
    case 'iso':
      text = `${year}-${pad2(month)}-${pad2(d)}`;
      break;
    case 'slash':
      text = `${year}/${month}/${d}`;
      break;
    case 'dot':
      text = `${year}.${month}.${d}`;
      break;
    case 'cn':
      text = `${year}年${month}月${d}日`;
      break;
    case 'compact':
      text = `${year}${pad2(month)}${pad2(d)}`;
      break;
  }
  if (style.dateTimes && random.chance(0.3)) text += ` ${pad2(random.int(8, 18))}:${pad2(random.int(0, 59))}:${pad2(random.int(0, 59))}`;
  return text;
}

/** An impossible or unreadable date written the way the file writes dates. */
export function badDateText(day: Day, style: FileStyle, random: Random): string {
  const { year, month } = ymdOf(day);
  const impossible = random.pick([
    [2, 30],
    [2, 31],
    [4, 31],
    [6, 31],
    [9, 31],
    [11, 31],
    [13, 5],
  ] as const);
  const [m, d] = impossible;
  switch (random.int(0, 5)) {
    case 0:
      return `${year}-${pad2(m)}-${pad2(d)}`;
    case 1:
      return `${year}年${m}月${d}日`;
    case 2:
      return `${year}/${m}/${d}`;
    case 3:
      return style.dates === 'compact' ? `${year}${pad2(m)}${pad2(d)}` : `${year}.${m}.${d}`;
    case 4:
      return random.pick(['待定', '不详', `${year}年${month}月`]);
    default:
      return `${year}-${pad2(month)}-${pad2(month === 2 ? 30 : 32)}`;
  }
}

export function formatYesNo(value: boolean, style: FileStyle, random: Random): string {
  let form = style.yesNo;
  if (form === 'mixed') form = random.pick(['shifou', 'check', 'yn', 'onezero'] as const);
  switch (form) {
    case 'shifou':
      return value ? '是' : '否';
    case 'check':
      if (!style.gbk && random.chance(0.2)) return value ? '✓' : '✗';
      return value ? '√' : '×';
    case 'yn':
      return value ? random.pick(['Y', 'y', 'Yes', 'YES']) : random.pick(['N', 'n', 'No', 'NO']);
    case 'onezero':
      return value ? '1' : '0';
    case 'truefalse':
      return value ? random.pick(['TRUE', 'true']) : random.pick(['FALSE', 'false']);
  }
}

/** A non-negative integer: a number cell in workbooks that use them, else text. */
export function formatInteger(value: number, style: FileStyle): Cell {
  return style.numberCells ? value : String(value);
}

/** An amount in fen as the file writes money: 299200, 299,200.50, 29.92万. */
export function formatAmount(fen: number, style: FileStyle, random: Random): Cell {
  let form = style.numbers;
  if (form === 'mixed') form = random.pick(['plain', 'plain', 'thousands', 'wan'] as const);
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  if (form === 'wan' && cents === 0 && yuan >= 10_000) {
    const whole = Math.floor(yuan / 10_000);
    const fraction = String(yuan % 10_000).padStart(4, '0').replace(/0+$/, '');
    return fraction ? `${whole}.${fraction}万` : `${whole}万`;
  }
  if (form === 'thousands') {
    const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return cents === 0 && random.chance(0.5) ? grouped : `${grouped}.${pad2(cents)}`;
  }
  if (style.numberCells) return fen / 100;
  return cents === 0 ? String(yuan) : `${yuan}.${pad2(cents)}`;
}

/** Training hours (kept in half hours): 7.5, 8, sometimes 8.0. */
export function formatHours(halfHours: number, style: FileStyle, random: Random): Cell {
  if (style.numberCells) return halfHours / 2;
  const whole = Math.floor(halfHours / 2);
  if (halfHours % 2 === 1) return `${whole}.5`;
  return random.chance(0.1) ? `${whole}.0` : String(whole);
}

export function formatCounty(county: County, style: FileStyle, random: Random): string {
  let form = style.county;
  if (form === 'mixed') form = random.pick(['name', 'short', 'code'] as const);
  return form === 'name' ? county.name : form === 'short' ? county.shortName : county.code;
}

export function formatTier(key: boolean, style: FileStyle): string {
  return (key ? ['重点', '重点所', '重点司法所'] : ['普通', '普通所', '普通司法所'])[style.tierWords] as string;
}

export function formatList(items: readonly string[], style: FileStyle): string {
  return items.join(style.listSeparator);
}

/** Full-width forms of ASCII letters and digits, as some input methods type them (NFKC undoes it). */
export function fullWidth(text: string): string {
  return text.replace(/[0-9A-Za-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

/** A harmless variant of a code or key: stray spaces or full-width characters. */
export function noisyCode(code: string, random: Random): string {
  switch (random.int(0, 2)) {
    case 0:
      return `  ${code}`;
    case 1:
      return `${code} `;
    default:
      return fullWidth(code);
  }
}

/** An enumerated word with a space inside (`调解 成功`), which the contract reads as the word. */
export function spacedWord(word: string): string {
  if (word.length < 2) return word;
  const at = Math.ceil(word.length / 2);
  return `${word.slice(0, at)} ${word.slice(at)}`;
}
