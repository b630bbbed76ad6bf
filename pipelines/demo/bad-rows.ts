// Planted bad rows: a share of each file's rows (default 0.5 %) breaks exactly one rule of
// exports.md, spread round-robin over every reason code that can apply to that table, so a
// loader's rejects per reason can be checked against what was planted. Office errors ride on
// extra rows (an office being set up, or a repeated row), because a real office row rejected
// would take its staff and cases down with it (unknown_office) and blur the count.
import type { TableKind } from '../contract/exports.ts';
import type { Day } from './calendar.ts';
import { withWrongCheckChar } from './id-number.ts';
import type { Random } from './random.ts';
import type { RowValues } from './render.ts';
import { badDateText, formatDate, formatHours, type FileStyle } from './style.ts';

export const REASON_CODES = [
  'missing_required',
  'bad_date',
  'bad_number',
  'bad_enum',
  'bad_id_number',
  'unknown_county',
  'unknown_office',
  'date_order',
  'hours_out_of_range',
  'duplicate_key',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const APPLICABLE_REASONS: Readonly<Record<TableKind, readonly ReasonCode[]>> = {
  offices: ['missing_required', 'bad_number', 'bad_enum', 'unknown_county', 'duplicate_key'],
  staff: ['missing_required', 'bad_date', 'bad_enum', 'bad_id_number', 'unknown_office', 'date_order', 'duplicate_key'],
  cases: ['missing_required', 'bad_date', 'bad_number', 'bad_enum', 'unknown_office', 'date_order', 'duplicate_key'],
  training: ['missing_required', 'bad_date', 'bad_number', 'bad_enum', 'bad_id_number', 'date_order', 'hours_out_of_range', 'duplicate_key'],
};

interface TableState {
  carry: number;
  cursor: number;
  planted: number;
  filesLeft: number;
  order: readonly ReasonCode[];
}

/** Decides, file by file, how many rows are bad and which reason each gets. */
export class BadRowPlanner {
  private readonly tables = new Map<TableKind, TableState>();

  /** `filesPerTable`: how many files (or sheets) of each table the set will have. */
  constructor(
    private readonly share: number,
    private readonly random: Random,
    filesPerTable: Readonly<Record<TableKind, number>>,
  ) {
    for (const table of Object.keys(filesPerTable) as TableKind[]) {
      this.tables.set(table, { carry: 0, cursor: 0, planted: 0, filesLeft: filesPerTable[table], order: random.fork(table).shuffled(APPLICABLE_REASONS[table]) });
    }
  }

  /**
   * The plan for a file of `rows` rows. The count follows the share (fractions carried over to
   * the next file); the table's last file tops it up so every applicable reason occurs at least once.
   */
  startFile(table: TableKind, rows: number): FilePlan {
    const state = this.tables.get(table);
    if (!state) throw new Error(`no bad-row plan for ${table}`);
    state.filesLeft--;
    const exact = state.carry + rows * this.share;
    let count = Math.floor(exact);
    state.carry = exact - count;
    if (state.filesLeft <= 0 && state.planted + count < state.order.length) count = state.order.length - state.planted;
    count = Math.min(count, rows);
    const reasons: ReasonCode[] = [];
    for (let i = 0; i < count; i++) reasons.push(state.order[state.cursor++ % state.order.length] as ReasonCode);
    state.planted += count;
    return new FilePlan(reasons, rows, this.random.fork(`${table}/${state.cursor}/${state.planted}`));
  }
}

/** Selection sampling: exactly the planned number of rows, spread uniformly over the file. */
export class FilePlan {
  private remainingRows: number;
  private next = 0;

  constructor(
    private readonly reasons: readonly ReasonCode[],
    rows: number,
    private readonly random: Random,
  ) {
    this.remainingRows = rows;
  }

  /** Call once per row, in order: the reason to plant in it, or null. */
  reasonForNextRow(): ReasonCode | null {
    const left = this.reasons.length - this.next;
    const pick = left > 0 && this.random.next() * this.remainingRows < left;
    this.remainingRows--;
    return pick ? (this.reasons[this.next++] as ReasonCode) : null;
  }
}

export interface PlantContext {
  style: FileStyle;
  random: Random;
  /** Days behind the row's dates, for rewriting them. */
  dates: { start?: Day; end?: Day };
  /** An office row being set up in the row's county (offices only). */
  ghostOffice?: () => RowValues;
  /** The row is a 人民调解 case. */
  mediation?: boolean;
}

/**
 * The rows to write in place of `row` so that exactly one of them is bad for `reason`: the
 * first of the returned rows is the bad one; any second one is `row` itself, unchanged.
 */
export function plantBadRow(table: TableKind, reason: ReasonCode, row: RowValues, ctx: PlantContext): RowValues[] {
  if (reason === 'duplicate_key') return [{ ...row }, row];
  if (table === 'offices') {
    if (!ctx.ghostOffice) throw new Error('office errors need a ghost office');
    const ghost = ctx.ghostOffice();
    breakOffice(reason, ghost, ctx);
    return [ghost, row];
  }
  const bad = { ...row };
  if (table === 'staff') breakStaff(reason, bad, ctx);
  else if (table === 'cases') breakCase(reason, bad, ctx);
  else breakTraining(reason, bad, ctx);
  return [bad];
}

function unsupported(table: TableKind, reason: ReasonCode): never {
  throw new Error(`${reason} cannot be planted in ${table}`);
}

function breakOffice(reason: ReasonCode, row: RowValues, { random }: PlantContext): void {
  switch (reason) {
    case 'missing_required':
      row[random.pick(['office_name', 'county', 'tier', 'office_code'])] = null;
      return;
    case 'bad_number':
      switch (random.int(0, 3)) {
        case 0:
          row.terminals = '两台';
          return;
        case 1:
          row.terminals = '-1';
          return;
        case 2:
          row.large_villages = '1.5';
          return;
        default:
          row.large_villages = '2';
          row.large_villages_with_terminal = '5';
          return;
      }
    case 'bad_enum':
      if (random.chance(0.5)) row.tier = random.pick(['中心所', '一般所', '重点所（筹）']);
      else row.smart_office = random.pick(['试点中', '待定', '有']);
      return;
    case 'unknown_county':
      row.county = random.pick(['丽水经济技术开发区', '开发区', '331100', '温州市鹿城区', '331103']);
      return;
    default:
      unsupported('offices', reason);
  }
}

function breakStaff(reason: ReasonCode, row: RowValues, ctx: PlantContext): void {
  const { random, style } = ctx;
  switch (reason) {
    case 'missing_required':
      row[random.pick(['id_number', 'name', 'office_code', 'role', 'start_date'])] = null;
      return;
    case 'bad_date':
      if (random.chance(0.8) || ctx.dates.start === undefined) row.start_date = badDateText(ctx.dates.start ?? 0, style, random);
      else row.end_date = badDateText(ctx.dates.start + 400, style, random);
      return;
    case 'bad_enum':
      switch (random.int(0, 2)) {
        case 0:
          row.role = random.pick(['科员', '负责人', '所长助理']);
          return;
        case 1:
          row.staffing_type = random.pick(['合同制', '编外', '聘用']);
          return;
        default:
          row[random.pick(['legal_background', 'legal_qualification', 'enforcement_certificate', 'public_lawyer'])] = random.pick(['有', '待定', '不详']);
          return;
      }
    case 'bad_id_number':
      row.id_number = badIdNumber(String(row.id_number), random);
      return;
    case 'unknown_office':
      row.office_code = typoCode(String(row.office_code).trim());
      return;
    case 'date_order': {
      const start = ctx.dates.start ?? 0;
      row.end_date = formatDate(start - random.int(1, 400), style, random);
      return;
    }
    default:
      unsupported('staff', reason);
  }
}

function breakCase(reason: ReasonCode, row: RowValues, ctx: PlantContext): void {
  const { random, style } = ctx;
  const received = ctx.dates.start ?? 0;
  switch (reason) {
    case 'missing_required':
      switch (random.int(0, 2)) {
        case 0:
          row[random.pick(['case_id', 'office_code', 'business_line', 'received_date', 'status'])] = null;
          return;
        case 1:
          row.status = '已办结';
          row.closed_date = null;
          if (ctx.mediation) row.outcome = '调解成功';
          return;
        default:
          if (ctx.mediation) {
            row.status = '已办结';
            row.closed_date = formatDate(received + random.int(1, 20), style, random);
            row.outcome = null;
          } else {
            row.received_date = null;
          }
          return;
      }
    case 'bad_date':
      if (random.chance(0.7) || ctx.dates.end === undefined) row.received_date = badDateText(received, style, random);
      else row.closed_date = badDateText(ctx.dates.end, style, random);
      return;
    case 'bad_number':
      if (random.chance(0.6)) row.amount = random.pick(['约5000元', '-200', '五千', '3000元整']);
      else row.parties = random.pick(['2.5', '两人', '-1']);
      return;
    case 'bad_enum':
      switch (random.int(0, 2)) {
        case 0:
          row.status = random.pick(['已完成', '结案', '待办']);
          return;
        case 1:
          row.business_line = random.pick(['法律援助', '信访', '矛盾调解']);
          return;
        default:
          if (ctx.mediation) {
            row.status = '已办结';
            row.closed_date = formatDate(received + random.int(1, 20), style, random);
            row.outcome = random.pick(['部分调解成功', '调解中', '成功']);
          } else {
            row.status = '已完成';
          }
          return;
      }
    case 'unknown_office':
      row.office_code = typoCode(String(row.office_code).trim());
      return;
    case 'date_order':
      row.status = '已办结';
      row.closed_date = formatDate(received - random.int(1, 30), style, random);
      if (ctx.mediation) row.outcome = '调解成功';
      return;
    default:
      unsupported('cases', reason);
  }
}

function breakTraining(reason: ReasonCode, row: RowValues, ctx: PlantContext): void {
  const { random, style } = ctx;
  const start = ctx.dates.start ?? 0;
  const end = ctx.dates.end ?? start;
  switch (reason) {
    case 'missing_required':
      row[random.pick(['record_id', 'id_number', 'course', 'start_date', 'end_date', 'hours'])] = null;
      return;
    case 'bad_date':
      if (random.chance(0.5)) row.start_date = badDateText(start, style, random);
      else row.end_date = badDateText(end, style, random);
      return;
    case 'bad_number':
      row.hours = random.pick(['八', '-4', '8学时', '约6']);
      return;
    case 'bad_enum':
      row.mode = random.pick(['面授', '网络', '线上线下结合']);
      return;
    case 'bad_id_number':
      row.id_number = badIdNumber(String(row.id_number), random);
      return;
    case 'date_order':
      row.end_date = formatDate(start - random.int(1, 10), style, random);
      return;
    case 'hours_out_of_range': {
      const days = end - start + 1;
      row.hours = formatHours((24 * days + random.int(1, 24)) * 2, style, random);
      return;
    }
    default:
      unsupported('training', reason);
  }
}

/** A wrong check digit (most common), a digit lost, or an old 15-digit number. */
function badIdNumber(id: string, random: Random): string {
  const clean = id.trim().toUpperCase();
  switch (random.int(0, 3)) {
    case 0:
      return clean.slice(0, 16) + clean.slice(17);
    case 1:
      return clean.slice(0, 6) + clean.slice(8, 17);
    default:
      return withWrongCheckChar(clean);
  }
}

/** An office code with its last digit lost: never a real code (real ones are longer). */
function typoCode(code: string): string {
  return code.slice(0, -1);
}

