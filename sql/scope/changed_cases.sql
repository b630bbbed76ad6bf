-- The cases this run's new versions change, read once by the build plan into the temp table
-- changed_cases, which the scope queries (touched_years.sql, touched_offices.sql) read before
-- core.cases takes the new versions: each new case version (side 'new') and the case's latest
-- version before this run (side 'before': a correction can move a case to another year or
-- office). A table, not a CTE of each scope query: as a CTE read twice, the planner misjudged
-- its size and hashed all of core.cases instead of the night's keys (national scale: 4 s for
-- the years, 2 s for the offices; 0.3 s now).
WITH new_cases AS MATERIALIZED (
    SELECT case_id, office_code, received_date, closed_date
    FROM core.case_versions
    WHERE run_id = getvariable('run_id')
)
SELECT 'new' AS side, case_id, office_code, received_date, closed_date FROM new_cases
UNION ALL
SELECT 'before', case_id, office_code, received_date, closed_date
FROM core.cases
WHERE case_id IN (SELECT case_id FROM new_cases)
