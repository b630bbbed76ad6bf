-- Each office's county, as of the latest snapshot that lists it: where a fact names only its
-- office (cases, files' rows), this is the county it is counted under.
-- Grain: office_code. Columns: office_code, county_code.
-- @test unique(office_code)
-- @test not_null(office_code, county_code)
SELECT office_code, arg_max(county_code, snapshot_date) AS county_code
FROM core.offices
GROUP BY office_code
