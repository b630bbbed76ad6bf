-- Training days and hours of every active staff member of each year's snapshot S, against the
-- plan's line of 12 days or 90 hours, for the 队伍培训 page. People are pseudonymised:
-- person_code is a short stable code derived from the person key (never a name or ID number).
-- in_denominator: counted by training_compliance (start_date on or before 1 January of the
-- year); complies: days ≥ 12 or hours ≥ 90. Staff who joined during the year appear with
-- in_denominator = false.
-- Grain: (period, person_key).
-- Columns: period, as_of, person_key, person_code, office_code, county_code, cluster_code, role,
-- days, hours, required_days (12), required_hours (90), meets_days, meets_hours, complies,
-- in_denominator.
-- @test unique(period, person_key)
-- @test unique(period, person_code)
-- @test not_null(period, as_of, person_key, person_code, office_code, county_code, role, days, hours, required_days, required_hours, meets_days, meets_hours, complies, in_denominator)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
-- @test expect(complies = (meets_days OR meets_hours))
SELECT
    s.period,
    s.as_of,
    s.person_key,
    'P' || upper(left(sha256('person_code:' || s.person_key), 10)) AS person_code,
    s.office_code,
    o.county_code,
    o.cluster_code,
    s.role,
    coalesce(t.days, 0) AS days,
    coalesce(t.hours, 0) AS hours,
    12 AS required_days,
    90.0::DOUBLE AS required_hours,
    coalesce(t.days, 0) >= 12 AS meets_days,
    coalesce(t.hours, 0) >= 90 AS meets_hours,
    coalesce(t.days, 0) >= 12 OR coalesce(t.hours, 0) >= 90 AS complies,
    s.in_training_denominator AS in_denominator
FROM intermediate.int_active_staff AS s
JOIN intermediate.int_year_offices AS o ON o.period = s.period AND o.office_code = s.office_code
LEFT JOIN intermediate.int_person_year_training AS t ON t.period = s.period AND t.person_key = s.person_key
