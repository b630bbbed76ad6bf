-- Every loaded row of every case file: one version of a case per file (within a file the key is
-- unique, duplicate_key rejects the earlier rows). Appended batch by batch; a file read again
-- (same sha256, so same file_id) replaces its own rows, so nothing here is ever doubled.
-- @rows_from staging.stg_cases
-- @materialized incremental
-- @unique_key file_id
-- @test unique(case_id, file_id)
-- @test not_null(case_id, export_date, file_id, file_name, load_seq, row_number, office_code, business_line, received_date, status)
-- @test accepted_values(status: 办理中, 已办结, 已撤回)
-- @test relationships(business_line -> seed.business_lines(business_line))
-- @test expect(closed_date IS NULL OR closed_date >= received_date)
-- @test expect(status <> '已办结' OR closed_date IS NOT NULL)
-- @test expect((amount IS NULL OR amount >= 0) AND (parties IS NULL OR parties >= 0))
SELECT
    case_id,
    export_date,
    file_id,
    file_name,
    load_seq,
    row_number,
    office_code,
    business_line,
    received_date,
    closed_date,
    status,
    outcome,
    amount,
    parties,
    getvariable('run_id')::VARCHAR AS run_id
FROM staging.stg_cases
WHERE reason_code IS NULL
