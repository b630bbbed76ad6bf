// Reads a whole demo set back with the reference reader and rules, in the order a loader must
// (each snapshot's offices before its staff; each case file against the latest snapshot dated
// on or before it, or the earliest), and returns what each file would load and reject.
import path from 'node:path';
import type { DemoSummary } from '../../pipelines/demo/generate.ts';
import { readCsvTable, readSheet, readWorkbook, type DetectedEncoding, type ReadTable } from './reference-reader.ts';
import { checkTable, type CheckResult, type Kind, type LoadedRow } from './reference-rules.ts';

/** The column lists of ../shared/spec/exports.md, written out here from the page. */
export const CONTRACT_COLUMNS: Record<Kind, { header: string; alias: string }[]> = {
  offices: [
    { header: '司法所编码', alias: 'office_code' },
    { header: '司法所名称', alias: 'office_name' },
    { header: '所属县（市、区）', alias: 'county' },
    { header: '所属乡镇（街道）', alias: 'township' },
    { header: '类型', alias: 'tier' },
    { header: '所属片区重点所编码', alias: 'cluster_key_office' },
    { header: '增挂牌子', alias: 'plaques' },
    { header: '智慧司法所', alias: 'smart_office' },
    { header: '公共法律服务自助终端数', alias: 'terminals' },
    { header: '较大村（社区）数', alias: 'large_villages' },
    { header: '已配备终端的较大村（社区）数', alias: 'large_villages_with_terminal' },
    { header: '所长列席党政联席会议', alias: 'director_attends_joint_meeting' },
    { header: '所长列席综治工作会议', alias: 'director_attends_governance_meeting' },
    { header: '所长进入乡镇（街道）领导班子', alias: 'director_in_leadership' },
  ],
  staff: [
    { header: '身份证号', alias: 'id_number' },
    { header: '姓名', alias: 'name' },
    { header: '所属司法所编码', alias: 'office_code' },
    { header: '职务', alias: 'role' },
    { header: '编制类型', alias: 'staffing_type' },
    { header: '岗位', alias: 'posts' },
    { header: '法律专业背景', alias: 'legal_background' },
    { header: '法律职业资格', alias: 'legal_qualification' },
    { header: '行政执法证', alias: 'enforcement_certificate' },
    { header: '公职律师', alias: 'public_lawyer' },
    { header: '到岗日期', alias: 'start_date' },
    { header: '离岗日期', alias: 'end_date' },
  ],
  cases: [
    { header: '案件编号', alias: 'case_id' },
    { header: '司法所编码', alias: 'office_code' },
    { header: '业务类型', alias: 'business_line' },
    { header: '受理日期', alias: 'received_date' },
    { header: '办结日期', alias: 'closed_date' },
    { header: '状态', alias: 'status' },
    { header: '结果', alias: 'outcome' },
    { header: '涉及金额（元）', alias: 'amount' },
    { header: '当事人数', alias: 'parties' },
  ],
  training: [
    { header: '培训记录编号', alias: 'record_id' },
    { header: '身份证号', alias: 'id_number' },
    { header: '培训名称', alias: 'course' },
    { header: '开始日期', alias: 'start_date' },
    { header: '结束日期', alias: 'end_date' },
    { header: '学时', alias: 'hours' },
    { header: '培训形式', alias: 'mode' },
  ],
};

export interface CheckedTable extends CheckResult {
  fileName: string;
  kind: Kind;
  sheet: string | null;
  exportDate: string;
  table: ReadTable;
  encoding: DetectedEncoding | 'xlsx';
}

export interface CheckedSet {
  tables: CheckedTable[];
  snapshots: { date: string; offices: LoadedRow[]; staff: LoadedRow[] }[];
}

export async function checkDemoSet(dir: string, summary: DemoSummary): Promise<CheckedSet> {
  const tables: CheckedTable[] = [];
  const snapshots: CheckedSet['snapshots'] = [];
  const exports = summary.files.filter((f) => f.exportDate !== null).sort((a, b) => (a.exportDate as string).localeCompare(b.exportDate as string));

  const read = async (fileName: string, kind: Kind, sheet: string | null): Promise<{ table: ReadTable; encoding: DetectedEncoding | 'xlsx' }> => {
    const file = path.join(dir, fileName);
    if (!fileName.toLowerCase().endsWith('.xlsx')) {
      const table = await readCsvTable(file, CONTRACT_COLUMNS[kind]);
      return { table, encoding: table.encoding };
    }
    const workbook = await readWorkbook(file);
    const worksheet = sheet === null ? workbook.worksheets[0] : workbook.getWorksheet(sheet);
    if (!worksheet) throw new Error(`${fileName}: no sheet ${sheet ?? '(first)'}`);
    return { table: readSheet(worksheet, CONTRACT_COLUMNS[kind]), encoding: 'xlsx' };
  };

  // Snapshots first: the office codes of each.
  const snapshotDates = [...new Set(exports.filter((f) => f.kind === 'office_workbook' || f.kind === 'offices_csv').map((f) => f.exportDate as string))].sort();
  for (const date of snapshotDates) {
    const files = exports.filter((f) => f.exportDate === date && (f.kind === 'office_workbook' || f.kind === 'offices_csv' || f.kind === 'staff_csv'));
    const officeFile = files.find((f) => f.kind !== 'staff_csv');
    const staffFile = files.find((f) => f.kind !== 'offices_csv');
    if (!officeFile || !staffFile) throw new Error(`snapshot ${date} is incomplete`);
    const offices = await read(officeFile.fileName, 'offices', officeFile.kind === 'office_workbook' ? '司法所' : null);
    const officeResult = checkTable('offices', offices.table, { format: offices.encoding === 'xlsx' ? 'xlsx' : 'csv' });
    const officeCodes = new Set(officeResult.loaded.map((r) => String(r.office_code)));
    const staff = await read(staffFile.fileName, 'staff', staffFile.kind === 'office_workbook' ? '人员' : null);
    const staffResult = checkTable('staff', staff.table, { format: staff.encoding === 'xlsx' ? 'xlsx' : 'csv', officeCodes });
    tables.push({ ...officeResult, fileName: officeFile.fileName, kind: 'offices', sheet: offices.table.sheet, exportDate: date, ...offices });
    tables.push({ ...staffResult, fileName: staffFile.fileName, kind: 'staff', sheet: staff.table.sheet, exportDate: date, ...staff });
    snapshots.push({ date, offices: officeResult.loaded, staff: staffResult.loaded });
  }

  for (const file of exports.filter((f) => f.kind === 'cases' || f.kind === 'training')) {
    const kind: Kind = file.kind === 'cases' ? 'cases' : 'training';
    const { table, encoding } = await read(file.fileName, kind, null);
    const date = file.exportDate as string;
    const snapshot = [...snapshots].reverse().find((s) => s.date <= date) ?? snapshots[0];
    const officeCodes = new Set((snapshot?.offices ?? []).map((r) => String(r.office_code)));
    const result = checkTable(kind, table, { format: encoding === 'xlsx' ? 'xlsx' : 'csv', officeCodes });
    tables.push({ ...result, fileName: file.fileName, kind, sheet: table.sheet, exportDate: date, table, encoding });
  }
  return { tables, snapshots };
}
