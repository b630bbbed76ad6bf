-- Latest version of every case: the row of the latest export date, then of the file loaded
-- later (load_seq), then the later row of the file. A rejected row is no version, so a case
-- whose later row was rejected keeps its last loaded version.
-- @materialized table
-- @test unique(case_id)
-- @test not_null(case_id, export_date, file_id, office_code, business_line, received_date, status)
-- @test accepted_values(status: 办理中, 已办结, 已撤回)
-- @test:warn relationships(office_code -> core.offices(office_code))
-- @test:warn expect(closed_date IS NULL OR closed_date >= received_date)
SELECT *
FROM core.case_versions
QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY export_date DESC, load_seq DESC, row_number DESC) = 1
