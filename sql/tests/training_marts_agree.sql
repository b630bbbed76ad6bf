-- mart.training_person_year and training_compliance tell the same story: for each office and
-- year, the people in the denominator and those who comply match the indicator's office row.
-- @severity error
WITH people AS (
    SELECT period, office_code,
           count(*) FILTER (WHERE in_denominator) AS denominator,
           count(*) FILTER (WHERE in_denominator AND complies) AS numerator
    FROM mart.training_person_year
    GROUP BY ALL
    HAVING count(*) FILTER (WHERE in_denominator) > 0
),
indicator AS (
    SELECT period, unit_code AS office_code, numerator, denominator
    FROM mart.indicator_values
    WHERE indicator_id = 'training_compliance' AND grain = 'office'
)
SELECT coalesce(p.period, i.period) AS period, coalesce(p.office_code, i.office_code) AS office_code,
       p.numerator AS people_numerator, i.numerator AS indicator_numerator,
       p.denominator AS people_denominator, i.denominator AS indicator_denominator
FROM people AS p
FULL JOIN indicator AS i ON i.period = p.period AND i.office_code = p.office_code
WHERE p.numerator IS DISTINCT FROM i.numerator OR p.denominator IS DISTINCT FROM i.denominator
