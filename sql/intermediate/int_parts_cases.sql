-- Office parts of the case indicators, over the latest version of each case, counted at the
-- office named on the case when that is an office of the year's S.
-- mediation_success_rate: 人民调解 cases with status 已办结 and closed_date in the year, and of
-- those the ones with outcome 调解成功. function_breadth: distinct business lines (of the ten)
-- with at least one case received in the year whose status is not 已撤回, out of 10.
-- Grain: (indicator_id, period, office_code).
-- Per (year, office): an incremental run re-inserts only the (period, office) pairs its new case
-- versions touched, and whole the years a new snapshot touched.
-- @partition_by period, office_code
-- @test unique(indicator_id, period, office_code)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator BETWEEN 0 AND denominator)
WITH mediation AS (
    SELECT
        o.period,
        o.office_code,
        count(*) FILTER (WHERE regexp_replace(c.outcome, '\s', '', 'g') = '调解成功') AS succeeded,
        count(*) AS closed
    FROM intermediate.int_year_offices AS o
    JOIN core.cases AS c
        ON c.office_code = o.office_code
        AND c.business_line = '人民调解'
        AND c.status = '已办结'
        AND year(c.closed_date)::VARCHAR = o.period
    -- only the years being rebuilt (all in a full build)
    WHERE in_build_years(o.period) AND in_build_years(year(c.closed_date)) AND in_build_offices(o.period, o.office_code)
    GROUP BY ALL
),
active_lines AS (
    -- each (year, office, line) with a case received and not withdrawn, once: the count below
    -- then meets one row per line, not every case (national scale: 2.0 -> 1.3 s for the model)
    SELECT DISTINCT year(received_date)::VARCHAR AS period, office_code, business_line
    FROM core.cases
    WHERE status IS DISTINCT FROM '已撤回' AND in_build_years(year(received_date))
),
lines AS (
    SELECT o.period, o.office_code, count(*) AS lines_active
    FROM intermediate.int_year_offices AS o
    JOIN active_lines AS c ON c.office_code = o.office_code AND c.period = o.period
    JOIN mart.plan_categories AS plan ON plan.kind = 'business_line' AND plan.item = c.business_line
    WHERE in_build_years(o.period) AND in_build_offices(o.period, o.office_code)
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
