-- Every rejected row of every batch (exports.md, "Bad rows"): where it is (file, sheet, row),
-- its one reason code, the column that reason is about, a Chinese message the county clerk can
-- act on, the row as JSON with the ID number masked (names cut to their first character), and
-- the county it belongs to. Appended batch by batch; a file read again (an office snapshot is
-- reloaded whole when one of its two CSV files is new) replaces its own rows, under the run
-- that read it last.
-- county_code (interfaces.md, "Rejected rows, for the county that must fix them"): the county of
-- the row's office code (staff and cases: the office's county in the snapshot the row is checked
-- against, else in the latest snapshot listing it; offices: the latest snapshot listing the code;
-- training: the county of the person's office on their latest roster row); else the county whose
-- 6-digit code begins the office code (its first digits, after any letters: SFS331122099
-- begins with 缙云县's 331122); else the county the row names (the 司法所 sheet's
-- 所属县（市、区）); else NULL, `unattributed`. county_basis says which: office, code_prefix,
-- named, none.
-- kind (offices, staff, cases, training), export_date, load_seq and record_key (case_id,
-- record_id, office_code, or the person_key of a staff row with a valid ID) let a later file
-- correct the row (audit.rejects); person_alt_key keys a staff row whose ID cannot
-- (person_alt_key macro: a keyed hash of name and office, never the name).
-- @materialized incremental
-- @unique_key file_id
-- @test not_null(file_id, file_name, row_number, reason_code, column_name, message, raw, kind, export_date, county_basis)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, bad_id_number, unknown_county, unknown_office, date_order, hours_out_of_range, duplicate_key)
-- @test accepted_values(kind: offices, staff, cases, training)
-- @test accepted_values(county_basis: office, code_prefix, named, none)
-- @test relationships(county_code -> core.counties(county_code))
-- @test expect((county_code IS NULL) = (county_basis = 'none'))
-- @test expect(json_extract_string(raw, '$.id_number') IS NULL OR json_extract_string(raw, '$.id_number') LIKE '%*%')
-- @test expect(NOT has_id_number(raw::VARCHAR) AND NOT has_id_number(message))
WITH rejected AS (
    SELECT
        'offices' AS kind, file_id, file_name, sheet, row_number, export_date, load_seq, reason_code, column_name,
        message, raw, office_code, NULL::VARCHAR AS office_county, county_code AS named_county,
        office_code AS record_key, NULL::VARCHAR AS person_alt_key
    FROM staging.stg_offices WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT
        'staff', file_id, file_name, sheet, row_number, export_date, load_seq, reason_code, column_name,
        message, raw, office_code, county_code, NULL,
        person_key, CASE WHEN person_key IS NULL THEN person_alt_key(name, office_code) END
    FROM staging.stg_staff WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT
        'cases', file_id, file_name, sheet, row_number, export_date, load_seq, reason_code, column_name,
        message, raw, office_code, county_code, NULL,
        case_id, NULL
    FROM staging.stg_cases WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT
        'training', file_id, file_name, sheet, row_number, export_date, load_seq, reason_code, column_name,
        message, raw, NULL, county_code, NULL,
        record_id, NULL
    FROM staging.stg_training WHERE reason_code IS NOT NULL
),

-- an office's county as of the latest snapshot that lists it (this batch's snapshot included)
latest_office_counties AS (
    SELECT office_code, arg_max(county_code, snapshot_date) AS county_code
    FROM core.offices
    WHERE office_code IN (SELECT office_code FROM rejected)
    GROUP BY office_code
),

attributed AS (
    SELECT
        r.*,
        coalesce(r.office_county, l.county_code) AS by_office,
        p.county_code AS by_prefix
    FROM rejected AS r
    LEFT JOIN latest_office_counties AS l ON l.office_code = r.office_code
    -- the first six digits of the code, after any letters (SFS331122099 begins with 331122)
    LEFT JOIN core.counties AS p ON p.county_code = regexp_extract(r.office_code, '^[^0-9]*([0-9]{6})', 1)
)
-- message and raw are masked once more here, the last gate before a row is stored: whatever
-- ID-shaped text a staging model let through (scrub_id_numbers is idempotent, so what the models
-- masked stays as it is); so is a record key that is ID-shaped (not a staff row's person_key,
-- a hash: its hex may hold a long run of digits by chance, and it identifies nobody).
SELECT
    getvariable('run_id')::VARCHAR AS run_id,
    file_id, file_name, sheet, row_number, reason_code, column_name,
    scrub_id_numbers(message) AS message,
    scrub_id_numbers(raw::VARCHAR)::JSON AS raw,
    coalesce(by_office, by_prefix, named_county) AS county_code,
    kind, export_date, load_seq,
    CASE WHEN kind = 'staff' THEN record_key ELSE scrub_id_numbers(record_key) END AS record_key,
    person_alt_key,
    CASE
        WHEN by_office IS NOT NULL THEN 'office'
        WHEN by_prefix IS NOT NULL THEN 'code_prefix'
        WHEN named_county IS NOT NULL THEN 'named'
        ELSE 'none'
    END AS county_basis
FROM attributed
