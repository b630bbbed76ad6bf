-- The (period, person) partitions of the training models (`@partition_by period, person_key`)
-- that this run's new training versions can change, read before core.training_records takes
-- them: every year the [start_date, end_date] of a new version spans, with its person, and the
-- same of the record's latest version before this run (a correction can move a record to
-- another person or year). A period a snapshot touched is rebuilt whole instead (build-plan.ts):
-- its rosters changed.
WITH new_training AS (
    SELECT record_id, person_key, start_date, end_date
    FROM core.training_versions
    WHERE run_id = getvariable('run_id')
),
touched AS (
    SELECT person_key, start_date, end_date FROM new_training
    UNION ALL
    SELECT r.person_key, r.start_date, r.end_date
    FROM core.training_records AS r
    SEMI JOIN new_training AS n ON n.record_id = r.record_id
),
years AS (
    SELECT unnest(range(year(start_date), year(end_date) + 1)) AS y, person_key
    FROM touched
    WHERE person_key IS NOT NULL AND start_date IS NOT NULL AND end_date IS NOT NULL
)
SELECT DISTINCT y::VARCHAR AS period, person_key
FROM years
ORDER BY period, person_key
