-- What an incremental run rebuilds (pipelines/models/build-plan.ts sets the variables per model).
-- in_build_years(p): the period p is one the model is rebuilding now; always true in a full build
-- (build_years unset). Models use it only to narrow early: the runner filters their output to
-- those periods in any case, so a model that does not use it is still built right.
CREATE OR REPLACE TEMP MACRO in_build_years(p) AS
    getvariable('build_years') IS NULL OR list_contains(getvariable('build_years')::VARCHAR[], p::VARCHAR);

-- build_by_keys(): the model is updated by the keys of this run's new versions (not rebuilt whole).
CREATE OR REPLACE TEMP MACRO build_by_keys() AS coalesce(getvariable('build_by_keys'), false);
