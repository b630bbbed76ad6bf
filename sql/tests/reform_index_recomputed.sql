-- reform_index is within [0, 1], and equals, for each unit and year, the mean of
-- min(value / target, 1) over the unit's rows of targeted indicators, recomputed here from the
-- published rows. Returns the units where it does not (or where it is missing or extra).
-- @severity error
WITH recomputed AS (
    SELECT v.period, v.grain, v.unit_code,
           sum(least(v.value / cat.target, 1.0)) AS numerator, count(*) AS denominator
    FROM mart.indicator_values AS v
    JOIN mart.indicator_catalog AS cat USING (indicator_id)
    WHERE cat.target IS NOT NULL
    GROUP BY ALL
),
published AS (
    SELECT period, grain, unit_code, numerator, denominator, value
    FROM mart.indicator_values
    WHERE indicator_id = 'reform_index'
)
SELECT coalesce(p.period, r.period) AS period, coalesce(p.grain, r.grain) AS grain,
       coalesce(p.unit_code, r.unit_code) AS unit_code, p.value, r.numerator / r.denominator AS recomputed
FROM published AS p
FULL JOIN recomputed AS r ON r.period = p.period AND r.grain = p.grain AND r.unit_code = p.unit_code
WHERE p.value IS NULL OR r.denominator IS NULL
   OR p.value NOT BETWEEN 0 AND 1
   OR p.denominator <> r.denominator
   OR abs(p.numerator - r.numerator) > 1e-9
   OR abs(p.value - r.numerator / r.denominator) > 1e-9
