// The export contract of ../shared/spec/exports.md as data: which files exist, what their sheets
// and columns are called (Chinese header and English alias), each column's type and whether it
// must be present. Reading, landing and the tests all take their column lists from here. The
// business lines come from their seed (sql/seeds/business_lines.csv), as the SQL's do.
import { SEED_BUSINESS_LINES } from './seeds.ts';

export type ColumnType = 'text' | 'date' | 'bool' | 'int' | 'number' | 'enum' | 'list';

export interface ColumnSpec {
  /** The Chinese header as exports.md writes it. */
  header: string;
  /** The English alias; also the column's name in the landing table and beyond. */
  alias: string;
  type: ColumnType;
  /** The column must be present in the file's header (exports.md: "required"). */
  required: boolean;
  /** Allowed values of an enum, or the items that count in a list (documentation; SQL validates). */
  values?: readonly string[];
}

/** One table of the contract: a sheet of the snapshot workbook, or a whole case / training file. */
export type TableKind = 'offices' | 'staff' | 'cases' | 'training';

export interface TableSpec {
  kind: TableKind;
  /** The in-memory landing table, `staging.<landingTable>`. */
  landingTable: `land_${TableKind}`;
  /** The sheet name in an office workbook; undefined for tables read from a file's first sheet. */
  sheetName?: string;
  columns: readonly ColumnSpec[];
}

const YES_NO = ['是', '否'] as const;

const col = (header: string, alias: string, type: ColumnType, required = false, values?: readonly string[]): ColumnSpec =>
  values ? { header, alias, type, required, values } : { header, alias, type, required };

export const OFFICES: TableSpec = {
  kind: 'offices',
  landingTable: 'land_offices',
  sheetName: '司法所',
  columns: [
    col('司法所编码', 'office_code', 'text', true),
    col('司法所名称', 'office_name', 'text', true),
    col('所属县（市、区）', 'county', 'text', true),
    col('所属乡镇（街道）', 'township', 'text'),
    col('类型', 'tier', 'enum', true, ['重点', '重点所', '重点司法所', '普通', '普通所', '普通司法所']),
    col('所属片区重点所编码', 'cluster_key_office', 'text'),
    col('增挂牌子', 'plaques', 'list', false, ['行政复议联络点', '智慧矫正分中心', '行政执法监督工作室']),
    col('智慧司法所', 'smart_office', 'bool', false, YES_NO),
    col('公共法律服务自助终端数', 'terminals', 'int'),
    col('较大村（社区）数', 'large_villages', 'int'),
    col('已配备终端的较大村（社区）数', 'large_villages_with_terminal', 'int'),
    col('所长列席党政联席会议', 'director_attends_joint_meeting', 'bool', false, YES_NO),
    col('所长列席综治工作会议', 'director_attends_governance_meeting', 'bool', false, YES_NO),
    col('所长进入乡镇（街道）领导班子', 'director_in_leadership', 'bool', false, YES_NO),
  ],
};

export const STAFF: TableSpec = {
  kind: 'staff',
  landingTable: 'land_staff',
  sheetName: '人员',
  columns: [
    col('身份证号', 'id_number', 'text', true),
    col('姓名', 'name', 'text', true),
    col('所属司法所编码', 'office_code', 'text', true),
    col('职务', 'role', 'enum', true, ['所长', '副所长', '工作人员', '司法协理员']),
    col('编制类型', 'staffing_type', 'enum', false, ['政法专编', '行政编制', '事业编制', '司法协理员', '其他']),
    col('岗位', 'posts', 'list', false, [
      '法治统筹协调岗',
      '合法性审查岗',
      '行政执法监督岗',
      '社区矫正（安置帮教）岗',
      '矛盾纠纷调处岗',
      '法律服务岗',
    ]),
    col('法律专业背景', 'legal_background', 'bool', false, YES_NO),
    col('法律职业资格', 'legal_qualification', 'bool', false, YES_NO),
    col('行政执法证', 'enforcement_certificate', 'bool', false, YES_NO),
    col('公职律师', 'public_lawyer', 'bool', false, YES_NO),
    col('到岗日期', 'start_date', 'date', true),
    col('离岗日期', 'end_date', 'date'),
  ],
};

export const CASES: TableSpec = {
  kind: 'cases',
  landingTable: 'land_cases',
  columns: [
    col('案件编号', 'case_id', 'text', true),
    col('司法所编码', 'office_code', 'text', true),
    col('业务类型', 'business_line', 'enum', true, SEED_BUSINESS_LINES),
    col('受理日期', 'received_date', 'date', true),
    // Required only for closed cases: a file without the column still loads, row by row.
    col('办结日期', 'closed_date', 'date'),
    col('状态', 'status', 'enum', true, ['办理中', '已办结', '已撤回']),
    col('结果', 'outcome', 'text'),
    col('涉及金额（元）', 'amount', 'number'),
    col('当事人数', 'parties', 'int'),
  ],
};

export const TRAINING: TableSpec = {
  kind: 'training',
  landingTable: 'land_training',
  columns: [
    col('培训记录编号', 'record_id', 'text', true),
    col('身份证号', 'id_number', 'text', true),
    col('培训名称', 'course', 'text', true),
    col('开始日期', 'start_date', 'date', true),
    col('结束日期', 'end_date', 'date', true),
    col('学时', 'hours', 'number', true),
    col('培训形式', 'mode', 'enum', false, ['线上', '线下']),
  ],
};

export const TABLES: Readonly<Record<TableKind, TableSpec>> = { offices: OFFICES, staff: STAFF, cases: CASES, training: TRAINING };

/** Columns every landing table starts with, before the contract's columns (all VARCHAR). */
export const LANDING_META_COLUMNS = [
  { name: 'file_id', sqlType: 'VARCHAR' },
  { name: 'file_name', sqlType: 'VARCHAR' },
  { name: 'sheet', sqlType: 'VARCHAR' },
  { name: 'row_number', sqlType: 'INTEGER' },
  { name: 'export_date', sqlType: 'DATE' },
  { name: 'load_seq', sqlType: 'BIGINT' },
  // true when reading found no cell in the row that clean_text would change (read/clean-cells.ts):
  // staging then skips clean_text for it; false or NULL, every cell of the row goes through it
  { name: 'cells_clean', sqlType: 'BOOLEAN' },
] as const;

// ---------------------------------------------------------------------------------------------
// Files

export type FileFormat = 'csv' | 'xlsx';

/** What a file is, by its name: one of the contract's exports, or nothing we know. */
export type FileKind =
  /** `offices_<date>.xlsx`: the whole snapshot, sheets 司法所 and 人员. */
  | 'office_workbook'
  /** `offices_<date>.csv`: the 司法所 half of a CSV snapshot pair. */
  | 'offices_csv'
  /** `staff_<date>.csv`: the 人员 half of a CSV snapshot pair. */
  | 'staff_csv'
  | 'cases'
  | 'training';

export interface ClassifiedName {
  kind: FileKind;
  format: FileFormat;
  /** The export's as-of date, ISO `YYYY-MM-DD`. */
  exportDate: string;
  /** The tables the file holds, in the order they are landed. */
  tables: TableSpec[];
}

const FILE_NAME = /^(offices|staff|cases|training)_(\d{4})(\d{2})(\d{2})\.(csv|xlsx)$/i;

/**
 * Reads a file name (no folder) the way exports.md names exports: case-insensitive, `<date>`
 * YYYYMMDD and a real calendar date. Anything else (including `staff_<date>.xlsx`, which the
 * contract does not define) is not an export: `undefined`.
 */
export function classifyFileName(fileName: string): ClassifiedName | undefined {
  const match = FILE_NAME.exec(fileName);
  if (!match) return undefined;
  const [, prefixRaw, y, m, d, formatRaw] = match as unknown as [string, string, string, string, string, string];
  const prefix = prefixRaw.toLowerCase();
  const format = formatRaw.toLowerCase() as FileFormat;
  if (!isCalendarDate(Number(y), Number(m), Number(d))) return undefined;
  const exportDate = `${y}-${m}-${d}`;
  if (prefix === 'offices') {
    return format === 'xlsx'
      ? { kind: 'office_workbook', format, exportDate, tables: [OFFICES, STAFF] }
      : { kind: 'offices_csv', format, exportDate, tables: [OFFICES] };
  }
  if (prefix === 'staff') return format === 'csv' ? { kind: 'staff_csv', format, exportDate, tables: [STAFF] } : undefined;
  if (prefix === 'cases') return { kind: 'cases', format, exportDate, tables: [CASES] };
  return { kind: 'training', format, exportDate, tables: [TRAINING] };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
