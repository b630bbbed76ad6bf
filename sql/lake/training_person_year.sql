-- Lake: training days and hours per person and year against 12 days / 90 hours
-- (mart.training_person_year); the person is the HMAC person_key.
-- @partition_by year, county_code
SELECT
    period, as_of, person_key, office_code, cluster_code, role, days, hours, required_days,
    required_hours, meets_days, meets_hours, complies, in_denominator,
    period::INTEGER AS year,
    coalesce(county_code, 'unknown') AS county_code
FROM mart.training_person_year
