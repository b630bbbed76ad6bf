-- The director of each office of S: its active staff row with role 所长; of several, the one
-- with the latest start_date, and among equal start dates the last row of the file. An office
-- without an active 所长 has no row here (a vacant director).
-- Grain: (period, office_code).
-- @test unique(period, office_code)
-- @test not_null(period, office_code, person_key)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
SELECT period, office_code, person_key, staffing_type, legal_background, legal_qualification,
       enforcement_certificate, public_lawyer, start_date
FROM intermediate.int_active_staff
WHERE role = '所长'
QUALIFY row_number() OVER (
    PARTITION BY period, office_code
    ORDER BY start_date DESC, row_number DESC
) = 1
