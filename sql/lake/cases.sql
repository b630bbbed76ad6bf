-- Lake: the latest version of every case (core.cases), for engines without DuckDB.
-- Partitioned by the year the case was received and the county of its office.
-- `parties` is a count of parties, not their names; no personal data leaves here.
-- @partition_by year, county_code
SELECT
    c.case_id, c.office_code, c.business_line, c.received_date, c.closed_date, c.status,
    c.outcome, c.amount, c.parties, c.export_date, c.file_name, c.row_number, c.run_id,
    year(c.received_date)::INTEGER AS year,
    coalesce(o.county_code, 'unknown') AS county_code
FROM core.cases AS c
LEFT JOIN intermediate.int_office_county AS o USING (office_code)
