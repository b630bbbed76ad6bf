-- Lake: the units of every year (mart.units): city, counties, clusters and offices.
-- @partition_by year, county_code
SELECT
    period, grain, unit_code, unit_name, county_name, cluster_code, cluster_name, tier,
    office_count, as_of,
    period::INTEGER AS year,
    CASE WHEN grain = 'city' THEN '331100' ELSE coalesce(county_code, 'unknown') END AS county_code
FROM mart.units
