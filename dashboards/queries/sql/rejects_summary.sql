-- Rejected rows counted for the 数据质量 page and GET /api/rejects: by county (NULL: rows of no
-- county, `unattributed`), reason and column, status, file and month, so that the page can show
-- what to fix and the filters can offer only values that exist. Counts only, no row content.
-- Params: $county (NULL: every county and the unattributed rows).
SELECT
    county_code,
    kind,
    reason_code,
    column_name,
    status,
    file_name,
    strftime(export_date, '%Y-%m-%d') AS export_date,
    strftime(month, '%Y-%m') AS month,
    count(*)::BIGINT AS rows
FROM audit.rejects
WHERE CAST($county AS VARCHAR) IS NULL OR county_code = CAST($county AS VARCHAR)
GROUP BY ALL
ORDER BY export_date DESC, file_name, reason_code, column_name
