-- Submission freshness per county and source (offices, cases, training) for the 数据质量 page and
-- the overview: the newest export date holding rows of the county, days since it to $today, and
-- the on-time record over the last 12 months whose deadline has passed. Month M is due by day
-- $deadline_day of month M+1 and counts as on time when an export of that source holding rows of
-- the county is dated from the last day of M to that deadline (both included). Months before the
-- source's first export anywhere are not counted (nothing was being sent yet).
-- Params: $today (DATE, the caller's clock), $deadline_day (1-28), $county (NULL: all counties).
WITH params AS (
    SELECT CAST($today AS DATE) AS today, CAST($deadline_day AS INTEGER) AS deadline_day
),
counties AS (
    SELECT county_code, county_name
    FROM core.counties
    WHERE CAST($county AS VARCHAR) IS NULL OR county_code = CAST($county AS VARCHAR)
),
sources AS (
    SELECT * FROM (VALUES ('offices', 1), ('cases', 2), ('training', 3)) AS s(source, source_order)
),
submissions AS (
    SELECT county_code, source, export_date
    FROM mart.export_submissions, params
    WHERE export_date <= today
),
first_months AS (
    SELECT source, date_trunc('month', min(export_date))::DATE AS first_month
    FROM submissions
    GROUP BY source
),
months AS (
    SELECT
        m::DATE AS month,
        (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end,
        (m + INTERVAL 1 MONTH + (p.deadline_day - 1) * INTERVAL 1 DAY)::DATE AS deadline
    FROM params AS p,
         range(date_trunc('month', p.today) - INTERVAL 14 MONTH, date_trunc('month', p.today)::TIMESTAMP, INTERVAL 1 MONTH) AS t(m)
),
due AS (
    SELECT month, month_end, deadline
    FROM months, params
    WHERE deadline < today
    QUALIFY row_number() OVER (ORDER BY month DESC) <= 12
),
due_by_source AS (
    SELECT s.source, d.month, d.month_end, d.deadline
    FROM sources AS s
    JOIN first_months AS f USING (source)
    JOIN due AS d ON d.month >= f.first_month
),
record AS (
    SELECT
        c.county_code,
        d.source,
        count(*) AS months_due,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM submissions AS x
            WHERE x.county_code = c.county_code AND x.source = d.source
              AND x.export_date BETWEEN d.month_end AND d.deadline
        )) AS months_on_time
    FROM counties AS c
    CROSS JOIN due_by_source AS d
    GROUP BY ALL
),
newest AS (
    SELECT county_code, source, max(export_date) AS newest_export_date
    FROM submissions
    GROUP BY ALL
)
SELECT
    c.county_code,
    c.county_name,
    s.source,
    strftime(n.newest_export_date, '%Y-%m-%d') AS newest_export_date,
    (p.today - n.newest_export_date)::INTEGER AS days_since,
    coalesce(r.months_due, 0)::INTEGER AS months_due,
    coalesce(r.months_on_time, 0)::INTEGER AS months_on_time
FROM counties AS c
CROSS JOIN sources AS s
CROSS JOIN params AS p
LEFT JOIN newest AS n ON n.county_code = c.county_code AND n.source = s.source
LEFT JOIN record AS r ON r.county_code = c.county_code AND r.source = s.source
ORDER BY c.county_code, s.source_order
