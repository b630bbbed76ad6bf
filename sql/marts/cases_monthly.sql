-- Cases by month, office and business line, for the 案件办理 page and the office page, over
-- the latest version of each case and the offices of S of the month's year (the office named
-- on the case must be an office of that S, as for the case indicators; years without a
-- snapshot are left out). received: cases received in the month (any status); withdrawn: of
-- those, now 已撤回; in_progress: of those, still 办理中; closed: cases with status 已办结 whose
-- closed_date is in the month; mediation_closed / mediation_success: of the closed, 人民调解
-- cases and those with outcome 调解成功. A row exists when any count is above 0.
-- Grain: (month, office_code, business_line).
-- Columns: period, month ('2025-03'), office_code, county_code, cluster_code, business_line,
-- received, withdrawn, in_progress, closed, mediation_closed, mediation_success.
-- @test unique(month, office_code, business_line)
-- @test not_null(period, month, office_code, county_code, business_line, received, withdrawn, in_progress, closed, mediation_closed, mediation_success)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
-- @test relationships(business_line -> mart.plan_categories(item))
-- @test expect(withdrawn + in_progress <= received AND mediation_success <= mediation_closed AND mediation_closed <= closed)
-- @test expect(left(month, 4) = period)
WITH events AS (
    SELECT
        strftime(received_date, '%Y-%m') AS month,
        office_code,
        business_line,
        1 AS received,
        (status = '已撤回')::INTEGER AS withdrawn,
        (status = '办理中')::INTEGER AS in_progress,
        0 AS closed,
        0 AS mediation_closed,
        0 AS mediation_success
    FROM core.cases
    UNION ALL
    SELECT
        strftime(closed_date, '%Y-%m'),
        office_code,
        business_line,
        0, 0, 0,
        1,
        (business_line = '人民调解')::INTEGER,
        (business_line = '人民调解' AND regexp_replace(outcome, '\s', '', 'g') = '调解成功')::INTEGER
    FROM core.cases
    WHERE status = '已办结' AND closed_date IS NOT NULL
)
SELECT
    o.period,
    e.month,
    e.office_code,
    any_value(o.county_code) AS county_code,
    any_value(o.cluster_code) AS cluster_code,
    e.business_line,
    sum(e.received)::INTEGER AS received,
    sum(e.withdrawn)::INTEGER AS withdrawn,
    sum(e.in_progress)::INTEGER AS in_progress,
    sum(e.closed)::INTEGER AS closed,
    sum(e.mediation_closed)::INTEGER AS mediation_closed,
    sum(e.mediation_success)::INTEGER AS mediation_success
FROM events AS e
JOIN intermediate.int_year_offices AS o ON o.period = left(e.month, 4) AND o.office_code = e.office_code
GROUP BY o.period, e.month, e.office_code, e.business_line
