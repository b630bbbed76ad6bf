-- Each person's county, as of the latest staff snapshot that lists them (through their office
-- in that snapshot): where a fact names only the person (training records), its county.
-- Grain: person_key. Columns: person_key, county_code.
-- @test unique(person_key)
-- @test not_null(person_key, county_code)
SELECT s.person_key, arg_max(o.county_code, s.snapshot_date) AS county_code
FROM core.staff AS s
JOIN core.offices AS o ON o.snapshot_date = s.snapshot_date AND o.office_code = s.office_code
GROUP BY s.person_key
