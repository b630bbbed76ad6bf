-- mart.cases_monthly and mediation_success_rate agree: for each office and year, the 人民调解
-- cases closed (and those that succeeded) over the year's months equal the indicator's office row.
-- @severity error
WITH monthly AS (
    SELECT period, office_code, sum(mediation_success) AS numerator, sum(mediation_closed) AS denominator
    FROM mart.cases_monthly
    GROUP BY ALL
    HAVING sum(mediation_closed) > 0
),
indicator AS (
    SELECT period, unit_code AS office_code, numerator, denominator
    FROM mart.indicator_values
    WHERE indicator_id = 'mediation_success_rate' AND grain = 'office'
)
SELECT coalesce(m.period, i.period) AS period, coalesce(m.office_code, i.office_code) AS office_code,
       m.numerator AS monthly_numerator, i.numerator AS indicator_numerator,
       m.denominator AS monthly_denominator, i.denominator AS indicator_denominator
FROM monthly AS m
FULL JOIN indicator AS i ON i.period = m.period AND i.office_code = m.office_code
WHERE m.numerator IS DISTINCT FROM i.numerator OR m.denominator IS DISTINCT FROM i.denominator
