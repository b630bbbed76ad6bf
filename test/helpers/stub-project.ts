// A small SQL project in the shape of the real one, for testing the refresh on its own: every
// landed row passes except a case whose status is not one of the three, which is rejected
// `bad_enum`; history tables keep snapshots and versions; a singular test fails on a case
// called BLOCK. Init statements (the audit DDL among them), macros and seeds are the real ones
// of sql/init, sql/macros and sql/seeds (the person_key macro builds on them).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SQL_ROOT } from '../../pipelines/models/project.ts';

const FILES: Record<string, string> = {
  'staging/stg_offices.sql': "SELECT *, NULL::VARCHAR AS reason_code FROM staging.land_offices",
  'staging/stg_staff.sql': "SELECT * EXCLUDE (id_number), person_key(id_number) AS person_key, NULL::VARCHAR AS reason_code FROM staging.land_staff",
  'staging/stg_cases.sql':
    "SELECT *, CASE WHEN status IN ('办理中', '已办结', '已撤回') THEN NULL ELSE 'bad_enum' END AS reason_code FROM staging.land_cases",
  'staging/stg_training.sql': "SELECT * EXCLUDE (id_number), person_key(id_number) AS person_key, NULL::VARCHAR AS reason_code FROM staging.land_training",
  'core/offices.sql': `-- Offices per snapshot.
-- @materialized incremental
-- @unique_key snapshot_date
SELECT export_date AS snapshot_date, office_code, office_name, file_name, sheet, row_number FROM staging.stg_offices WHERE reason_code IS NULL`,
  'core/staff.sql': `-- Staff per snapshot.
-- @materialized incremental
-- @unique_key snapshot_date
SELECT export_date AS snapshot_date, person_key, office_code, file_name, row_number FROM staging.stg_staff WHERE reason_code IS NULL`,
  'core/case_versions.sql': `-- Case versions.
-- @materialized incremental
-- @unique_key case_id, file_id
-- @test unique(case_id, file_id)
SELECT case_id, export_date, file_id, file_name, load_seq, row_number, status, getvariable('run_id') AS run_id
FROM staging.stg_cases WHERE reason_code IS NULL`,
  'core/training_versions.sql': `-- Training versions.
-- @materialized incremental
-- @unique_key record_id, file_id
SELECT record_id, export_date, file_id, file_name, load_seq, row_number, person_key, hours FROM staging.stg_training WHERE reason_code IS NULL`,
  'audit/rejected_rows.sql': `-- Rejected rows.
-- @materialized incremental
SELECT getvariable('run_id') AS run_id, file_id, file_name, sheet, row_number, reason_code,
    'cases' AS kind, export_date::DATE AS export_date, load_seq, upper(case_id) AS record_key, 'none' AS county_basis
FROM staging.stg_cases WHERE reason_code IS NOT NULL`,
  'marts/case_count.sql': '-- Cases.\nSELECT count(*) AS n, count(DISTINCT case_id) AS cases FROM core.case_versions',
  'tests/no_blocked_cases.sql': "-- No case is called BLOCK.\n-- @severity error\nSELECT * FROM core.case_versions WHERE case_id = 'BLOCK'",
};

export function writeStubProject(root: string): string {
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  cpSync(path.join(SQL_ROOT, 'init'), path.join(root, 'init'), { recursive: true });
  cpSync(path.join(SQL_ROOT, 'macros'), path.join(root, 'macros'), { recursive: true });
  cpSync(path.join(SQL_ROOT, 'seeds'), path.join(root, 'seeds'), { recursive: true });
  return root;
}
