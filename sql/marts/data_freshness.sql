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
-- Rebuilt whole every run (it reads today's date), from the small intermediate.int_export_rows.
-- @zh 各县（市、区）各类数据的新鲜度：司法所与人员快照、案件、培训三类数据最近一次导出的日期、落后于最新导出的天数、距今天数，以及入库行数与被拒收行数；另有全市一行（3311）。
-- @column county_code: 县（市、区）代码，3311 为全市
-- @column county_name: 县（市、区）名称
-- @column source: 数据类别：offices 司法所与人员快照、cases 案件、training 培训
-- @column last_export_date: 本县该类数据最近一次导出的日期
-- @column newest_export_date: 该类数据全市最新的导出日期
-- @column days_behind_newest: 本县落后于全市最新导出的天数
-- @column days_since_export: 最近一次导出距数据构建日的天数
-- @column built_on: 数据构建日期（北京时间）
-- @column latest_rows: 最近一次导出入库的行数
-- @column latest_file_rejected_rows: 最新导出文件中被拒收的本县行数
-- @column rejected_rows: 该类数据历来被拒收的本县行数（每个文件行只计一次）
-- @test unique(county_code, source)
-- @test not_null(county_code, county_name, source, built_on, latest_rows, latest_file_rejected_rows, rejected_rows)
-- @test accepted_values(source: offices, cases, training)
-- @test expect(days_behind_newest IS NULL OR days_behind_newest >= 0)
-- @test expect(county_code = '3311' OR last_export_date IS NULL OR latest_rows > 0)
WITH export_rows AS (
    -- rows loaded and rejected per source, export date and county (each rejected file row once)
    FROM intermediate.int_export_rows
),
newest AS (
    -- the newest export of each source, counting files whose rows were all rejected too
    SELECT source, max(export_date) AS newest_export_date
    FROM export_rows
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
        (SELECT max(l.export_date) FROM export_rows AS l
         WHERE l.rows_loaded > 0 AND l.source = s.source AND (u.is_city OR l.county_code = u.county_code)) AS last_export_date
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
    coalesce((SELECT sum(l.rows_loaded) FROM export_rows AS l
     WHERE l.source = p.source AND l.export_date = p.last_export_date
       AND (p.is_city OR l.county_code = p.county_code)), 0)::INTEGER AS latest_rows,
    coalesce((SELECT sum(r.rows_rejected) FROM export_rows AS r
     WHERE r.source = p.source AND r.export_date = n.newest_export_date
       AND (p.is_city OR r.county_code = p.county_code)), 0)::INTEGER AS latest_file_rejected_rows,
    coalesce((SELECT sum(r.rows_rejected) FROM export_rows AS r
     WHERE r.source = p.source AND (p.is_city OR r.county_code = p.county_code)), 0)::INTEGER AS rejected_rows
FROM per_unit AS p
LEFT JOIN newest AS n USING (source)
