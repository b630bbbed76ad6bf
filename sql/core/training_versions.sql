-- Every loaded row of every training file: one version of a record per file. Appended batch by
-- batch; a file read again (same sha256, so same file_id) replaces its own rows.
-- @rows_from staging.stg_training
-- @materialized incremental
-- @unique_key file_id
-- @test unique(record_id, file_id)
-- @test not_null(record_id, export_date, file_id, file_name, load_seq, row_number, person_key, course, start_date, end_date, hours)
-- @test accepted_values(mode: 线上, 线下)
-- @test expect(regexp_full_match(person_key, '[0-9a-f]{64}'))
-- @test expect(end_date >= start_date AND hours >= 0 AND hours <= 24 * (date_diff('day', start_date, end_date) + 1))
SELECT
    record_id,
    export_date,
    file_id,
    file_name,
    load_seq,
    row_number,
    person_key,
    course,
    start_date,
    end_date,
    hours,
    mode,
    getvariable('run_id')::VARCHAR AS run_id
FROM staging.stg_training
WHERE reason_code IS NULL
