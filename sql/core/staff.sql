-- Every staff row of every snapshot: the loaded rows of staging.stg_staff, people keyed by
-- person_key (HMAC-SHA-256 of the normalised ID number; the raw number is never stored) with the
-- masked ID beside it. A re-exported snapshot of the same date replaces the earlier one.
-- Names are here: this table never goes to the analyst copy.
-- @rows_from staging.stg_staff
-- @materialized incremental
-- @unique_key snapshot_date
-- @test unique(snapshot_date, person_key)
-- @test not_null(snapshot_date, person_key, id_masked, name, office_code, role, start_date, file_name, row_number)
-- @test accepted_values(role: 所长, 副所长, 工作人员, 司法协理员)
-- @test accepted_values(staffing_type: 政法专编, 行政编制, 事业编制, 司法协理员, 其他)
-- @test relationships(snapshot_date, office_code -> core.offices(snapshot_date, office_code))
-- @test expect(regexp_full_match(person_key, '[0-9a-f]{64}') AND id_masked LIKE '%********%')
-- @test expect(end_date IS NULL OR end_date >= start_date)
SELECT
    export_date AS snapshot_date,
    person_key,
    id_masked,
    name,
    office_code,
    role,
    staffing_type,
    posts,
    legal_background,
    legal_qualification,
    enforcement_certificate,
    public_lawyer,
    start_date,
    end_date,
    file_name,
    sheet,
    row_number
FROM staging.stg_staff
WHERE reason_code IS NULL
