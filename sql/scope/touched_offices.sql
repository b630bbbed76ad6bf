-- The (period, office) partitions of the case models (`@partition_by period, office_code`) that
-- this run's new case versions can change, read before core.cases takes them: the received and
-- the closed year of every new version, each with its office, and the same of the case's latest
-- version before this run (a correction can move a case to another year or another office).
-- A period a snapshot touched is rebuilt whole instead (build-plan.ts): its offices changed.
WITH new_cases AS (
    SELECT case_id, office_code, received_date, closed_date
    FROM core.case_versions
    WHERE run_id = getvariable('run_id')
),
before AS (
    SELECT c.case_id, c.office_code, c.received_date, c.closed_date
    FROM core.cases AS c
    SEMI JOIN new_cases AS n ON n.case_id = c.case_id
),
touched AS (
    SELECT year(received_date) AS y, office_code FROM new_cases
    UNION SELECT year(closed_date), office_code FROM new_cases
    UNION SELECT year(received_date), office_code FROM before
    UNION SELECT year(closed_date), office_code FROM before
)
SELECT DISTINCT y::VARCHAR AS period, office_code
FROM touched
WHERE y IS NOT NULL AND office_code IS NOT NULL
ORDER BY period, office_code
