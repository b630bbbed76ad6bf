-- For every additive indicator, a county's numerator and denominator are the sums over its
-- offices' rows (an office whose denominator is 0 has no row and adds nothing). Returns the
-- counties where they differ.
-- @severity error
WITH office_sums AS (
    SELECT v.indicator_id, v.period, u.county_code, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator
    FROM mart.indicator_values AS v
    JOIN mart.units AS u ON u.period = v.period AND u.grain = 'office' AND u.unit_code = v.unit_code
    WHERE v.grain = 'office'
    GROUP BY ALL
),
county AS (
    SELECT indicator_id, period, unit_code AS county_code, numerator, denominator
    FROM mart.indicator_values
    WHERE grain = 'county'
)
SELECT coalesce(c.indicator_id, s.indicator_id) AS indicator_id, coalesce(c.period, s.period) AS period,
       coalesce(c.county_code, s.county_code) AS county_code,
       c.numerator AS county_numerator, s.numerator AS office_numerator,
       c.denominator AS county_denominator, s.denominator AS office_denominator
FROM county AS c
FULL JOIN office_sums AS s
    ON s.indicator_id = c.indicator_id AND s.period = c.period AND s.county_code = c.county_code
JOIN mart.indicator_catalog AS cat ON cat.indicator_id = coalesce(c.indicator_id, s.indicator_id)
WHERE cat.is_additive
  AND (c.numerator IS DISTINCT FROM s.numerator OR c.denominator IS DISTINCT FROM s.denominator)
