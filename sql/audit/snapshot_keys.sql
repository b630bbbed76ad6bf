-- The keys each office snapshot file loaded: office codes of the 司法所 sheet, people of the 人员
-- sheet (person_key, and person_alt_key: the keyed hash of name and office, which corrects a row
-- rejected for its ID number). audit.rejects reads it: a rejected row is corrected when a later
-- file of its kind loads its key. Cases and training records are in core.case_versions and
-- core.training_versions. Appended batch by batch; a file read again replaces its own rows.
-- @rows_from staging.stg_offices, staging.stg_staff
-- @materialized incremental
-- @unique_key file_id
-- @test not_null(file_id, file_name, kind, export_date, load_seq, record_key)
-- @test accepted_values(kind: offices, staff)
SELECT file_id, file_name, 'offices' AS kind, export_date, load_seq, office_code AS record_key, NULL::VARCHAR AS person_alt_key
FROM staging.stg_offices
WHERE reason_code IS NULL
UNION ALL
SELECT file_id, file_name, 'staff', export_date, load_seq, person_key, person_alt_key(name, office_code)
FROM staging.stg_staff
WHERE reason_code IS NULL
