-- Training days and hours of every person in every reported year, over the latest version of
-- each training record. days: distinct calendar days of the year covered by at least one
-- record's [start_date, end_date] (both ends included, overlaps counted once; a record that
-- crosses New Year is cut at the year's bounds). hours: the sum of hours of the records whose
-- start_date falls in the year (summed as decimals so 30.1 + 59.9 is exactly 90).
-- People who are on no roster are kept here; the indicators only count those of S.
-- Grain: (period, person_key).
-- Per (year, person): an incremental run re-inserts only the (period, person) pairs its new
-- training versions touched (sql/scope/touched_people.sql), and whole the years a new snapshot
-- touched: a night's training touches a few of the people, not the year.
-- @partition_by period, person_key
-- @test unique(period, person_key)
-- @test not_null(period, person_key, days, hours)
-- @test expect(days BETWEEN 0 AND 366 AND hours >= 0)
WITH clipped AS (
    -- each record's part inside each year it touches
    SELECT
        y.period,
        r.person_key,
        greatest(r.start_date, y.year_start) AS day_from,
        least(r.end_date, y.year_end) AS day_to
    FROM core.training_records AS r
    JOIN intermediate.int_years AS y ON r.start_date <= y.year_end AND r.end_date >= y.year_start
    -- only the (year, person) partitions being rebuilt (all in a full build)
    WHERE r.person_key IS NOT NULL AND in_build_years(y.period) AND in_build_people(y.period, r.person_key)
),
flagged AS (
    -- a record opens a new run of covered days when it starts after every earlier record ended
    SELECT
        *,
        coalesce(day_from > max(day_to) OVER (
            PARTITION BY period, person_key ORDER BY day_from, day_to
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), true) AS opens_run
    FROM clipped
),
runs AS (
    SELECT
        period,
        person_key,
        sum(opens_run::INTEGER) OVER (
            PARTITION BY period, person_key ORDER BY day_from, day_to
            ROWS UNBOUNDED PRECEDING
        ) AS run_id,
        day_from,
        day_to
    FROM flagged
),
days AS (
    SELECT period, person_key, sum(run_days)::INTEGER AS days
    FROM (
        SELECT period, person_key, run_id, max(day_to) - min(day_from) + 1 AS run_days
        FROM runs
        GROUP BY ALL
    )
    GROUP BY ALL
),
hours AS (
    SELECT y.period, r.person_key, sum(round(r.hours, 6)::DECIMAL(38, 6))::DOUBLE AS hours
    FROM core.training_records AS r
    JOIN intermediate.int_years AS y ON r.start_date BETWEEN y.year_start AND y.year_end
    WHERE r.person_key IS NOT NULL AND in_build_years(y.period) AND in_build_people(y.period, r.person_key)
    GROUP BY ALL
)
SELECT
    coalesce(d.period, h.period) AS period,
    coalesce(d.person_key, h.person_key) AS person_key,
    coalesce(d.days, 0) AS days,
    coalesce(h.hours, 0) AS hours
FROM days AS d
FULL JOIN hours AS h ON h.period = d.period AND h.person_key = d.person_key
