-- Rejected export rows counted by file, county and reason, for the 数据质量 page and for
-- analysts (who cannot reach audit.rejected_rows, which keeps the raw rows). Each file row is
-- counted once however often the file was read; source and export date come from the file
-- name. county_code is the county the row is attributed to (audit.rejected_rows), NULL for an
-- unattributed row. open_rows: those not yet corrected by a later file (audit.rejects). No raw
-- values, names or messages.
-- Grain: (file_name, sheet, county_code, reason_code).
-- Columns: source (offices, cases, training), export_date, file_name, sheet (NULL for CSV),
-- county_code, reason_code, rejected_rows, open_rows, last_run_id (the latest run that
-- rejected them).
-- @test unique(file_name, sheet, county_code, reason_code)
-- @test not_null(file_name, reason_code, rejected_rows, open_rows)
-- @test expect(open_rows <= rejected_rows)
-- @test accepted_values(source: offices, cases, training)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, bad_id_number, unknown_county, unknown_office, date_order, hours_out_of_range, duplicate_key)
-- @test relationships(county_code -> core.counties(county_code))
WITH file_rows AS (
    SELECT
        file_id,
        any_value(file_name) AS file_name,
        sheet,
        row_number,
        any_value(county_code) AS county_code,
        any_value(reason_code) AS reason_code,
        max(run_id) AS last_run_id
    FROM audit.rejected_rows
    GROUP BY file_id, sheet, row_number
),
open_rows AS (
    SELECT file_id, sheet, row_number FROM audit.rejects WHERE status = 'open'
)
SELECT
    CASE lower(regexp_extract(file_name, '^([A-Za-z]+)_\d{8}\.', 1))
        WHEN 'offices' THEN 'offices'
        WHEN 'staff' THEN 'offices'
        WHEN 'cases' THEN 'cases'
        WHEN 'training' THEN 'training'
    END AS source,
    try_strptime(regexp_extract(file_name, '_(\d{8})\.', 1), '%Y%m%d')::DATE AS export_date,
    file_name,
    f.sheet,
    county_code,
    reason_code,
    count(*)::INTEGER AS rejected_rows,
    count(o.file_id)::INTEGER AS open_rows,
    max(last_run_id) AS last_run_id
FROM file_rows AS f
LEFT JOIN open_rows AS o
  ON o.file_id = f.file_id AND o.sheet IS NOT DISTINCT FROM f.sheet AND o.row_number = f.row_number
GROUP BY ALL
