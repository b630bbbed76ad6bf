-- Every row of mart.indicator_values as published, with the county of its unit (mart.units;
-- NULL for the city row) so that a frozen edition can be scoped to a county without the
-- warehouse it came from. Ordered so that two takes of one warehouse write the same rows.
SELECT
    v.indicator_id, v.period, v.grain, v.unit_code, v.unit_name,
    v.numerator, v.denominator, v.value, v.target, v.meets_target, v.as_of,
    u.county_code
FROM mart.indicator_values AS v
LEFT JOIN mart.units AS u ON u.period = v.period AND u.grain = v.grain AND u.unit_code = v.unit_code
ORDER BY v.indicator_id, v.period, v.grain, v.unit_code
