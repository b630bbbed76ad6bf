-- One row per office snapshot (the as-of date of an offices_<date> export): the files it came
-- from and the run that loaded it. A re-exported snapshot of the same date replaces the earlier
-- one (with core.offices and core.staff). A snapshot exists when its batch landed any row.
-- @rows_from staging.stg_offices, staging.stg_staff
-- @materialized incremental
-- @unique_key snapshot_date
-- @test unique(snapshot_date)
-- @test not_null(snapshot_date, file_names)
SELECT
    export_date AS snapshot_date,
    list(DISTINCT file_name ORDER BY file_name) AS file_names,
    getvariable('run_id')::VARCHAR AS run_id
FROM (
    SELECT export_date, file_name FROM staging.stg_offices
    UNION ALL
    SELECT export_date, file_name FROM staging.stg_staff
)
GROUP BY export_date
