-- mart.cases_monthly, built night after night by (year, office) partitions, still counts what
-- core.cases holds: for each year and each office of the year's snapshot, the cases received in
-- the year and the 已办结 cases closed in it. A difference means a partition was missed (or the
-- table was changed by hand): the nightly run rebuilds every model whole and tests again.
-- @severity error
-- @on_fail rebuild
WITH from_cases AS (
    SELECT o.period, o.office_code, count(*) AS received, 0 AS closed
    FROM core.cases AS c
    JOIN intermediate.int_year_offices AS o ON o.period = year(c.received_date)::VARCHAR AND o.office_code = c.office_code
    GROUP BY ALL
    UNION ALL
    SELECT o.period, o.office_code, 0, count(*)
    FROM core.cases AS c
    JOIN intermediate.int_year_offices AS o ON o.period = year(c.closed_date)::VARCHAR AND o.office_code = c.office_code
    WHERE c.status = '已办结' AND c.closed_date IS NOT NULL
    GROUP BY ALL
),
expected AS (
    SELECT period, office_code, sum(received) AS received, sum(closed) AS closed
    FROM from_cases
    GROUP BY ALL
),
monthly AS (
    SELECT period, office_code, sum(received) AS received, sum(closed) AS closed
    FROM mart.cases_monthly
    GROUP BY ALL
)
SELECT
    coalesce(e.period, m.period) AS period,
    coalesce(e.office_code, m.office_code) AS office_code,
    e.received AS cases_received, m.received AS monthly_received,
    e.closed AS cases_closed, m.closed AS monthly_closed
FROM expected AS e
FULL JOIN monthly AS m ON m.period = e.period AND m.office_code = e.office_code
WHERE e.received IS DISTINCT FROM m.received OR e.closed IS DISTINCT FROM m.closed
