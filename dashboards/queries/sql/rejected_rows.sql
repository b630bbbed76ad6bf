-- Rejected rows of one run, without the raw row (it may hold names): file, sheet and row
-- number find the row in the sender's own file. Params: $run, $county (NULL: every county and
-- rows that name none).
SELECT
    run_id,
    file_name,
    sheet,
    row_number::BIGINT AS row_number,
    reason_code,
    message,
    county_code
FROM audit.rejected_rows
WHERE run_id = $run
  AND (CAST($county AS VARCHAR) IS NULL OR county_code = CAST($county AS VARCHAR))
ORDER BY file_name, sheet NULLS FIRST, row_number, reason_code
