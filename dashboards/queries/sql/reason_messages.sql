-- The most frequent Chinese messages of each reason code, as examples on the 数据质量 page.
-- Params: $county (NULL: all rows).
SELECT reason_code, message, count(*)::BIGINT AS rows
FROM audit.rejected_rows
WHERE CAST($county AS VARCHAR) IS NULL OR county_code = CAST($county AS VARCHAR)
GROUP BY reason_code, message
QUALIFY row_number() OVER (PARTITION BY reason_code ORDER BY count(*) DESC, message) <= 3
ORDER BY reason_code, rows DESC, message
