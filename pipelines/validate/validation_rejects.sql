-- 预检: the rows the load-phase models rejected from the one file checked, in the file's order
-- (sheet, then row number). Params: $limit.
SELECT kind, sheet, row_number, reason_code, column_name, message, county_code, raw::VARCHAR AS raw
FROM audit.rejected_rows
ORDER BY sheet NULLS FIRST, row_number
LIMIT $limit
