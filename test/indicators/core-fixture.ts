// Hand-made core tables for the indicator tests: the columns and types of docs/architecture.md
// ("Core tables", "Audit tables"), filled from small literal rows, so the marts can be checked
// without the loader. Defaults keep each test's rows short; every test states what matters.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadProject, type Model, type Project } from '../../pipelines/models/project.ts';
import { blockingFailures, prepareWarehouse, runDataTests, runModels, type DataTestResult } from '../../pipelines/models/runner.ts';
import { queryJson, queryRows, quoteLiteral } from '../../pipelines/warehouse/duckdb.ts';

const CORE_DDL = `
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS mart;
CREATE OR REPLACE TABLE core.counties (county_code VARCHAR, county_name VARCHAR, short_name VARCHAR);
CREATE OR REPLACE TABLE core.office_snapshots (snapshot_date DATE, file_names VARCHAR[], run_id VARCHAR);
CREATE OR REPLACE TABLE core.offices (
  snapshot_date DATE, office_code VARCHAR, office_name VARCHAR, county_code VARCHAR, township VARCHAR,
  tier VARCHAR, cluster_key_office VARCHAR, plaques VARCHAR[], smart_office BOOLEAN, terminals INTEGER,
  large_villages INTEGER, large_villages_with_terminal INTEGER, director_attends_joint_meeting BOOLEAN,
  director_attends_governance_meeting BOOLEAN, director_in_leadership BOOLEAN,
  file_name VARCHAR, sheet VARCHAR, row_number INTEGER);
CREATE OR REPLACE TABLE core.staff (
  snapshot_date DATE, person_key VARCHAR, id_masked VARCHAR, name VARCHAR, office_code VARCHAR, role VARCHAR,
  staffing_type VARCHAR, posts VARCHAR[], legal_background BOOLEAN, legal_qualification BOOLEAN,
  enforcement_certificate BOOLEAN, public_lawyer BOOLEAN, start_date DATE, end_date DATE,
  file_name VARCHAR, sheet VARCHAR, row_number INTEGER);
CREATE OR REPLACE TABLE core.case_versions (
  case_id VARCHAR, export_date DATE, file_id VARCHAR, file_name VARCHAR, load_seq BIGINT, row_number INTEGER,
  office_code VARCHAR, business_line VARCHAR, received_date DATE, closed_date DATE, status VARCHAR,
  outcome VARCHAR, amount DOUBLE, parties INTEGER, run_id VARCHAR);
CREATE OR REPLACE TABLE core.training_versions (
  record_id VARCHAR, export_date DATE, file_id VARCHAR, file_name VARCHAR, load_seq BIGINT, row_number INTEGER,
  person_key VARCHAR, course VARCHAR, start_date DATE, end_date DATE, hours DOUBLE, mode VARCHAR, run_id VARCHAR);
CREATE OR REPLACE TABLE audit.files (
  run_id VARCHAR, file_id VARCHAR, file_name VARCHAR, kind VARCHAR, export_date DATE, source VARCHAR,
  encoding VARCHAR, bytes BIGINT, status VARCHAR, reason_code VARCHAR, message VARCHAR, rows_read INTEGER,
  rows_loaded INTEGER, rows_rejected INTEGER, rejected_by_reason JSON, seconds DOUBLE, archived_as VARCHAR);
CREATE OR REPLACE TABLE audit.rejected_rows (
  run_id VARCHAR, file_id VARCHAR, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, reason_code VARCHAR,
  column_name VARCHAR, message VARCHAR, raw JSON, county_code VARCHAR, kind VARCHAR, export_date DATE, load_seq BIGINT,
  record_key VARCHAR, person_alt_key VARCHAR, county_basis VARCHAR);
CREATE OR REPLACE TABLE audit.snapshot_keys (
  file_id VARCHAR, file_name VARCHAR, kind VARCHAR, export_date DATE, load_seq BIGINT, record_key VARCHAR, person_alt_key VARCHAR);
`;

/** Tables this fixture makes by hand. */
const FIXTURE_TABLES = new Set([
  'core.counties', 'core.office_snapshots', 'core.offices', 'core.staff', 'core.case_versions',
  'core.training_versions', 'audit.files', 'audit.rejected_rows', 'audit.snapshot_keys',
]);

/**
 * The loader's own latest-version models (core.cases, core.training_records from the version
 * tables), once sql/core has them and they read only what this fixture makes: then the tests
 * go through the real path. Until then the fixture applies the rule of docs/architecture.md.
 */
function loaderLatestModels(project: Project): Model[] {
  return project.models.filter(
    (m) =>
      (m.relation === 'core.cases' || m.relation === 'core.training_records') &&
      m.phase === 'build' &&
      m.dependsOn.every((dep) => FIXTURE_TABLES.has(dep)),
  );
}

/** The latest version of each key, as docs/architecture.md defines core.cases / core.training_records. */
const LATEST_VERSIONS_SQL: Record<string, string> = {
  'core.cases': `CREATE OR REPLACE TABLE core.cases AS
    SELECT * FROM core.case_versions
    QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY export_date DESC, load_seq DESC, row_number DESC) = 1`,
  'core.training_records': `CREATE OR REPLACE TABLE core.training_records AS
    SELECT * FROM core.training_versions
    QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY export_date DESC, load_seq DESC, row_number DESC) = 1`,
};

export const COUNTIES = [
  ['331102', '莲都区', '莲都'],
  ['331121', '青田县', '青田'],
  ['331122', '缙云县', '缙云'],
  ['331123', '遂昌县', '遂昌'],
  ['331124', '松阳县', '松阳'],
  ['331125', '云和县', '云和'],
  ['331126', '庆元县', '庆元'],
  ['331127', '景宁畲族自治县', '景宁'],
  ['331181', '龙泉市', '龙泉'],
] as const;

type Cell = string | number | boolean | null | string[];

export interface OfficeRow {
  snapshot_date: string;
  office_code: string;
  office_name?: string;
  county_code: string;
  tier: 'key' | 'ordinary';
  cluster_key_office?: string | null;
  plaques?: string[] | null;
  smart_office?: boolean | null;
  terminals?: number | null;
  large_villages?: number | null;
  large_villages_with_terminal?: number | null;
  director_attends_joint_meeting?: boolean | null;
  director_attends_governance_meeting?: boolean | null;
  director_in_leadership?: boolean | null;
  row_number?: number;
}

export interface StaffRow {
  snapshot_date: string;
  person_key: string;
  office_code: string;
  role: '所长' | '副所长' | '工作人员' | '司法协理员';
  staffing_type?: string | null;
  posts?: string[] | null;
  legal_background?: boolean | null;
  legal_qualification?: boolean | null;
  enforcement_certificate?: boolean | null;
  public_lawyer?: boolean | null;
  start_date: string;
  end_date?: string | null;
  row_number: number;
}

export interface CaseRow {
  case_id: string;
  export_date: string;
  office_code: string;
  business_line: string;
  received_date: string;
  closed_date?: string | null;
  status: '办理中' | '已办结' | '已撤回';
  outcome?: string | null;
  load_seq?: number;
  row_number?: number;
}

export interface TrainingRow {
  record_id: string;
  export_date: string;
  person_key: string;
  start_date: string;
  end_date: string;
  hours: number;
  load_seq?: number;
  row_number?: number;
}

export interface CoreData {
  /** Snapshot dates; each needs at least one office row to mean anything. */
  snapshots: string[];
  offices: OfficeRow[];
  staff?: StaffRow[];
  cases?: CaseRow[];
  training?: TrainingRow[];
  files?: Record<string, Cell>[];
  rejectedRows?: Record<string, Cell>[];
}

function literal(value: Cell | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return `[${value.map((v) => quoteLiteral(v)).join(', ')}]::VARCHAR[]`;
  if (typeof value === 'string') return quoteLiteral(value);
  return String(value);
}

async function insert(connection: DuckDBConnection, table: string, rows: Record<string, Cell | undefined>[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const values = columns.map((c) => literal(row[c]));
    await connection.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`);
  }
}

/** Creates the core and audit tables with the documented columns and fills them. */
export async function createCore(connection: DuckDBConnection, data: CoreData): Promise<void> {
  await connection.run(CORE_DDL);
  await insert(
    connection,
    'core.counties',
    COUNTIES.map(([county_code, county_name, short_name]) => ({ county_code, county_name, short_name })),
  );
  await insert(
    connection,
    'core.office_snapshots',
    data.snapshots.map((d) => ({ snapshot_date: d, file_names: [`offices_${d.replaceAll('-', '')}.xlsx`], run_id: 'r1' })),
  );
  await insert(
    connection,
    'core.offices',
    data.offices.map((o, i) => ({
      office_name: `${o.office_code}司法所`,
      cluster_key_office: null,
      plaques: [],
      file_name: `offices_${o.snapshot_date.replaceAll('-', '')}.xlsx`,
      sheet: '司法所',
      row_number: i + 2,
      ...o,
    })),
  );
  await insert(
    connection,
    'core.staff',
    (data.staff ?? []).map((s) => ({
      id_masked: '330102********0000',
      name: '测试',
      file_name: `offices_${s.snapshot_date.replaceAll('-', '')}.xlsx`,
      sheet: '人员',
      ...s,
    })),
  );
  await insert(
    connection,
    'core.case_versions',
    (data.cases ?? []).map((c, i) => ({
      file_id: `sha-cases-${c.export_date}`,
      file_name: `cases_${c.export_date.replaceAll('-', '')}.csv`,
      load_seq: 1,
      row_number: i + 2,
      run_id: 'r1',
      ...c,
    })),
  );
  await insert(
    connection,
    'core.training_versions',
    (data.training ?? []).map((t, i) => ({
      file_id: `sha-training-${t.export_date}`,
      file_name: `training_${t.export_date.replaceAll('-', '')}.csv`,
      course: '业务培训',
      mode: '线下',
      load_seq: 1,
      row_number: i + 2,
      run_id: 'r1',
      ...t,
    })),
  );
  await insert(connection, 'audit.files', data.files ?? []);
  await insert(connection, 'audit.rejected_rows', data.rejectedRows ?? []);
  const fromLoader = new Set(loaderLatestModels(loadProject()).map((m) => m.relation));
  for (const [relation, sql] of Object.entries(LATEST_VERSIONS_SQL)) {
    if (!fromLoader.has(relation)) await connection.run(sql);
  }
}

/** The mart models of the real SQL project, after the loader's latest-version models if usable (the rest of core is hand-made here). */
export function martProject(): Project {
  const project = loadProject();
  const latest = new Set(loaderLatestModels(project));
  // audit.rejects (build phase) feeds the rejection marts
  return { ...project, models: project.models.filter((m) => m.schema === 'intermediate' || m.schema === 'mart' || (m.schema === 'audit' && m.phase === 'build') || latest.has(m)) };
}

/** Builds every mart and runs every data test; returns the test results. */
export async function buildMarts(connection: DuckDBConnection): Promise<DataTestResult[]> {
  const project = martProject();
  await prepareWarehouse(connection, { ...project, initSql: [] });
  await runModels(connection, project, { phase: 'build' });
  return runDataTests(connection, project, { phase: 'build' });
}

export interface IndicatorRow {
  indicator_id: string;
  period: string;
  grain: string;
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  value: number;
  target: number | null;
  meets_target: boolean | null;
  as_of: string;
}

/** A stable fake person key (64 hex characters, like the loader's HMAC) for a label. */
export function personKey(label: string): string {
  return createHash('sha256').update(`test-person:${label}`).digest('hex');
}

/** [grain, unit_code, numerator, denominator, value] */
export type Cut = [string, string, number, number, number];

const GRAIN_ORDER = "CASE grain WHEN 'office' THEN 1 WHEN 'cluster' THEN 2 WHEN 'county' THEN 3 ELSE 4 END";

/** The rows of one indicator and year, as compact tuples ordered office → cluster → county → city. */
export async function cuts(connection: DuckDBConnection, indicatorId: string, period: string): Promise<Cut[]> {
  const rows = await queryRows<{ grain: string; unit_code: string; numerator: number; denominator: number; value: number }>(
    connection,
    `SELECT grain, unit_code, numerator, denominator, value FROM mart.indicator_values
     WHERE indicator_id = $1 AND period = $2 ORDER BY ${GRAIN_ORDER}, unit_code`,
    [indicatorId, period],
  );
  return rows.map((r) => [r.grain, r.unit_code, r.numerator, r.denominator, r.value]);
}

/** Whole rows of one indicator and year (dates as ISO strings). */
export async function indicatorRows(connection: DuckDBConnection, indicatorId: string, period: string): Promise<IndicatorRow[]> {
  return queryJson<IndicatorRow>(
    connection,
    `SELECT * FROM mart.indicator_values WHERE indicator_id = $1 AND period = $2 ORDER BY ${GRAIN_ORDER}, unit_code`,
    [indicatorId, period],
  );
}

/** Builds core from the rows and every mart, and fails if a data test that blocks publishing fails. */
export async function buildFrom(connection: DuckDBConnection, data: CoreData): Promise<DataTestResult[]> {
  await createCore(connection, data);
  const results = await buildMarts(connection);
  const failing = blockingFailures(results);
  if (failing.length > 0) throw new Error(`data tests failed: ${JSON.stringify(failing, null, 2)}`);
  return results;
}
