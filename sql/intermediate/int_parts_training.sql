-- Office parts of training_compliance: the active staff of S whose start_date is on or before
-- 1 January of the year, at the office of their row in S, and of those the ones with at least
-- 12 training days or 90 training hours in the year.
-- Grain: (indicator_id, period, office_code).
-- Per year: an incremental run re-inserts only the periods its new data touched.
-- @partition_by period
-- @test unique(indicator_id, period, office_code)
-- @test accepted_values(indicator_id: training_compliance)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator BETWEEN 0 AND denominator)
SELECT
    'training_compliance' AS indicator_id,
    o.period,
    o.office_code,
    count(s.person_key) FILTER (WHERE t.days >= 12 OR t.hours >= 90)::DOUBLE AS numerator,
    count(s.person_key)::DOUBLE AS denominator
FROM intermediate.int_year_offices AS o
LEFT JOIN intermediate.int_active_staff AS s
    ON s.period = o.period AND s.office_code = o.office_code AND s.in_training_denominator
LEFT JOIN intermediate.int_person_year_training AS t ON t.period = s.period AND t.person_key = s.person_key
GROUP BY o.period, o.office_code
