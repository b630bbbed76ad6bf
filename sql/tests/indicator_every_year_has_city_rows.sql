-- Every year with a snapshot that lists offices has a city row for the indicators whose
-- denominator is the number of offices (director_in_leadership, terminal_office_coverage,
-- public_lawyer_coverage, function_breadth), with that number as denominator.
-- @severity error
WITH offices_per_year AS (
    SELECT period, count(*) AS offices FROM intermediate.int_year_offices GROUP BY period
),
expected AS (
    SELECT o.period, ids.indicator_id,
           o.offices * CASE ids.indicator_id WHEN 'function_breadth' THEN 10 ELSE 1 END AS denominator
    FROM offices_per_year AS o
    CROSS JOIN (VALUES ('director_in_leadership'), ('terminal_office_coverage'),
                       ('public_lawyer_coverage'), ('function_breadth')) AS ids(indicator_id)
)
SELECT e.period, e.indicator_id, e.denominator AS expected_denominator, v.denominator
FROM expected AS e
LEFT JOIN mart.indicator_values AS v
    ON v.period = e.period AND v.indicator_id = e.indicator_id AND v.grain = 'city'
WHERE v.denominator IS DISTINCT FROM e.denominator
