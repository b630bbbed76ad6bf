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
-- Per (year, office): an incremental run re-inserts only the (period, office) pairs its new case
-- versions touched, and whole the years a new snapshot touched. A night without a new snapshot
-- adds the change instead (@delta): the cases core.cases replaced counted −1, their new latest
-- versions +1, summed into the rows by key; a row whose counts all reach 0 goes.
-- @partition_by period, office_code
-- @delta month, office_code, business_line
-- @delta_sum received, withdrawn, in_progress, closed, mediation_closed, mediation_success
-- @zh 按月、司法所、业务类型统计的案件数：当月受理、其中已撤回、仍在办理，当月办结，以及办结中人民调解案件数与调解成功数。任一计数大于 0 才有行。
-- @column period: 年度
-- @column month: 月份，如 2025-03
-- @column office_code: 司法所代码
-- @column county_code: 所在县（市、区）代码
-- @column cluster_code: 所属片区（重点所）代码
-- @column business_line: 业务类型
-- @column received: 当月受理案件数（不论现状）
-- @column withdrawn: 当月受理中现已撤回的案件数
-- @column in_progress: 当月受理中仍在办理的案件数
-- @column closed: 当月办结的案件数
-- @column mediation_closed: 当月办结中人民调解案件数
-- @column mediation_success: 其中调解成功的案件数
-- @test unique(month, office_code, business_line)
-- @test not_null(period, month, office_code, county_code, business_line, received, withdrawn, in_progress, closed, mediation_closed, mediation_success)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
-- @test relationships(business_line -> mart.plan_categories(item))
-- @test expect(withdrawn + in_progress <= received AND mediation_success <= mediation_closed AND mediation_closed <= closed)
-- @test expect(left(month, 4) = period)
WITH cases AS NOT MATERIALIZED (
    -- every latest version once (a full or partitions build), or the night's change (build_delta())
    -- NOT MATERIALIZED: read twice below; DuckDB would otherwise copy every column of every case
    -- into a temporary result first (national: this model 5.8 → 5.0 s, int_office_line_cases 1.6 → 1.2 s)
    SELECT *, 1 AS sign FROM core.cases WHERE NOT build_delta()
    UNION ALL
    SELECT *, -1 FROM core_cases_replaced WHERE build_delta()
    UNION ALL
    SELECT *, 1 FROM core_cases_added WHERE build_delta()
),

events AS (
    SELECT
        -- grouped by the month's first day, formatted once per group: cheaper than formatting
        -- every case's date (strftime per row was ~30 % of the model at national scale)
        date_trunc('month', received_date) AS month_start,
        office_code,
        business_line,
        sign AS received,
        sign * (status = '已撤回')::INTEGER AS withdrawn,
        sign * (status = '办理中')::INTEGER AS in_progress,
        0 AS closed,
        0 AS mediation_closed,
        0 AS mediation_success
    FROM cases
    -- only the (year, office) partitions being rebuilt (all in a full build)
    WHERE in_build_years(year(received_date)) AND in_build_offices(year(received_date), office_code)
    UNION ALL
    SELECT
        date_trunc('month', closed_date),
        office_code,
        business_line,
        0, 0, 0,
        sign,
        sign * (business_line = '人民调解')::INTEGER,
        sign * (business_line = '人民调解' AND regexp_replace(outcome, '\s', '', 'g') = '调解成功')::INTEGER
    FROM cases
    WHERE status = '已办结' AND closed_date IS NOT NULL
        AND in_build_years(year(closed_date)) AND in_build_offices(year(closed_date), office_code)
),

-- summed per (month, office, line) before the offices are joined: the join then meets one row
-- per group instead of one per event (national scale: the model took 16 s, of which the
-- aggregate of the joined events was most)
counts AS (
    SELECT
        month_start,
        office_code,
        business_line,
        sum(received)::INTEGER AS received,
        sum(withdrawn)::INTEGER AS withdrawn,
        sum(in_progress)::INTEGER AS in_progress,
        sum(closed)::INTEGER AS closed,
        sum(mediation_closed)::INTEGER AS mediation_closed,
        sum(mediation_success)::INTEGER AS mediation_success
    FROM events
    GROUP BY month_start, office_code, business_line
)
SELECT
    o.period,
    strftime(c.month_start, '%Y-%m') AS month,
    c.office_code,
    o.county_code,
    o.cluster_code,
    c.business_line,
    c.received,
    c.withdrawn,
    c.in_progress,
    c.closed,
    c.mediation_closed,
    c.mediation_success
FROM counts AS c
-- (period, office_code) is unique in int_year_offices: one office row per group
JOIN intermediate.int_year_offices AS o ON o.period = year(c.month_start)::VARCHAR AND o.office_code = c.office_code
