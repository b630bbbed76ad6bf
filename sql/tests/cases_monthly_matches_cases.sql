-- mart.cases_monthly, built night after night by (year, office) partitions, still counts what
-- core.cases holds: for each year and each office of the year's snapshot, the cases received in
-- the year and the 已办结 cases closed in it. A difference means a partition was missed (or the
-- table was changed by hand): the nightly run rebuilds every model whole and tests again.
-- @severity error
-- @on_fail rebuild
WITH per_office AS (
    -- one scan of core.cases, grouped small before the join to the offices of each year
    SELECT office_code, year(received_date) AS received_year,
        CASE WHEN status = '已办结' THEN year(closed_date) END AS closed_year, count(*) AS n
    FROM core.cases
    GROUP BY ALL
),
from_cases AS (
    SELECT received_year AS y, office_code, n AS received, 0 AS closed FROM per_office
    UNION ALL
    SELECT closed_year, office_code, 0, n FROM per_office WHERE closed_year IS NOT NULL
),
expected AS (
    SELECT o.period, o.office_code, sum(c.received) AS received, sum(c.closed) AS closed
    FROM from_cases AS c
    JOIN intermediate.int_year_offices AS o ON o.period = c.y::VARCHAR AND o.office_code = c.office_code
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
