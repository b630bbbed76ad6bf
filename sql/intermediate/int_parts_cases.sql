-- Office parts of the case indicators, from the cases per year, office and business line
-- (int_office_line_cases: the latest version of each case), counted at the office named on the
-- case when that is an office of the year's S.
-- mediation_success_rate: 人民调解 cases with status 已办结 and closed_date in the year, and of
-- those the ones with outcome 调解成功. function_breadth: distinct business lines (of the ten)
-- with at least one case received in the year whose status is not 已撤回, out of 10.
-- Grain: (indicator_id, period, office_code).
-- Per (year, office): an incremental run re-inserts only the (period, office) pairs its new case
-- versions touched, and whole the years a new snapshot touched.
-- @partition_by period, office_code
-- @test unique(indicator_id, period, office_code)
-- @test accepted_values(indicator_id: function_breadth, mediation_success_rate)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator BETWEEN 0 AND denominator)
WITH office_lines AS (
    SELECT l.*
    FROM intermediate.int_office_line_cases AS l
    -- only the partitions being rebuilt (all in a full build)
    WHERE in_build_years(l.period) AND in_build_offices(l.period, l.office_code)
),
mediation AS (
    SELECT period, office_code, sum(mediation_success) AS succeeded, sum(mediation_closed) AS closed
    FROM office_lines
    GROUP BY ALL
),
lines AS (
    SELECT l.period, l.office_code, count(*) AS lines_active
    FROM office_lines AS l
    JOIN mart.plan_categories AS plan ON plan.kind = 'business_line' AND plan.item = l.business_line
    WHERE l.active > 0
    GROUP BY ALL
)
SELECT 'mediation_success_rate' AS indicator_id, o.period, o.office_code,
       coalesce(m.succeeded, 0)::DOUBLE AS numerator, coalesce(m.closed, 0)::DOUBLE AS denominator
FROM intermediate.int_year_offices AS o
LEFT JOIN mediation AS m ON m.period = o.period AND m.office_code = o.office_code
UNION ALL
SELECT 'function_breadth', o.period, o.office_code, coalesce(l.lines_active, 0), 10
FROM intermediate.int_year_offices AS o
LEFT JOIN lines AS l ON l.period = o.period AND l.office_code = o.office_code
