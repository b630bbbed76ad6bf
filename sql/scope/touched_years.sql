-- The periods (calendar years) whose per-year marts this run's new data can change, with what
-- touched them, read before core.cases and core.training_records take the new versions:
--   cases     the received and closed years of every new case version, and of the case's
--             latest version before this run (changed_cases.sql: a correction can move a case
--             to another year);
--   training  every year a new training version's [start_date, end_date] spans, and the years
--             of the record's latest version before this run;
--   snapshot  the year of every office/staff snapshot this run loaded (new or re-exported).
-- new_year is true when a snapshot year is not yet a reported year (intermediate.int_years): the set
-- of years changes, and the build plan rebuilds every partitioned mart whole.
WITH new_training AS (
    SELECT record_id, start_date, end_date FROM core.training_versions WHERE run_id = getvariable('run_id')
),
touched AS (
    SELECT year(received_date) AS y, 'cases' AS source FROM changed_cases
    UNION ALL SELECT year(closed_date), 'cases' FROM changed_cases
    UNION ALL SELECT unnest(range(year(start_date), year(end_date) + 1)), 'training' FROM new_training
    UNION ALL
    SELECT unnest(range(year(r.start_date), year(r.end_date) + 1)), 'training'
    FROM core.training_records AS r SEMI JOIN new_training AS n ON n.record_id = r.record_id
    UNION ALL
    SELECT year(snapshot_date), 'snapshot' FROM core.office_snapshots WHERE run_id = getvariable('run_id')
)
SELECT
    y::VARCHAR AS period,
    list(DISTINCT source ORDER BY source) AS sources,
    bool_or(source = 'snapshot' AND y::VARCHAR NOT IN (SELECT period FROM intermediate.int_years)) AS new_year
FROM touched
WHERE y IS NOT NULL
GROUP BY y
ORDER BY y
