-- The years the warehouse reports on, one row per calendar year that has an office snapshot:
-- its snapshot S (the latest snapshot dated within the year) and the year's bounds.
-- Grain: period. Columns: period ('2025'), year, as_of (S's date), year_start, year_end.
-- @test unique(period)
-- @test not_null(period, year, as_of, year_start, year_end)
-- @test expect(as_of BETWEEN year_start AND year_end)
SELECT
    year(max(snapshot_date))::VARCHAR AS period,
    year(max(snapshot_date))::INTEGER AS year,
    max(snapshot_date) AS as_of,
    make_date(year(max(snapshot_date)), 1, 1) AS year_start,
    make_date(year(max(snapshot_date)), 12, 31) AS year_end
FROM core.office_snapshots
GROUP BY year(snapshot_date)
