-- Lake: every indicator value (mart.indicator_values), the contract of indicators.md.
-- Partitioned by year (the period) and county: a county's own rows and those of its clusters
-- and offices; the city's rows under the city's code 331100.
-- @partition_by year, county_code
SELECT
    v.indicator_id, v.period, v.grain, v.unit_code, v.unit_name, v.numerator, v.denominator,
    v.value, v.target, v.meets_target, v.as_of,
    v.period::INTEGER AS year,
    CASE WHEN v.grain = 'city' THEN '331100' ELSE coalesce(u.county_code, 'unknown') END AS county_code
FROM mart.indicator_values AS v
LEFT JOIN mart.units AS u ON u.period = v.period AND u.grain = v.grain AND u.unit_code = v.unit_code
