// A real DuckDB (in memory, or a file when a test needs one) prepared the way a refresh prepares
// its build warehouse: init SQL and macros of the real project, the person_key macro with a test
// secret, the in-memory staging catalog and its landing tables. Tests land hand-made rows as
// READING would (all VARCHAR, meta columns filled) and run the real load-phase models.
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, type TableKind } from '../../pipelines/contract/exports.ts';
import { loadProject, type Project } from '../../pipelines/models/project.ts';
import { prepareWarehouse, runDataTests, runModels, type DataTestResult } from '../../pipelines/models/runner.ts';
import { createPersonKeyMacro } from '../../pipelines/pii/person-key.ts';
import { attachStaging, landingColumns, resetLandingTables } from '../../pipelines/read/landing.ts';
import { openDatabase, queryJson, quoteIdent, type Database } from '../../pipelines/warehouse/duckdb.ts';

export const TEST_SECRET = Buffer.from('test-secret-for-validation-0123456789', 'utf8');

export type Cells = Record<string, string | null>;

export interface FileMeta {
  fileName: string;
  /** ISO date; defaults to the YYYYMMDD of the file name. */
  exportDate?: string;
  /** Defaults to a number that grows with every file landed by this harness. */
  loadSeq?: number;
  /** Defaults to `sha-<fileName>`. */
  fileId?: string;
  /** Workbook sheet name; NULL (CSV) by default. */
  sheet?: string | null;
  /** Row number of the first row; 2 by default (the header is row 1). */
  firstRow?: number;
}

export interface Harness {
  db: Database;
  connection: DuckDBConnection;
  project: Project;
  /** Lands rows into `staging.land_<kind>` as one file. */
  land(kind: TableKind, file: FileMeta, rows: Cells[]): Promise<void>;
  /** Runs the load phase for what was landed (one batch), then empties the landing tables. */
  loadBatch(runId?: string): Promise<void>;
  /** Load-phase data tests (staging models) of the current batch. */
  stagingTests(): Promise<DataTestResult[]>;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

export async function openHarness(path = ':memory:', settings: Record<string, string> = {}): Promise<Harness> {
  const db = await openDatabase(path, { threads: 2, settings });
  const connection = db.connection;
  const project = loadProject();
  await prepareWarehouse(connection, project);
  await createPersonKeyMacro(connection, TEST_SECRET);
  await attachStaging(connection);
  await resetLandingTables(connection);
  let loadSeq = 0;

  return {
    db,
    connection,
    project,
    async land(kind, file, rows) {
      const table = TABLES[kind];
      const columns = landingColumns(table);
      const known = new Set(table.columns.map((c) => c.alias));
      const exportDate = file.exportDate ?? isoDateOfName(file.fileName);
      const seq = file.loadSeq ?? ++loadSeq;
      if (file.loadSeq !== undefined) loadSeq = Math.max(loadSeq, file.loadSeq);
      for (const [index, row] of rows.entries()) {
        for (const key of Object.keys(row)) if (!known.has(key)) throw new Error(`${kind} has no column ${key}`);
        const values = columns.map((column) => {
          switch (column) {
            case 'file_id':
              return file.fileId ?? `sha-${file.fileName}`;
            case 'file_name':
              return file.fileName;
            case 'sheet':
              return file.sheet ?? null;
            case 'row_number':
              return (file.firstRow ?? 2) + index;
            case 'export_date':
              return exportDate;
            case 'load_seq':
              return seq;
            default:
              return row[column] ?? null;
          }
        });
        const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
        await connection.run(
          `INSERT INTO staging.${quoteIdent(table.landingTable)} (${columns.map(quoteIdent).join(', ')}) VALUES (${placeholders})`,
          values,
        );
      }
    },
    async loadBatch(runId = 'run-test') {
      await connection.run(`SET VARIABLE run_id = '${runId.replaceAll("'", "''")}'`);
      await runModels(connection, project, { phase: 'load' });
      await resetLandingTables(connection);
    },
    stagingTests: () => runDataTests(connection, project, { phase: 'load' }),
    query: (sql) => queryJson(connection, sql),
    close: () => db.close(),
  };
}

function isoDateOfName(fileName: string): string {
  const match = /_(\d{4})(\d{2})(\d{2})\./.exec(fileName);
  if (!match) throw new Error(`no date in ${fileName}`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** Evaluates one SQL expression per input value (bound as $1) and returns the results in order. */
export async function evaluate<T>(h: Harness, expression: string, inputs: (string | null)[]): Promise<T[]> {
  const out: T[] = [];
  for (const input of inputs) {
    const reader = await h.connection.runAndReadAll(`SELECT ${expression} AS v FROM (SELECT $1::VARCHAR AS s)`, [input]);
    out.push(reader.getRowObjectsJson()[0]!.v as T);
  }
  return out;
}

/** A valid 18-character ID number: 17 given digits and the GB 11643 check character. */
export function idWithCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** An office row of the 司法所 sheet with every required cell filled; `cells` override. */
export function office(code: string, cells: Cells = {}): Cells {
  return { office_code: code, office_name: `${code}司法所`, county: '莲都区', tier: '普通', ...cells };
}

/** A staff row with every required cell filled; `cells` override. */
export function staff(idNumber: string, officeCode: string, cells: Cells = {}): Cells {
  return { id_number: idNumber, name: '王小明', office_code: officeCode, role: '工作人员', start_date: '2020-01-01', ...cells };
}

/** A case row with every required cell filled (an open 人民调解 case); `cells` override. */
export function caseRow(caseId: string, officeCode: string, cells: Cells = {}): Cells {
  return { case_id: caseId, office_code: officeCode, business_line: '人民调解', received_date: '2025-03-01', status: '办理中', ...cells };
}

/** A one-day training row of 6 hours; `cells` override. */
export function trainingRow(recordId: string, idNumber: string, cells: Cells = {}): Cells {
  return { record_id: recordId, id_number: idNumber, course: '业务培训', start_date: '2025-03-01', end_date: '2025-03-01', hours: '6', ...cells };
}

export interface RejectRow {
  file_name: string;
  sheet: string | null;
  row_number: number;
  reason_code: string;
  column_name: string;
  message: string;
  raw: string;
  county_code: string | null;
  run_id: string | null;
}

/** audit.rejected_rows of one file, by row number. */
export async function rejectsOf(h: Harness, fileName: string): Promise<RejectRow[]> {
  return h.query<RejectRow>(
    `SELECT * FROM audit.rejected_rows WHERE file_name = '${fileName.replaceAll("'", "''")}' ORDER BY sheet NULLS FIRST, row_number`,
  );
}

/** [row_number, reason_code, column_name] of a file's rejects: the compact form tests compare. */
export async function reasonsOf(h: Harness, fileName: string): Promise<[number, string, string][]> {
  return (await rejectsOf(h, fileName)).map((r) => [r.row_number, r.reason_code, r.column_name]);
}
