-- The newest published runs, newest first: the one query of audit.runs (the merged run history
-- of GET /api/runs and 数据质量, /api/health's last run, the latest run's rejects). Stages as
-- JSON text (seconds per stage). Params: $limit.
SELECT
    run_id,
    trigger,
    strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
    strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
    status,
    stages::VARCHAR AS stages,
    files_loaded::BIGINT AS files_loaded,
    rows_loaded::BIGINT AS rows_loaded,
    rows_rejected::BIGINT AS rows_rejected,
    message
FROM audit.runs
ORDER BY started_at DESC, run_id DESC
LIMIT $limit
