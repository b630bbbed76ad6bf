// GET /api/rejects?county=&file=&reason=&status=&run=&month=&page=&page_size= (viewer and up):
// the rejected rows of every run (interfaces.md, "Rejected rows, for the county that must fix
// them"), the open ones by default, newest file first then row number, a page at a time (the
// answer says how many rows match: nothing is cut silently). County users get their county's
// rows only and the count of rows that name no county; a staff row's (masked) name only reaches
// admins and the row's own county. ?format=csv: every matching row (or the page asked for) as
// UTF-8 CSV with BOM and Chinese column names, for Excel; ?format=xlsx the same as a workbook.
import ExcelJS from 'exceljs';
import type { Request, Router } from 'express';
import { zhClerk } from '../../dashboards/i18n/zh-clerk.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { columnHeader, listRejects, rawText, unattributedCounts, visibleRaw, type Reader, type RejectFilters, type RejectRow, type RejectStatus } from '../../dashboards/queries/rejects.ts';
import type { AppContext } from '../app-context.ts';
import { toCsv } from '../http/csv.ts';
import { HttpError, badParameter, notFound } from '../http/errors.ts';
import { RUN, queryParam } from '../http/params.ts';
import { scopeOf } from '../scope.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Rows in one CSV download; more must be asked for by file, month or reason (never cut silently). */
export const MAX_CSV_ROWS = 200_000;

const FILE_NAME = /^[^/\\\u0000-\u001f]{1,255}$/u;
const REASON = /^[a-z_]{1,40}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const COUNTY_OR_NONE = /^(\d{6}|unattributed)$/;

export interface RejectsRequest {
  filters: RejectFilters;
  page: number;
  pageSize: number;
  reader: Reader;
}

/** The request's filters, checked and held to the reader's county. */
export function rejectsRequest(req: Request): RejectsRequest {
  const scope = scopeOf(req);
  const h = zhClerk.api;
  const county = queryParam(req, 'county', COUNTY_OR_NONE, h.countyHint);
  const statusText = queryParam(req, 'status', /^(open|corrected|all)$/, h.statusHint) ?? 'open';
  const pageText = queryParam(req, 'page', /^\d{1,7}$/, h.pageHint);
  const sizeText = queryParam(req, 'page_size', /^\d{1,5}$/, h.pageSizeHint(MAX_PAGE_SIZE));
  const page = pageText === undefined ? 1 : Number(pageText);
  const pageSize = sizeText === undefined ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (page < 1) throw badParameter('page', h.pageHint);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw badParameter('page_size', h.pageSizeHint(MAX_PAGE_SIZE));
  let countyFilter: string | null = county && county !== 'unattributed' ? county : null;
  const unattributed = county === 'unattributed';
  if (scope.countyCode !== null) {
    // a county user sees their own county's rows; rows of no county only as a count
    if (unattributed || (countyFilter !== null && countyFilter !== scope.countyCode)) throw notFound(zh.errors.unitNotFound);
    countyFilter = scope.countyCode;
  }
  return {
    filters: {
      county: countyFilter,
      unattributed,
      file: queryParam(req, 'file', FILE_NAME, h.fileHint) ?? null,
      reason: queryParam(req, 'reason', REASON, h.reasonHint) ?? null,
      status: statusText === 'all' ? null : (statusText as RejectStatus),
      run: queryParam(req, 'run', RUN, zh.errors.hints.run) ?? null,
      month: queryParam(req, 'month', MONTH, h.monthHint) ?? null,
    },
    page,
    pageSize,
    reader: { role: scope.role, countyCode: scope.countyCode },
  };
}

/** A rejected row as the API answers it: Chinese names beside the codes, the raw row as the reader may see it. */
export function apiRow(row: RejectRow, reader: Reader) {
  return {
    file_name: row.file_name,
    sheet: row.sheet,
    row_number: row.row_number,
    kind: row.kind,
    export_date: row.export_date,
    county_code: row.county_code,
    county_name: row.county_name ?? zhClerk.unattributed,
    county_basis: row.county_basis,
    reason_code: row.reason_code,
    reason: zh.reasons[row.reason_code] ?? row.reason_code,
    column_name: row.column_name,
    column: columnHeader(row.kind, row.column_name),
    message: row.message,
    raw: visibleRaw(row, reader),
    status: row.status,
    corrected_by: row.corrected_by,
    corrected_export_date: row.corrected_export_date,
    run_id: row.run_id,
  };
}

const CSV_COLUMNS = [
  { key: 'file_name', label: zhClerk.csv.file_name },
  { key: 'sheet', label: zhClerk.csv.sheet },
  { key: 'row_number', label: zhClerk.csv.row_number },
  { key: 'kind', label: zhClerk.csv.kind },
  { key: 'export_date', label: zhClerk.csv.export_date },
  { key: 'county', label: zhClerk.csv.county },
  { key: 'reason', label: zhClerk.csv.reason },
  { key: 'column', label: zhClerk.csv.column },
  { key: 'message', label: zhClerk.csv.message },
  { key: 'raw', label: zhClerk.csv.raw },
  { key: 'status', label: zhClerk.csv.status },
  { key: 'corrected_by', label: zhClerk.csv.corrected_by },
  { key: 'run_id', label: zhClerk.csv.run_id },
];

/** A rejected row as a CSV line reads it: Chinese everywhere a clerk reads. */
export function csvRow(row: RejectRow, reader: Reader): Record<string, unknown> {
  return {
    file_name: row.file_name,
    sheet: row.sheet,
    row_number: row.row_number,
    kind: zhClerk.kind[row.kind] ?? row.kind,
    export_date: row.export_date,
    county: row.county_name ?? zhClerk.unattributed,
    reason: zh.reasons[row.reason_code] ?? row.reason_code,
    column: columnHeader(row.kind, row.column_name),
    message: row.message,
    raw: rawText(row.kind, visibleRaw(row, reader)),
    status: zhClerk.status[row.status] ?? row.status,
    corrected_by: row.corrected_by,
    run_id: row.run_id,
  };
}

export function rejectsCsv(rows: RejectRow[], reader: Reader): string {
  return toCsv(CSV_COLUMNS, rows.map((r) => csvRow(r, reader)));
}

/** The same rows as an Excel workbook (one sheet, the CSV's Chinese columns, text cells). */
export async function rejectsXlsx(rows: RejectRow[], reader: Reader): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(zhClerk.csv.sheetName);
  sheet.columns = CSV_COLUMNS.map((c) => ({ header: c.label, key: c.key, width: c.key === 'message' || c.key === 'raw' ? 60 : 16 }));
  for (const row of rows) sheet.addRow(csvRow(row, reader));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function registerRejectsApi(router: Router, app: AppContext): void {
  router.get('/api/rejects', async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw badParameter('format', zhClerk.api.formatHint);
    const { filters, page, pageSize, reader } = rejectsRequest(req);
    const wholeCsv = (format === 'csv' || format === 'xlsx') && req.query.page === undefined;
    const result = await app.warehouse.use(async (session) => {
      const compute = async () => {
        const listed = await listRejects(
          session.connection,
          filters,
          wholeCsv ? { limit: MAX_CSV_ROWS + 1, offset: 0 } : { limit: pageSize, offset: (page - 1) * pageSize },
        );
        return { ...listed, unattributed: await unattributedCounts(session.connection) };
      };
      // pages of JSON are cached per warehouse generation; a whole download (up to 200,000 rows) is not kept
      if (wholeCsv) return compute();
      return app.cache.get(session.generation, `api:rejects:${JSON.stringify(filters)}:${format}:${page}:${pageSize}`, compute);
    });
    if (wholeCsv && result.total > MAX_CSV_ROWS) throw new HttpError(400, 'too_many_rows', zhClerk.api.tooManyForCsv(result.total, MAX_CSV_ROWS));
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment('rejected_rows.csv').send(rejectsCsv(result.rows, reader));
      return;
    }
    if (format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment('rejected_rows.xlsx').send(await rejectsXlsx(result.rows, reader));
      return;
    }
    res.json({
      total: result.total,
      page,
      page_size: pageSize,
      pages: Math.max(1, Math.ceil(result.total / pageSize)),
      status: filters.status ?? 'all',
      unattributed: result.unattributed,
      rows: result.rows.map((r) => apiRow(r, reader)),
    });
  });
}
