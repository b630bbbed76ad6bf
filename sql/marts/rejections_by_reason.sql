-- Rejected export rows counted by file, county and reason, for the 数据质量 page and for
-- analysts (who cannot reach audit.rejected_rows, which keeps the raw rows). Each file row is
-- counted once however often the file was read; source and export date come from the file
-- name. county_code is the county the row is attributed to (audit.rejected_rows), NULL for an
-- unattributed row. open_rows: those not yet corrected by a later file (audit.rejects). No raw
-- values, names or messages.
-- Grain: (file_name, sheet, county_code, reason_code).
-- Columns: source (offices, cases, training), export_date, file_name, sheet (NULL for CSV),
-- county_code, reason_code, rejected_rows, open_rows, last_run_id (the latest run that
-- rejected them).
-- Rebuilt whole every run: it counts every rejected row, not by year.
-- @zh 被拒收的导出行，按文件、县（市、区）和拒收原因计数，供数据质量页和分析使用；不含原始行内容、姓名或报错原文。
-- @column source: 数据类别：offices 司法所与人员快照、cases 案件、training 培训
-- @column export_date: 导出日期（取自文件名）
-- @column file_name: 导出文件名
-- @column sheet: 工作表名（CSV 文件为空）
-- @column county_code: 拒收行归属的县（市、区）代码（按司法所编码、编码前 6 位或所填县判断；无法归属的为空）
-- @column reason_code: 拒收原因代码（中文名称见数据质量页）
-- @column rejected_rows: 被拒收的行数
-- @column open_rows: 其中尚未被后续文件更正（待更正）的行数
-- @column last_run_id: 最近一次拒收这些行的刷新运行编号
-- @test unique(file_name, sheet, county_code, reason_code)
-- @test not_null(file_name, reason_code, rejected_rows, open_rows)
-- @test expect(open_rows <= rejected_rows)
-- @test accepted_values(source: offices, cases, training)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, bad_id_number, unknown_county, unknown_office, date_order, hours_out_of_range, duplicate_key)
-- @test relationships(county_code -> core.counties(county_code))
WITH file_rows AS (
    SELECT
        file_id,
        any_value(file_name) AS file_name,
        sheet,
        row_number,
        any_value(county_code) AS county_code,
        any_value(reason_code) AS reason_code,
        max(run_id) AS last_run_id
    FROM audit.rejected_rows
    GROUP BY file_id, sheet, row_number
),
open_rows AS (
    SELECT file_id, sheet, row_number FROM audit.rejects WHERE status = 'open'
)
SELECT
    CASE lower(regexp_extract(file_name, '^([A-Za-z]+)_\d{8}\.', 1))
        WHEN 'offices' THEN 'offices'
        WHEN 'staff' THEN 'offices'
        WHEN 'cases' THEN 'cases'
        WHEN 'training' THEN 'training'
    END AS source,
    try_strptime(regexp_extract(file_name, '_(\d{8})\.', 1), '%Y%m%d')::DATE AS export_date,
    file_name,
    f.sheet,
    county_code,
    reason_code,
    count(*)::INTEGER AS rejected_rows,
    count(o.file_id)::INTEGER AS open_rows,
    max(last_run_id) AS last_run_id
FROM file_rows AS f
LEFT JOIN open_rows AS o
  ON o.file_id = f.file_id AND o.sheet IS NOT DISTINCT FROM f.sheet AND o.row_number = f.row_number
GROUP BY ALL
