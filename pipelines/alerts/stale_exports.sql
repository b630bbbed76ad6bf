-- Counties whose newest export of a kind is older than $days days, counted to $today (the run's
-- clock, as a date in Asia/Shanghai), not to the build date: after a failed run the published
-- marts are older than today.
-- The city row (3311) is the newest of all counties; a county with no export of a kind at all is
-- shown as missing on the 数据质量 page, not alerted as stale. Params: $days, $today (DATE).
SELECT
    county_code,
    county_name,
    source,
    strftime(last_export_date, '%Y-%m-%d') AS last_export_date,
    (CAST($today AS DATE) - last_export_date)::INTEGER AS days_since_export
FROM mart.data_freshness
WHERE county_code <> '3311'
  AND last_export_date IS NOT NULL
  AND (CAST($today AS DATE) - last_export_date) > $days
ORDER BY county_code, source
