-- The (period, office) partitions of the case models (`@partition_by period, office_code`) that
-- this run's new case versions can change, read before core.cases takes them: the received and
-- the closed year of every new version, each with its office, and the same of the case's latest
-- version before this run (changed_cases.sql: a correction can move a case to another year or
-- another office). A period a snapshot touched is rebuilt whole instead (build-plan.ts): its
-- offices changed.
WITH touched AS (
    SELECT year(received_date) AS y, office_code FROM changed_cases
    UNION ALL SELECT year(closed_date), office_code FROM changed_cases
)
SELECT DISTINCT y::VARCHAR AS period, office_code
FROM touched
WHERE y IS NOT NULL AND office_code IS NOT NULL
ORDER BY period, office_code
