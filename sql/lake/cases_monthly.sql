-- Lake: cases per month, office and business line (mart.cases_monthly).
-- @partition_by year, county_code
SELECT
    period, month, office_code, cluster_code, business_line, received, withdrawn, in_progress,
    closed, mediation_closed, mediation_success,
    period::INTEGER AS year,
    coalesce(county_code, 'unknown') AS county_code
FROM mart.cases_monthly
