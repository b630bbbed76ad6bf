-- Every rejected row of every batch (exports.md, "Bad rows"): where it is (file, sheet, row),
-- its one reason code, the column that reason is about, a Chinese message the county clerk can
-- act on, the row as JSON with the ID number masked (names cut to their first character), and
-- the county the row reveals, for county-scoped views. Appended batch by batch; a file read
-- again (an office snapshot is reloaded whole when one of its two CSV files is new) replaces its
-- own rows, under the run that read it last.
-- @materialized incremental
-- @unique_key file_id
-- @test not_null(file_id, file_name, row_number, reason_code, column_name, message, raw)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, bad_id_number, unknown_county, unknown_office, date_order, hours_out_of_range, duplicate_key)
-- @test relationships(county_code -> core.counties(county_code))
-- @test expect(json_extract_string(raw, '$.id_number') IS NULL OR json_extract_string(raw, '$.id_number') LIKE '%*%')
-- @test expect(NOT has_id_number(raw::VARCHAR) AND NOT has_id_number(message))
WITH rejected AS (
    SELECT file_id, file_name, sheet, row_number, reason_code, column_name, message, raw, county_code
    FROM staging.stg_offices WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT file_id, file_name, sheet, row_number, reason_code, column_name, message, raw, county_code
    FROM staging.stg_staff WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT file_id, file_name, sheet, row_number, reason_code, column_name, message, raw, county_code
    FROM staging.stg_cases WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT file_id, file_name, sheet, row_number, reason_code, column_name, message, raw, county_code
    FROM staging.stg_training WHERE reason_code IS NOT NULL
)
-- The last gate before a row is stored: whatever ID-shaped text a staging model let through is
-- masked here (scrub_id_numbers is idempotent, so the rows the models masked stay as they are).
SELECT getvariable('run_id')::VARCHAR AS run_id,
    * REPLACE (scrub_id_numbers(message) AS message, scrub_id_numbers(raw::VARCHAR)::JSON AS raw)
FROM rejected
