-- Lake: the latest version of every training record (core.training_records). The person is
-- the HMAC person_key only. Partitioned by the year the course started and the county of the
-- person's office in the latest staff snapshot before that day (else the earliest after it).
-- @partition_by year, county_code
WITH person_county AS (
    SELECT s.person_key, s.snapshot_date, o.county_code
    FROM core.staff AS s
    JOIN core.offices AS o ON o.office_code = s.office_code AND o.snapshot_date = s.snapshot_date
)
SELECT
    t.record_id, t.person_key, t.course, t.start_date, t.end_date, t.hours, t.mode,
    t.export_date, t.file_name, t.row_number, t.run_id,
    year(t.start_date)::INTEGER AS year,
    coalesce(
        (SELECT arg_max(p.county_code, p.snapshot_date) FROM person_county AS p WHERE p.person_key = t.person_key AND p.snapshot_date <= t.start_date),
        (SELECT arg_min(p.county_code, p.snapshot_date) FROM person_county AS p WHERE p.person_key = t.person_key),
        'unknown'
    ) AS county_code
FROM core.training_records AS t
