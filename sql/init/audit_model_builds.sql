-- How the build-phase models were built (pipelines/models/build-plan.ts). model_state: the hash
-- of each model's SQL as last built into this warehouse — a model whose SQL changed is rebuilt
-- whole, with everything downstream of it. model_builds: per published run and model, whether
-- it was rebuilt whole (full), by the keys of the run's new versions (keys) or by the periods
-- the run touched (partitions), which periods, which (period, office) pairs for the models
-- partitioned by office, how many (period, person) pairs for those partitioned by person, and why.
CREATE TABLE IF NOT EXISTS audit.model_state (
  relation VARCHAR NOT NULL,
  sql_hash VARCHAR NOT NULL,  -- sha256 hex of the model's SQL text
  run_id   VARCHAR NOT NULL   -- the run that last built it
);

CREATE TABLE IF NOT EXISTS audit.model_builds (
  run_id   VARCHAR NOT NULL,
  relation VARCHAR NOT NULL,
  mode     VARCHAR NOT NULL,  -- full / keys / partitions
  periods  VARCHAR[],         -- partitions: the periods deleted and re-inserted
  reason   VARCHAR NOT NULL   -- rebuild / new / sql_changed / upstream_changed / years_changed / not_partitioned / new_versions / touched
);

-- Models partitioned by office too: the 'period/office_code' pairs rebuilt besides the whole periods.
ALTER TABLE audit.model_builds ADD COLUMN IF NOT EXISTS offices VARCHAR[];

-- Models partitioned by person too: how many (period, person) pairs were rebuilt besides the
-- whole periods (a count: person keys stay out of the build record).
ALTER TABLE audit.model_builds ADD COLUMN IF NOT EXISTS people INTEGER;

-- Models partitioned by indicator too: the 'period/indicator_id' pairs rebuilt besides the whole periods.
ALTER TABLE audit.model_builds ADD COLUMN IF NOT EXISTS indicators VARCHAR[];
