// Turns the simulation's rows (offices, roster rows, cases, training records) into the cells
// of one file, keyed by contract alias (and extra column name), in that file's style.
import { isoOf, type Day } from './calendar.ts';
import type { CaseRow } from './cases.ts';
import { COUNTIES, type County } from './geography.ts';
import { personName } from './names.ts';
import type { OfficeState } from './offices.ts';
import type { Random } from './random.ts';
import type { RosterRow } from './staff.ts';
import {
  formatAmount,
  formatCounty,
  formatDate,
  formatHours,
  formatInteger,
  formatList,
  formatTier,
  formatYesNo,
  fullWidth,
  noisyCode,
  spacedWord,
  type Cell,
  type FileStyle,
} from './style.ts';
import type { TrainingRow } from './training.ts';

/** One row of a file: cells by contract alias or extra column name; a missing key is an empty cell. */
export type RowValues = Record<string, Cell>;

export interface RenderContext {
  style: FileStyle;
  random: Random;
  exportDay: Day;
  /** Names for the 承办人 column: a file's cases are handled by a limited set of people. */
  handlers?: readonly string[];
}

export const COUNTY_BY_CODE: ReadonlyMap<string, County> = new Map(COUNTIES.map((c) => [c.code, c]));

export function countyOf(code: string): County {
  const county = COUNTY_BY_CODE.get(code);
  if (!county) throw new Error(`not a Lishui county: ${code}`);
  return county;
}

const REMARKS = ['已核实', '补录', '系统迁移数据', '更正', '见附件', '待核实,已电话联系', '“回头看”补充'] as const;

function remark({ style, random }: RenderContext): string | null {
  if (!random.chance(0.12)) return null;
  if (style.multilineRemarks && random.chance(0.3)) return '已核实\n原始记录另行报送';
  return random.pick(REMARKS);
}

function blankOr<T extends Cell>(ctx: RenderContext, value: T): T | null {
  return ctx.random.chance(ctx.style.blanks) ? null : value;
}

function yesNo(ctx: RenderContext, value: boolean): string | null {
  return blankOr(ctx, formatYesNo(value, ctx.style, ctx.random));
}

export function officeValues(state: OfficeState, ctx: RenderContext): RowValues {
  const { style, random } = ctx;
  const office = state.office;
  const county = countyOf(office.countyCode);
  const withTerminal = state.largeVillagesWithTerminal;
  const values: RowValues = {
    office_code: office.code,
    office_name: office.name,
    county: formatCounty(county, style, random),
    township: blankOr(ctx, office.township.name),
    tier: formatTier(office.tier === 'key', style),
    cluster_key_office: state.clusterKey,
    plaques: state.plaques.length > 0 ? formatList(random.shuffled(state.plaques), style) : null,
    smart_office: yesNo(ctx, state.smartOffice),
    terminals: blankOr(ctx, formatInteger(state.terminals, style)),
    // Left empty only when no village has a terminal: an empty count reads as 0.
    large_villages: withTerminal === 0 ? blankOr(ctx, formatInteger(state.largeVillages, style)) : formatInteger(state.largeVillages, style),
    large_villages_with_terminal: formatInteger(withTerminal, style),
    director_attends_joint_meeting: yesNo(ctx, state.directorAttendsJointMeeting),
    director_attends_governance_meeting: yesNo(ctx, state.directorAttendsGovernanceMeeting),
    director_in_leadership: yesNo(ctx, state.directorInLeadership),
  };
  if (style.extras) {
    values['备注'] = remark(ctx);
    values['填报单位'] = `${county.name}司法局`;
  }
  if (random.chance(style.noise)) {
    if (random.chance(0.5)) values.office_code = noisyCode(office.code, random);
    else values.tier = spacedWord(values.tier as string);
  }
  return values;
}

/** An office being set up (筹建) that the registry already lists: the carrier of planted office errors. */
export function ghostOfficeValues(countyCode: string, serial: number, ctx: RenderContext): RowValues {
  const { style, random } = ctx;
  const county = countyOf(countyCode);
  const name = `${county.shortName}${random.pick(['新区', '园区', '工业园', '高铁新城', '东城'])}`;
  return {
    office_code: `SFS${countyCode}9${String(serial % 100).padStart(2, '0')}`,
    office_name: `${name}司法所（筹）`,
    county: formatCounty(county, style, random),
    township: name,
    tier: formatTier(false, style),
    cluster_key_office: null,
    plaques: null,
    smart_office: formatYesNo(false, style, random),
    terminals: formatInteger(0, style),
    large_villages: formatInteger(random.int(0, 2), style),
    large_villages_with_terminal: formatInteger(0, style),
    director_attends_joint_meeting: null,
    director_attends_governance_meeting: null,
    director_in_leadership: null,
  };
}

export function staffValues(row: RosterRow, ctx: RenderContext): RowValues {
  const { style, random } = ctx;
  const values: RowValues = {
    id_number: row.person.id,
    name: row.person.name,
    office_code: row.stint.office.code,
    role: row.stint.role,
    staffing_type: blankOr(ctx, row.staffingType),
    posts: blankOr(ctx, formatList(row.posts, style)),
    legal_background: yesNo(ctx, row.legalBackground),
    legal_qualification: yesNo(ctx, row.legalQualification),
    enforcement_certificate: yesNo(ctx, row.enforcementCertificate),
    public_lawyer: yesNo(ctx, row.publicLawyer),
    start_date: formatDate(row.stint.start, style, random),
    end_date: row.end === null ? null : formatDate(row.end, style, random),
  };
  if (style.extras) {
    values['性别'] = row.person.male ? '男' : '女';
    values['备注'] = remark(ctx);
  }
  if (random.chance(style.noise)) {
    const id = row.person.id;
    if (id.endsWith('X')) values.id_number = `${id.slice(0, 17)}x`;
    else if (random.chance(0.5)) values.office_code = noisyCode(row.stint.office.code, random);
    else values.role = spacedWord(row.stint.role);
  }
  return values;
}

export function caseValues(row: CaseRow, ctx: RenderContext): RowValues {
  const { style, random } = ctx;
  const values: RowValues = {
    case_id: row.caseId,
    office_code: row.office.code,
    business_line: row.line,
    received_date: formatDate(row.received, style, random),
    closed_date: row.closed === null ? null : formatDate(row.closed, style, random),
    status: row.status,
    outcome: row.outcome,
    amount: row.amountFen === null ? null : blankOr(ctx, formatAmount(row.amountFen, style, random)),
    parties: row.parties === null ? null : blankOr(ctx, formatInteger(row.parties, style)),
  };
  if (style.extras) {
    values['承办人'] = ctx.handlers ? random.pick(ctx.handlers) : personName(random, random.chance(0.5));
    values['更新时间'] = `${isoOf(ctx.exportDay)} ${String(random.int(18, 23))}:${String(random.int(10, 59))}:${String(random.int(10, 59))}`;
    values['备注'] = remark(ctx);
  }
  if (random.chance(style.noise)) {
    switch (random.int(0, 3)) {
      case 0:
        values.case_id = noisyCode(row.caseId, random);
        break;
      case 1:
        values.office_code = noisyCode(row.office.code, random);
        break;
      case 2:
        values.status = spacedWord(row.status);
        break;
      default:
        if (typeof values.received_date === 'string') values.received_date = fullWidth(values.received_date);
    }
  }
  return values;
}

export function trainingValues(row: TrainingRow, ctx: RenderContext): RowValues {
  const { style, random } = ctx;
  const values: RowValues = {
    record_id: row.recordId,
    id_number: row.person.id,
    course: row.course,
    start_date: formatDate(row.start, style, random),
    end_date: formatDate(row.end, style, random),
    hours: formatHours(row.halfHours, style, random),
    mode: blankOr(ctx, row.mode),
  };
  if (style.extras) {
    values['姓名'] = row.person.name;
    values['所在单位'] = random.chance(0.8) ? `${random.pick(COUNTIES).name}司法局` : '市司法局';
    values['备注'] = remark(ctx);
  }
  if (random.chance(style.noise)) {
    const id = row.person.id;
    if (id.endsWith('X')) values.id_number = `${id.slice(0, 17)}x`;
    else if (random.chance(0.5)) values.record_id = noisyCode(row.recordId, random);
    else if (values.mode) values.mode = spacedWord(row.mode);
  }
  return values;
}
