-- Every file of the newest $limit published runs, with rows loaded and rejected by reason
-- (rejected_by_reason as JSON text). Params: $limit.
WITH recent AS (
    SELECT run_id FROM audit.runs ORDER BY started_at DESC, run_id DESC LIMIT $limit
)
SELECT
    f.run_id,
    f.file_name,
    f.kind,
    strftime(f.export_date, '%Y-%m-%d') AS export_date,
    f.status,
    f.reason_code,
    f.message,
    f.rows_read::BIGINT AS rows_read,
    f.rows_loaded::BIGINT AS rows_loaded,
    f.rows_rejected::BIGINT AS rows_rejected,
    f.rejected_by_reason::VARCHAR AS rejected_by_reason
FROM audit.files AS f
JOIN recent USING (run_id)
ORDER BY f.run_id, f.file_name
