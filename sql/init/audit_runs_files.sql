-- Run history, written by the refresh (pipelines/run/): one row per published run, one per file
-- each run saw, and the data test results of the run. Failed runs are never published, so they
-- appear here only through the run journal (docs/architecture.md).
CREATE TABLE IF NOT EXISTS audit.runs (
  run_id        VARCHAR NOT NULL,
  trigger       VARCHAR NOT NULL,   -- cli / schedule / api / rebuild
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  status        VARCHAR NOT NULL,   -- success / partial / failed
  stages        JSON,               -- {"stage": seconds, ...} in run order
  files_loaded  INTEGER,
  rows_loaded   BIGINT,
  rows_rejected BIGINT,
  message       VARCHAR
);

CREATE TABLE IF NOT EXISTS audit.files (
  run_id             VARCHAR NOT NULL,
  file_id            VARCHAR NOT NULL,  -- sha256 hex of the bytes
  file_name          VARCHAR NOT NULL,
  kind               VARCHAR,           -- office_workbook / offices_csv / staff_csv / cases / training; NULL when unknown
  export_date        DATE,
  source             VARCHAR,           -- inbox, or the URL it was pulled from
  encoding           VARCHAR,           -- utf-8 / utf-8-bom / gb18030 for CSV; NULL for workbooks
  bytes              BIGINT,
  status             VARCHAR NOT NULL,  -- loaded / rejected / unknown / skipped
  reason_code        VARCHAR,           -- why rejected, unknown or skipped
  message            VARCHAR,           -- Chinese, for the people who send the file
  rows_read          BIGINT,
  rows_loaded        BIGINT,
  rows_rejected      BIGINT,
  rejected_by_reason JSON,
  seconds            DOUBLE,
  archived_as        VARCHAR,           -- path under the archive folder, when archived
  load_seq           BIGINT             -- for loaded files: their place in the warehouse's loading order
);

CREATE TABLE IF NOT EXISTS audit.data_test_results (
  run_id   VARCHAR NOT NULL,
  name     VARCHAR NOT NULL,
  subject  VARCHAR,
  severity VARCHAR NOT NULL,  -- error / warn
  status   VARCHAR NOT NULL,  -- pass / fail / error
  failures BIGINT,
  message  VARCHAR
);
