// The demo-data generator: a deterministic (seeded) history of office snapshots, case exports
// and training exports for the 9 counties of Lishui, written the way the source systems write
// them (GBK / UTF-8 with BOM / UTF-8 CSV and xlsx, Chinese or English headers, hand-written
// value forms, extra columns), with a planted share of bad rows over every reason code of
// ../shared/spec/exports.md and one file that is not an export. The summary lists every file
// with its rows and planted bad rows, so loads can be checked against it.
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileKind, TableKind } from '../contract/exports.ts';
import { BadRowPlanner, plantBadRow, REASON_CODES, type PlantContext, type ReasonCode } from './bad-rows.ts';
import { compactOf, dayFromIso, dayFromYmd, isoOf, todayInShanghai, utcDateOf, ymdOf, type Day } from './calendar.ts';
import { CaseStream, type CaseRow } from './cases.ts';
import { CsvFile } from './csv-file.ts';
import { lishuiTownships, syntheticTownships, type Township } from './geography.ts';
import { personName } from './names.ts';
import { fileLayout, type Slot } from './layout.ts';
import { buildOffices, officeStateOn, type OfficeState } from './offices.ts';
import { Random } from './random.ts';
import { caseValues, ghostOfficeValues, officeValues, staffValues, trainingValues, type RenderContext, type RowValues } from './render.ts';
import { SCALE_PARAMETERS, SCALES, type Encoding, type Scale, type ScaleParameters } from './scales.ts';
import { exportSchedule, type PlannedExport } from './schedule.ts';
import { StaffHistory, type RosterRow } from './staff.ts';
import { chooseStyle, type Cell, type FileStyle } from './style.ts';
import { TrainingStream, type TrainingRow } from './training.ts';
import { EXCEL_DATE_FORMATS, XlsxFile, type XlsxSheet } from './xlsx-file.ts';

export interface DemoProgress {
  file: string;
  /** Data rows written to the file so far. */
  rows: number;
  done: boolean;
}

export interface DemoOptions {
  outDir: string;
  scale: Scale;
  seed?: number;
  /** `YYYY-MM-DD`; default: today's date in Asia/Shanghai. */
  endDate?: string;
  /** Calendar years of history ending with the end date's year (tiny: a rolling year); default per scale. */
  years?: number;
  /** Share of rows planted bad, 0 … 0.2; default 0.005. */
  badRowShare?: number;
  /** Write into a folder that already holds files (same names are replaced). */
  overwrite?: boolean;
  onProgress?: (progress: DemoProgress) => void;
}

export interface PlantedRow {
  /** Row number as the contract counts it: the header is row 1. */
  row: number;
  reason: ReasonCode;
}

export interface DemoTableSummary {
  table: TableKind;
  /** The sheet of a workbook; null for CSV. */
  sheet: string | null;
  /** Data rows written, planted bad rows included, trailing empty rows not. */
  rows: number;
  /** Rows whose cells are all empty (the contract skips them). */
  blankRows: number;
  bad: Partial<Record<ReasonCode, number>>;
  planted: PlantedRow[];
}

export interface DemoFileSummary {
  fileName: string;
  kind: FileKind | 'unknown';
  /** `YYYY-MM-DD`, null for the file that is not an export. */
  exportDate: string | null;
  format: 'csv' | 'xlsx' | 'txt';
  /** CSV encoding; null for workbooks and the text file. */
  encoding: Encoding | null;
  bytes: number;
  tables: DemoTableSummary[];
}

export interface DemoSummary {
  scale: Scale;
  seed: number;
  startDate: string;
  endDate: string;
  outDir: string;
  offices: number;
  keyOffices: number;
  /** People on any roster of the history. */
  people: number;
  files: DemoFileSummary[];
  /** Data rows written per table over all files. */
  rows: Record<TableKind, number>;
  /** Planted bad rows per reason over all files. */
  bad: Record<ReasonCode, number>;
  seconds: number;
  /** Peak resident memory of this process so far. */
  peakRssBytes: number;
}

export const DEFAULT_BAD_ROW_SHARE = 0.005;
export const UNKNOWN_FILE_NAME = '说明.txt';

export async function generateDemoExports(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const settings = checkOptions(options);
  const { parameters, start, end, seed } = settings;
  const outDir = path.resolve(options.outDir);
  await prepareOutDir(outDir, options.overwrite ?? false);

  const random = new Random(`demo/${seed}`);
  const offices = buildOffices(selectTownships(parameters, random.fork('townships')), random.fork('offices'));
  const staff = StaffHistory.simulate(offices, { staffPerOffice: parameters.staffPerOffice, from: start, to: end }, random.fork('staff'));
  const schedule = exportSchedule({ start, end, parameters, random: random.fork('schedule') });
  const snapshots = schedule.filter((p) => p.kind === 'snapshot').length;
  const planner = new BadRowPlanner(settings.badRowShare, random.fork('bad-rows'), {
    offices: snapshots,
    staff: snapshots,
    cases: schedule.filter((p) => p.kind === 'cases').length,
    training: schedule.filter((p) => p.kind === 'training').length,
  });
  const writer = new ExportWriter({ outDir, parameters, planner, random, onProgress: options.onProgress });
  const cases = new CaseStream(offices, { casesPerYear: parameters.casesPerYear }, random.fork('cases'));
  const training = new TrainingStream(staff, { trainingPerYear: parameters.trainingPerYear, from: start, to: end }, random.fork('training'));

  const files: DemoFileSummary[] = [];
  const rosterPeople = new Set<number>();
  for (const planned of schedule) {
    if (planned.kind === 'snapshot') {
      const roster = staff.rosterOn(planned.date);
      for (const row of roster) rosterPeople.add(row.person.serial);
      files.push(...(await writer.snapshot(planned, offices.map((o) => officeStateOn(o, planned.date)), roster)));
    } else if (planned.kind === 'cases') {
      const exported = cases.planExport(planned.previous, planned.date);
      files.push(await writer.cases(planned, exported.rows, exported.generate()));
    } else {
      const exported = training.planExport(planned.previous, planned.date, planned.last);
      files.push(await writer.training(planned, exported.rows, exported.generate()));
    }
  }
  files.push(await writeUnknownFile(outDir, seed, parameters));

  const rows = { offices: 0, staff: 0, cases: 0, training: 0 };
  const bad = Object.fromEntries(REASON_CODES.map((r) => [r, 0])) as Record<ReasonCode, number>;
  for (const file of files) {
    for (const table of file.tables) {
      rows[table.table] += table.rows;
      for (const [reason, n] of Object.entries(table.bad)) bad[reason as ReasonCode] += n;
    }
  }
  return {
    scale: options.scale,
    seed,
    startDate: isoOf(start),
    endDate: isoOf(end),
    outDir,
    offices: offices.length,
    keyOffices: offices.filter((o) => o.tier === 'key').length,
    people: rosterPeople.size,
    files,
    rows,
    bad,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

interface Settings {
  parameters: ScaleParameters;
  seed: number;
  start: Day;
  end: Day;
  badRowShare: number;
}

function checkOptions(options: DemoOptions): Settings {
  if (!SCALES.includes(options.scale)) throw new Error(`规模 ${String(options.scale)} 无效，应为 ${SCALES.join(' / ')}`);
  const parameters = SCALE_PARAMETERS[options.scale];
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new Error(`随机种子应为整数：${seed}`);
  const end = options.endDate === undefined ? todayInShanghai() : dayFromIso(options.endDate);
  const years = options.years ?? parameters.defaultYears;
  if (!Number.isInteger(years) || years < 1 || years > 10) throw new Error(`年数应为 1 到 10 的整数：${years}`);
  const badRowShare = options.badRowShare ?? DEFAULT_BAD_ROW_SHARE;
  if (!(badRowShare >= 0 && badRowShare <= 0.2)) throw new Error(`错误行比例应在 0 到 0.2 之间：${badRowShare}`);
  // Calendar years ending with the end date's year; tiny takes a rolling span so both halves have data.
  const start = parameters.cadence === 'two' ? end - 365 * years + 1 : dayFromYmd(ymdOf(end).year - years + 1, 1, 1);
  if (ymdOf(start).year < 1990) throw new Error('结束日期过早');
  return { parameters, seed, start, end, badRowShare };
}

/** Creates the folder; refuses one that holds visible files (hidden files and subfolders are fine, as for an empty inbox). */
async function prepareOutDir(outDir: string, overwrite: boolean): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const existing = (await readdir(outDir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.'));
  if (existing.length > 0 && !overwrite) {
    throw new Error(`输出目录 ${outDir} 不是空的（有 ${existing.length} 个文件）；请换一个空目录，或明确允许覆盖。`);
  }
}

function selectTownships(parameters: ScaleParameters, random: Random): Township[] {
  const real = lishuiTownships();
  const { realTownships } = parameters;
  const chosen =
    realTownships === 'all'
      ? real
      : realTownships.counties.flatMap((county) => real.filter((t) => t.countyCode === county).slice(0, realTownships.perCounty));
  return parameters.syntheticPerCounty > 0 ? [...chosen, ...syntheticTownships(random, parameters.syntheticPerCounty, real)] : chosen;
}

async function writeUnknownFile(outDir: string, seed: number, parameters: ScaleParameters): Promise<DemoFileSummary> {
  const text = [
    '丽水市司法所综合改革监测 —— 演示数据说明',
    '',
    `本目录中的导出文件由演示数据生成器按随机种子 ${seed} 生成，人员、身份证号、案件和培训记录均为虚构。`,
    `每年约 ${parameters.casesPerYear.toLocaleString('zh-CN')} 件案件、${parameters.trainingPerYear.toLocaleString('zh-CN')} 条培训记录。`,
    '本文件不是导出文件，刷新时应作为未知文件报告。',
    '',
  ].join('\n');
  const bytes = Buffer.from(text, 'utf8');
  await writeFile(path.join(outDir, UNKNOWN_FILE_NAME), bytes);
  return { fileName: UNKNOWN_FILE_NAME, kind: 'unknown', exportDate: null, format: 'txt', encoding: null, bytes: bytes.length, tables: [] };
}

// ---------------------------------------------------------------------------------------------

/** Where rows go: a CSV file or a workbook sheet. */
interface RowSink {
  writeRow(cells: readonly Cell[]): void;
  flushIfFull(): Promise<void> | undefined;
}

interface TableJob<T> {
  table: TableKind;
  sheet: string | null;
  fileName: string;
  count: number;
  rows: Iterable<T>;
  render: (row: T, ctx: RenderContext) => RowValues;
  plantContext: (row: T, ctx: RenderContext) => Pick<PlantContext, 'dates' | 'ghostOffice' | 'mediation'>;
}

interface WriterOptions {
  outDir: string;
  parameters: ScaleParameters;
  planner: BadRowPlanner;
  random: Random;
  onProgress: ((progress: DemoProgress) => void) | undefined;
}

const PROGRESS_EVERY = 25_000;

class ExportWriter {
  constructor(private readonly options: WriterOptions) {}

  async snapshot(planned: PlannedExport, states: OfficeState[], roster: RosterRow[]): Promise<DemoFileSummary[]> {
    const date = compactOf(planned.date);
    const officeJob: TableJob<OfficeState> = {
      table: 'offices',
      sheet: null,
      fileName: '',
      count: states.length,
      rows: states,
      render: officeValues,
      // Office errors ride on an office being set up in the same county (see bad-rows.ts).
      plantContext: (state, ctx) => ({ dates: {}, ghostOffice: () => ghostOfficeValues(state.office.countyCode, state.office.index, ctx) }),
    };
    const staffJob: TableJob<RosterRow> = {
      table: 'staff',
      sheet: null,
      fileName: '',
      count: roster.length,
      rows: roster,
      render: staffValues,
      plantContext: (row) => ({ dates: { start: row.stint.start, ...(row.end === null ? {} : { end: row.end }) } }),
    };
    if (planned.format === 'xlsx') {
      const fileName = `offices_${date}.xlsx`;
      const random = this.options.random.fork(`file/${fileName}`);
      const style = chooseStyle(random.fork('style'), { format: 'xlsx', encoding: null, decorate: this.options.parameters.decorate });
      const xlsx = XlsxFile.create(this.partPath(fileName), utcDateOf(planned.date));
      const dateFormat = random.pick(EXCEL_DATE_FORMATS);
      // Sheets in either order, sometimes after a sheet of filling instructions.
      if (this.options.parameters.decorate && random.chance(0.25)) writeNotesSheet(xlsx.addSheet('填报说明', dateFormat));
      const writeSheet = async <T>(job: TableJob<T>, sheetName: string): Promise<DemoTableSummary> => {
        const sheet = xlsx.addSheet(sheetName, dateFormat);
        const table = await this.writeTable(sheetSink(sheet), { ...job, sheet: sheetName, fileName }, style, random.fork(sheetName), planned.date);
        sheet.commit();
        return table;
      };
      const tables: DemoTableSummary[] = [];
      if (random.chance(0.5)) tables.push(await writeSheet(officeJob, '司法所'), await writeSheet(staffJob, '人员'));
      else tables.push(await writeSheet(staffJob, '人员'), await writeSheet(officeJob, '司法所'));
      const bytes = await xlsx.close();
      await this.publish(fileName);
      return [{ fileName, kind: 'office_workbook', exportDate: isoOf(planned.date), format: 'xlsx', encoding: null, bytes, tables }];
    }
    const encoding = planned.format;
    const out: DemoFileSummary[] = [];
    const pairRandom = this.options.random.fork(`pair/${date}`);
    // Both halves come from one system: one style, separate column layouts.
    const style = chooseStyle(pairRandom.fork('style'), { format: 'csv', encoding, decorate: this.options.parameters.decorate });
    const officesName = `offices_${date}.csv`;
    out.push(await this.csvFile(officesName, 'offices_csv', encoding, style, this.options.random.fork(`file/${officesName}`), planned.date, { ...officeJob, fileName: officesName }));
    const staffName = `staff_${date}.csv`;
    out.push(await this.csvFile(staffName, 'staff_csv', encoding, style, this.options.random.fork(`file/${staffName}`), planned.date, { ...staffJob, fileName: staffName }));
    return out;
  }

  async cases(planned: PlannedExport, count: number, rows: Iterable<CaseRow>): Promise<DemoFileSummary> {
    return this.singleTable(planned, 'cases', {
      table: 'cases',
      sheet: null,
      fileName: '',
      count,
      rows,
      render: caseValues,
      plantContext: (row) => ({ dates: { start: row.received, ...(row.closed === null ? {} : { end: row.closed }) }, mediation: row.line === '人民调解' }),
    });
  }

  async training(planned: PlannedExport, count: number, rows: Iterable<TrainingRow>): Promise<DemoFileSummary> {
    return this.singleTable(planned, 'training', {
      table: 'training',
      sheet: null,
      fileName: '',
      count,
      rows,
      render: trainingValues,
      plantContext: (row) => ({ dates: { start: row.start, end: row.end } }),
    });
  }

  private async singleTable<T>(planned: PlannedExport, kind: 'cases' | 'training', job: TableJob<T>): Promise<DemoFileSummary> {
    const xlsx = planned.format === 'xlsx';
    let fileName = `${kind}_${compactOf(planned.date)}.${xlsx ? 'xlsx' : 'csv'}`;
    const random = this.options.random.fork(`file/${fileName}`);
    // Some systems name files in their own letter case; the contract matches names case-insensitively.
    if (this.options.parameters.decorate && random.chance(0.12)) fileName = fileName.charAt(0).toUpperCase() + fileName.slice(1, -4) + fileName.slice(-4).toUpperCase();
    const encoding = xlsx ? null : (planned.format as Encoding);
    const style = chooseStyle(random.fork('style'), { format: xlsx ? 'xlsx' : 'csv', encoding, decorate: this.options.parameters.decorate });
    if (!xlsx) return this.csvFile(fileName, kind, encoding as Encoding, style, random, planned.date, { ...job, fileName });
    const file = XlsxFile.create(this.partPath(fileName), utcDateOf(planned.date));
    const dateFormat = random.pick(EXCEL_DATE_FORMATS);
    const sheetName = random.pick(kind === 'cases' ? ['Sheet1', '案件信息', '导出结果'] : ['Sheet1', '培训记录', '导出结果']);
    const sheet = file.addSheet(sheetName, dateFormat);
    const table = await this.writeTable(sheetSink(sheet), { ...job, sheet: sheetName, fileName }, style, random.fork('rows'), planned.date);
    sheet.commit();
    if (this.options.parameters.decorate && random.chance(0.3)) {
      const totals = file.addSheet('统计', dateFormat);
      totals.writeRow(['合计', table.rows]);
      totals.commit();
    }
    const bytes = await file.close();
    await this.publish(fileName);
    return { fileName, kind, exportDate: isoOf(planned.date), format: 'xlsx', encoding: null, bytes, tables: [table] };
  }

  private async csvFile<T>(fileName: string, kind: FileKind, encoding: Encoding, style: FileStyle, random: Random, exportDay: Day, job: TableJob<T>): Promise<DemoFileSummary> {
    const csv = await CsvFile.create(this.partPath(fileName), { encoding, quoting: style.quoting, crlf: style.crlf, random: random.fork('quotes') });
    let table: DemoTableSummary;
    try {
      table = await this.writeTable(csvSink(csv), job, style, random.fork('rows'), exportDay);
    } catch (error) {
      await csv.close().catch(() => undefined);
      throw error;
    }
    const bytes = await csv.close();
    await this.publish(fileName);
    return { fileName, kind, exportDate: isoOf(exportDay), format: 'csv', encoding, bytes, tables: [table] };
  }

  private async writeTable<T>(sink: RowSink, job: TableJob<T>, style: FileStyle, random: Random, exportDay: Day): Promise<DemoTableSummary> {
    const layout: Slot[] = fileLayout(job.table, style, random.fork('layout'));
    const handlerRandom = random.fork('handlers');
    const handlers = Array.from({ length: 300 }, () => personName(handlerRandom, handlerRandom.chance(0.5)));
    const ctx: RenderContext = { style, random, exportDay, handlers };
    const plan = this.options.planner.startFile(job.table, job.count);
    const summary: DemoTableSummary = { table: job.table, sheet: job.sheet, rows: 0, blankRows: 0, bad: {}, planted: [] };
    sink.writeRow(layout.map((slot) => slot.header));
    let rowNumber = 1;
    let seen = 0;
    const serialAsNumber = style.numberCells;
    for (const row of job.rows) {
      seen++;
      const values = job.render(row, ctx);
      const reason = plan.reasonForNextRow();
      const written = reason ? plantBadRow(job.table, reason, values, { style, random, ...job.plantContext(row, ctx) }) : [values];
      if (reason) {
        summary.planted.push({ row: rowNumber + 1, reason });
        summary.bad[reason] = (summary.bad[reason] ?? 0) + 1;
      }
      for (const out of written) {
        rowNumber++;
        const serial = rowNumber - 1;
        sink.writeRow(layout.map((slot) => (slot.key === '序号' ? (serialAsNumber ? serial : String(serial)) : (out[slot.key] ?? null))));
        const flushing = sink.flushIfFull();
        if (flushing) await flushing;
      }
      if (seen % PROGRESS_EVERY === 0) this.options.onProgress?.({ file: job.fileName, rows: rowNumber - 1, done: false });
    }
    if (seen !== job.count) throw new Error(`internal: ${job.fileName} planned ${job.count} rows, got ${seen}`);
    for (let i = 0; i < style.trailingBlankRows; i++) sink.writeRow(layout.map(() => null));
    summary.rows = rowNumber - 1;
    summary.blankRows = style.trailingBlankRows;
    this.options.onProgress?.({ file: job.fileName, rows: summary.rows, done: true });
    return summary;
  }

  private partPath(fileName: string): string {
    return path.join(this.options.outDir, `${fileName}.part`);
  }

  /** A file appears under its real name only when complete, so a refresh never reads half a file. */
  private async publish(fileName: string): Promise<void> {
    await rename(this.partPath(fileName), path.join(this.options.outDir, fileName));
  }
}

function csvSink(csv: CsvFile): RowSink {
  return {
    writeRow(cells) {
      csv.writeRow(
        cells.map((cell) => {
          if (cell === null || typeof cell === 'string') return cell;
          // CSV styles only produce text; a number or date here is a bug in a style.
          throw new Error(`internal: a ${typeof cell} cell in a CSV file`);
        }),
      );
    },
    flushIfFull: () => csv.flushIfFull(),
  };
}

function sheetSink(sheet: XlsxSheet): RowSink {
  return { writeRow: (cells) => sheet.writeRow(cells), flushIfFull: () => undefined };
}

function writeNotesSheet(sheet: XlsxSheet): void {
  sheet.writeRow(['填报说明']);
  sheet.writeRow(['1. 本表由业务系统导出，请勿修改表头。']);
  sheet.writeRow(['2. “类型”填写重点所或普通所；普通所须填写所属片区重点所编码。']);
  sheet.writeRow(['3. 日期格式：年-月-日。']);
  sheet.commit();
}
