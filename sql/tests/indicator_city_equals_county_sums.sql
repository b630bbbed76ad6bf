-- For every additive indicator, the counties' numerators and denominators add up to the
-- city's: every office of S is in exactly one county. Returns the indicators and years where
-- they do not.
-- @severity error
WITH county_sums AS (
    SELECT indicator_id, period, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM mart.indicator_values
    WHERE grain = 'county'
    GROUP BY ALL
),
city AS (
    SELECT indicator_id, period, numerator, denominator
    FROM mart.indicator_values
    WHERE grain = 'city'
)
SELECT coalesce(c.indicator_id, s.indicator_id) AS indicator_id, coalesce(c.period, s.period) AS period,
       c.numerator AS city_numerator, s.numerator AS county_numerator,
       c.denominator AS city_denominator, s.denominator AS county_denominator
FROM city AS c
FULL JOIN county_sums AS s ON s.indicator_id = c.indicator_id AND s.period = c.period
JOIN mart.indicator_catalog AS cat ON cat.indicator_id = coalesce(c.indicator_id, s.indicator_id)
WHERE cat.is_additive
  AND (c.numerator IS DISTINCT FROM s.numerator OR c.denominator IS DISTINCT FROM s.denominator)
