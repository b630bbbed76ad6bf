-- Every file one run saw and what became of it. Export files hold the whole city, so file rows
-- are not county data. Params: $run.
SELECT
    file_name,
    kind,
    strftime(export_date, '%Y-%m-%d') AS export_date,
    status,
    reason_code,
    message,
    rows_read::BIGINT AS rows_read,
    rows_loaded::BIGINT AS rows_loaded,
    rows_rejected::BIGINT AS rows_rejected
FROM audit.files
WHERE run_id = $run
ORDER BY file_name
