-- How fresh each county's data is, per source (offices = the office/staff snapshot, cases,
-- training), for the 数据质量 page; plus a city row (county_code 3311) over all counties.
-- last_export_date: the newest export date of a file holding rows of that county (training
-- rows reach a county through the person's latest roster row). newest_export_date: the newest
-- export of that source for any county (rows loaded or rejected); days_behind_newest: how far this county lags it;
-- days_since_export: days from last_export_date to the build date (Asia/Shanghai).
-- latest_file_rejected_rows: rows of that county rejected from the source's newest export
-- files; rejected_rows: all rows of that county ever rejected from that source (each file row
-- once, however often it was loaded). City rows count every rejected row, county or none.
-- Grain: (county_code, source).
-- Columns: county_code, county_name, source, last_export_date, newest_export_date,
-- days_behind_newest, days_since_export, built_on, latest_rows, latest_file_rejected_rows,
-- rejected_rows.
-- @test unique(county_code, source)
-- @test not_null(county_code, county_name, source, built_on, latest_rows, latest_file_rejected_rows, rejected_rows)
-- @test accepted_values(source: offices, cases, training)
-- @test expect(days_behind_newest IS NULL OR days_behind_newest >= 0)
-- @test expect(county_code = '3311' OR last_export_date IS NULL OR latest_rows > 0)
WITH office_county AS (
    -- an office's county, as of the latest snapshot that lists it
    SELECT office_code, arg_max(county_code, snapshot_date) AS county_code
    FROM core.offices
    GROUP BY office_code
),
person_county AS (
    SELECT s.person_key, arg_max(o.county_code, s.snapshot_date) AS county_code
    FROM core.staff AS s
    JOIN core.offices AS o ON o.snapshot_date = s.snapshot_date AND o.office_code = s.office_code
    GROUP BY s.person_key
),
loaded_rows AS (
    -- loaded rows counted by source, export date and county
    SELECT source, export_date, county_code, count(*) AS rows
    FROM (
        SELECT 'offices' AS source, snapshot_date AS export_date, county_code FROM core.offices
        UNION ALL
        SELECT 'cases', v.export_date, oc.county_code
        FROM core.case_versions AS v LEFT JOIN office_county AS oc USING (office_code)
        UNION ALL
        SELECT 'training', v.export_date, pc.county_code
        FROM core.training_versions AS v LEFT JOIN person_county AS pc USING (person_key)
    )
    GROUP BY ALL
),
rejected AS (
    -- each rejected file row once (a file read again in a later run rejects the same rows);
    -- source and export date come from the file name, which the export contract fixes
    SELECT DISTINCT
        file_id,
        sheet,
        row_number,
        county_code,
        CASE lower(regexp_extract(file_name, '^([A-Za-z]+)_\d{8}\.', 1))
            WHEN 'offices' THEN 'offices'
            WHEN 'staff' THEN 'offices'
            WHEN 'cases' THEN 'cases'
            WHEN 'training' THEN 'training'
        END AS source,
        try_strptime(regexp_extract(file_name, '_(\d{8})\.', 1), '%Y%m%d')::DATE AS export_date
    FROM audit.rejected_rows
),
newest AS (
    -- the newest export of each source, counting files whose rows were all rejected too
    SELECT source, max(export_date) AS newest_export_date
    FROM (
        SELECT source, export_date FROM loaded_rows
        UNION ALL
        SELECT source, export_date FROM rejected
    )
    GROUP BY source
),
sources AS (
    SELECT unnest(['offices', 'cases', 'training']) AS source
),
units AS (
    SELECT county_code, county_name, false AS is_city FROM core.counties
    UNION ALL
    SELECT '3311', '丽水市', true
),
per_unit AS (
    SELECT
        u.county_code,
        u.county_name,
        u.is_city,
        s.source,
        (SELECT max(l.export_date) FROM loaded_rows AS l
         WHERE l.source = s.source AND (u.is_city OR l.county_code = u.county_code)) AS last_export_date
    FROM units AS u
    CROSS JOIN sources AS s
)
SELECT
    p.county_code,
    p.county_name,
    p.source,
    p.last_export_date,
    n.newest_export_date,
    (n.newest_export_date - p.last_export_date)::INTEGER AS days_behind_newest,
    ((now() AT TIME ZONE 'Asia/Shanghai')::DATE - p.last_export_date)::INTEGER AS days_since_export,
    (now() AT TIME ZONE 'Asia/Shanghai')::DATE AS built_on,
    coalesce((SELECT sum(l.rows) FROM loaded_rows AS l
     WHERE l.source = p.source AND l.export_date = p.last_export_date
       AND (p.is_city OR l.county_code = p.county_code)), 0)::INTEGER AS latest_rows,
    (SELECT count(*) FROM rejected AS r
     WHERE r.source = p.source AND r.export_date = n.newest_export_date
       AND (p.is_city OR r.county_code = p.county_code))::INTEGER AS latest_file_rejected_rows,
    (SELECT count(*) FROM rejected AS r
     WHERE r.source = p.source AND (p.is_city OR r.county_code = p.county_code))::INTEGER AS rejected_rows
FROM per_unit AS p
LEFT JOIN newest AS n USING (source)
