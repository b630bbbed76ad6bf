-- Which offices make up each reporting unit of a year, at the four grains: an office is its
-- own unit; a cluster is its key office plus the ordinary offices whose cluster_code is that
-- key office; a county is the offices of S in it; the city (3311, 丽水市) is every office of S.
-- Every indicator sums its office parts over these memberships.
-- Grain: (period, grain, unit_code, office_code).
-- @test unique(period, grain, unit_code, office_code)
-- @test not_null(period, grain, unit_code, unit_name, office_code, as_of)
-- @test accepted_values(grain: office, cluster, county, city)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
SELECT period, as_of, 'office' AS grain, office_code AS unit_code, office_name AS unit_name, office_code
FROM intermediate.int_year_offices
UNION ALL
SELECT member.period, member.as_of, 'cluster', key_office.office_code, key_office.office_name || '片区', member.office_code
FROM intermediate.int_year_offices AS member
JOIN intermediate.int_year_offices AS key_office
    ON key_office.period = member.period AND key_office.office_code = member.cluster_code
UNION ALL
SELECT period, as_of, 'county', county_code, county_name, office_code
FROM intermediate.int_year_offices
UNION ALL
SELECT period, as_of, 'city', '3311', '丽水市', office_code
FROM intermediate.int_year_offices
