-- Which exports each county sent, per source and export date: rows loaded and rows rejected
-- (attributed to the county as audit.rejected_rows attributes them) of the files of that date.
-- The 数据质量 page and the overview read it for submission freshness (newest export, days since,
-- on-time rate against the monthly deadline; dashboards/queries/sql/submission_freshness.sql),
-- counted to a date the reader passes in, so nothing here depends on the day it was built.
-- Sources: offices (the 司法所 and 人员 sheets of a snapshot), cases, training (a training row
-- reaches a county through the person's latest roster row). No raw values or names. The counts
-- are intermediate.int_export_rows's (kept by its change each night).
-- Grain: (county_code, source, export_date).
-- Columns: county_code, source, export_date, rows_loaded, rows_rejected.
-- @zh 各县（市、区）按数据类别和导出日期报送的情况：该日期导出文件中属于本县的入库行数和被拒收行数；用于数据质量页和总览的报送及时性（最新导出日期、距今天数、按期报送率）。
-- @column county_code: 县（市、区）代码
-- @column source: 数据类别：offices 司法所与人员快照、cases 案件、training 培训
-- @column export_date: 导出日期（取自文件名）
-- @column rows_loaded: 该导出中属于本县并已入库的行数
-- @column rows_rejected: 该导出中归属本县但被拒收的行数
-- @test unique(county_code, source, export_date)
-- @test not_null(county_code, source, export_date, rows_loaded, rows_rejected)
-- @test accepted_values(source: offices, cases, training)
-- @test relationships(county_code -> core.counties(county_code))
-- @test expect(rows_loaded + rows_rejected > 0)
SELECT county_code, source, export_date, rows_loaded, rows_rejected
FROM intermediate.int_export_rows
WHERE county_code IS NOT NULL AND export_date IS NOT NULL
