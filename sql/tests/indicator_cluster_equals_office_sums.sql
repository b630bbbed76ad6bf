-- For every additive indicator, a cluster's numerator and denominator are the sums over the
-- rows of its offices (the key office and the ordinary offices whose cluster it is). Returns
-- the clusters where they differ.
-- @severity error
WITH office_sums AS (
    SELECT v.indicator_id, v.period, u.cluster_code, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator
    FROM mart.indicator_values AS v
    JOIN mart.units AS u ON u.period = v.period AND u.grain = 'office' AND u.unit_code = v.unit_code
    WHERE v.grain = 'office' AND u.cluster_code IS NOT NULL
    GROUP BY ALL
),
cluster AS (
    SELECT indicator_id, period, unit_code AS cluster_code, numerator, denominator
    FROM mart.indicator_values
    WHERE grain = 'cluster'
)
SELECT coalesce(c.indicator_id, s.indicator_id) AS indicator_id, coalesce(c.period, s.period) AS period,
       coalesce(c.cluster_code, s.cluster_code) AS cluster_code,
       c.numerator AS cluster_numerator, s.numerator AS office_numerator
FROM cluster AS c
FULL JOIN office_sums AS s
    ON s.indicator_id = c.indicator_id AND s.period = c.period AND s.cluster_code = c.cluster_code
JOIN mart.indicator_catalog AS cat ON cat.indicator_id = coalesce(c.indicator_id, s.indicator_id)
WHERE cat.is_additive
  AND (c.numerator IS DISTINCT FROM s.numerator OR c.denominator IS DISTINCT FROM s.denominator)
