-- Lake: every staff snapshot (core.staff) WITHOUT the name and the masked ID number: the person
-- is the HMAC person_key only. Partitioned by the snapshot's year and the office's county.
-- @partition_by year, county_code
SELECT
    s.snapshot_date, s.person_key, s.office_code, s.role, s.staffing_type, s.posts,
    s.legal_background, s.legal_qualification, s.enforcement_certificate, s.public_lawyer,
    s.start_date, s.end_date,
    year(s.snapshot_date)::INTEGER AS year,
    coalesce(o.county_code, 'unknown') AS county_code
FROM core.staff AS s
LEFT JOIN core.offices AS o ON o.office_code = s.office_code AND o.snapshot_date = s.snapshot_date
