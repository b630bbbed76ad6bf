-- Every rejected row of every run, with its status for the county clerk (interfaces.md, "Rejected
-- rows, for the county that must fix them"): `open` until a later file of the same kind loads
-- the same key, then `corrected`, naming the first such file. Keys: case_id (cases), record_id
-- (training), office_code (司法所 rows), the person (人员 rows: person_key; a row whose ID
-- number is not valid by the keyed hash of name and office). "Later" is the warehouse's own
-- order of versions: a later export date, or the same date loaded later (load_seq). A row
-- without its key (the key itself missing) cannot be matched and stays open. A file that
-- rejects the key again does not correct it. Built from the history each refresh, so a
-- `--rebuild` gives the same statuses.
-- Read by GET /api/rejects and the 数据质量 page; holds the masked raw row, so it stays out of
-- the analyst copy (audit schema). month: the first day of the export date's month.
-- Grain: (file_id, sheet, row_number).
-- A nightly run updates it by keys (build_by_keys()): only the rows whose status this run can
-- change are judged again — the rows it rejected, the case and training rows whose key it
-- loaded a version of, and every office and staff row (few; their keys come from
-- audit.snapshot_keys, which names no run). A rebuild or a change of this SQL judges all.
-- @materialized incremental
-- @phase build
-- @unique_key file_id, sheet, row_number
-- @test unique(file_id, sheet, row_number)
-- @test not_null(file_id, file_name, row_number, reason_code, kind, export_date, status, run_id)
-- @test accepted_values(status: open, corrected)
-- @test expect((status = 'corrected') = (corrected_by IS NOT NULL))
-- @test expect(corrected_export_date IS NULL OR corrected_export_date >= export_date)
WITH rejected AS (
    -- sheet is NULL for CSV: sheet_key joins it
    SELECT *, coalesce(sheet, '') AS sheet_key
    FROM audit.rejected_rows
    -- a warehouse from before issue 14 has rows without kind until it is rebuilt
    WHERE kind IS NOT NULL
      AND (
        NOT build_by_keys()
        OR run_id = getvariable('run_id')
        OR kind IN ('offices', 'staff')
        OR (kind = 'cases' AND record_key IN (SELECT case_id FROM core.case_versions WHERE run_id = getvariable('run_id')))
        OR (kind = 'training' AND record_key IN (SELECT record_id FROM core.training_versions WHERE run_id = getvariable('run_id')))
      )
),

-- the files that loaded each key: (kind, key) with the export date and loading order
loaded_keys AS (
    SELECT 'cases' AS kind, case_id AS record_key, NULL::VARCHAR AS person_alt_key, export_date, load_seq, file_name
    FROM core.case_versions
    WHERE case_id IN (SELECT record_key FROM rejected WHERE kind = 'cases')
    UNION ALL
    SELECT 'training', record_id, NULL, export_date, load_seq, file_name
    FROM core.training_versions
    WHERE record_id IN (SELECT record_key FROM rejected WHERE kind = 'training')
    UNION ALL
    SELECT kind, record_key, person_alt_key, export_date, load_seq, file_name
    FROM audit.snapshot_keys
),

by_key AS (
    SELECT r.file_id, r.sheet_key, r.row_number,
        arg_min(k.file_name, (k.export_date, k.load_seq)) AS corrected_by,
        min(k.export_date) AS corrected_export_date
    FROM rejected AS r
    JOIN loaded_keys AS k
      ON k.kind = r.kind AND k.record_key = r.record_key
     AND (k.export_date > r.export_date OR (k.export_date = r.export_date AND k.load_seq > r.load_seq))
    GROUP BY ALL
),

-- a staff row whose ID could not key the person: the same name at the same office, later
by_person AS (
    SELECT r.file_id, r.sheet_key, r.row_number,
        arg_min(k.file_name, (k.export_date, k.load_seq)) AS corrected_by,
        min(k.export_date) AS corrected_export_date
    FROM rejected AS r
    JOIN loaded_keys AS k
      ON r.record_key IS NULL AND k.kind = r.kind AND k.person_alt_key = r.person_alt_key
     AND (k.export_date > r.export_date OR (k.export_date = r.export_date AND k.load_seq > r.load_seq))
    GROUP BY ALL
)

SELECT
    r.run_id,
    r.file_id,
    r.file_name,
    r.sheet,
    r.row_number,
    r.kind,
    r.export_date,
    date_trunc('month', r.export_date)::DATE AS month,
    r.load_seq,
    r.reason_code,
    r.column_name,
    r.message,
    r.raw,
    r.county_code,
    r.county_basis,
    CASE WHEN coalesce(k.corrected_by, p.corrected_by) IS NULL THEN 'open' ELSE 'corrected' END AS status,
    coalesce(k.corrected_by, p.corrected_by) AS corrected_by,
    coalesce(k.corrected_export_date, p.corrected_export_date) AS corrected_export_date
FROM rejected AS r
LEFT JOIN by_key AS k USING (file_id, sheet_key, row_number)
LEFT JOIN by_person AS p USING (file_id, sheet_key, row_number)
