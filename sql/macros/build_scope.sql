-- What an incremental run rebuilds (pipelines/models/build-plan.ts sets the variables per model).
-- in_build_years(p): the period p is one the model is rebuilding now; always true in a full build
-- (build_years unset). Models use it only to narrow early: the runner filters their output to
-- those periods in any case, so a model that does not use it is still built right.
CREATE OR REPLACE TEMP MACRO in_build_years(p) AS
    getvariable('build_years') IS NULL OR list_contains(getvariable('build_years')::VARCHAR[], p::VARCHAR);

-- build_offices: the (period, office) partitions this run's new case versions touched, as
-- 'period/office_code' keys (sql/scope/touched_offices.sql; filled by the build plan).
CREATE TEMP TABLE IF NOT EXISTS build_offices (key VARCHAR, period VARCHAR, member VARCHAR);

-- build_people: the (period, person) partitions this run's new training versions touched, as
-- 'period/person_key' keys (sql/scope/touched_people.sql; filled by the build plan).
CREATE TEMP TABLE IF NOT EXISTS build_people (key VARCHAR, period VARCHAR, member VARCHAR);

-- in_build_offices(p, o): the (period, office) partition is one the model is rebuilding now —
-- a period rebuilt whole (build_whole_years), or a touched pair; always true when the model is
-- not being built by offices. Like in_build_years, only for narrowing early.
CREATE OR REPLACE TEMP MACRO in_build_offices(p, o) AS
    NOT coalesce(getvariable('build_by_offices'), false)
    OR list_contains(getvariable('build_whole_years')::VARCHAR[], p::VARCHAR)
    OR (p::VARCHAR || '/' || o) IN (SELECT key FROM build_offices);

-- build_by_keys(): the model is updated by the keys of this run's new versions (not rebuilt whole).
CREATE OR REPLACE TEMP MACRO build_by_keys() AS coalesce(getvariable('build_by_keys'), false);

-- build_delta(): the model is giving the signed change of its counts from the rows its
-- keys-built input replaced (−1) and added (+1) this run, not its rows (runner.ts, `@delta`).
CREATE OR REPLACE TEMP MACRO build_delta() AS coalesce(getvariable('build_delta'), false);

-- in_build_people(p, k): the (period, person) partition is one the model is rebuilding now — a
-- period rebuilt whole, or a touched pair; always true when the model is not being built by people.
CREATE OR REPLACE TEMP MACRO in_build_people(p, k) AS
    NOT coalesce(getvariable('build_by_people'), false)
    OR list_contains(getvariable('build_whole_years')::VARCHAR[], p::VARCHAR)
    OR (p::VARCHAR || '/' || k) IN (SELECT key FROM build_people);

-- build_indicators: the (period, indicator) partitions the model being built rebuilds, as
-- 'period/indicator_id' keys (the pairs of its changed inputs: filled by the runner per model).
CREATE TEMP TABLE IF NOT EXISTS build_indicators (key VARCHAR, period VARCHAR, member VARCHAR);

-- in_build_indicators(p, i): the (period, indicator) partition is one the model is rebuilding
-- now — a period rebuilt whole, or one of its pairs; always true when the model is not being
-- built by indicators. Only for narrowing early.
CREATE OR REPLACE TEMP MACRO in_build_indicators(p, i) AS
    NOT coalesce(getvariable('build_by_indicators'), false)
    OR list_contains(getvariable('build_whole_years')::VARCHAR[], p::VARCHAR)
    OR (p::VARCHAR || '/' || i) IN (SELECT key FROM build_indicators);
