-- One page of rejected rows of every run (audit.rejects), newest file first (export date, then
-- the loading order), then sheet and row number; `total` counts every row the filters match.
-- Params: $county (a county code; NULL: no county filter), $unattributed (true: only rows of no
-- county), $file, $reason, $status ('open', 'corrected'; NULL: both), $run (the run that last
-- read the row's file), $month (first day of the export date's month), $limit, $offset.
SELECT
    run_id,
    file_name,
    sheet,
    row_number::BIGINT AS row_number,
    kind,
    strftime(export_date, '%Y-%m-%d') AS export_date,
    strftime(month, '%Y-%m') AS month,
    r.county_code,
    c.county_name,
    county_basis,
    reason_code,
    column_name,
    message,
    raw::VARCHAR AS raw,
    status,
    corrected_by,
    strftime(corrected_export_date, '%Y-%m-%d') AS corrected_export_date,
    count(*) OVER ()::BIGINT AS total
FROM audit.rejects AS r
LEFT JOIN core.counties AS c ON c.county_code = r.county_code
WHERE (CAST($county AS VARCHAR) IS NULL OR r.county_code = CAST($county AS VARCHAR))
  AND (NOT CAST($unattributed AS BOOLEAN) OR r.county_code IS NULL)
  AND (CAST($file AS VARCHAR) IS NULL OR file_name = CAST($file AS VARCHAR))
  AND (CAST($reason AS VARCHAR) IS NULL OR reason_code = CAST($reason AS VARCHAR))
  AND (CAST($status AS VARCHAR) IS NULL OR status = CAST($status AS VARCHAR))
  AND (CAST($run AS VARCHAR) IS NULL OR run_id = CAST($run AS VARCHAR))
  AND (CAST($month AS DATE) IS NULL OR month = CAST($month AS DATE))
ORDER BY export_date DESC, load_seq DESC, file_name, sheet NULLS FIRST, row_number
LIMIT $limit OFFSET $offset
