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
WHERE rowid IN (
    -- the latest row of each key by its rowid: an aggregate, about half the work of sorting
    -- every version in a row_number() window
    SELECT arg_max(rowid, (export_date, load_seq, row_number))
    FROM core.case_versions
    GROUP BY case_id
)
