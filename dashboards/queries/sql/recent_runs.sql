-- The latest published refresh runs, newest first, for the 数据质量 page and /api/health.
-- Params: $limit.
SELECT
    run_id,
    trigger,
    strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS started_at,
    strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS finished_at,
    epoch(finished_at) - epoch(started_at) AS seconds,
    status,
    files_loaded::BIGINT AS files_loaded,
    rows_loaded::BIGINT AS rows_loaded,
    rows_rejected::BIGINT AS rows_rejected,
    message
FROM audit.runs
ORDER BY started_at DESC, run_id DESC
LIMIT $limit
