-- Latest version of every case: the row of the latest export date, then of the file loaded
-- later (load_seq), then the later row of the file. A rejected row is no version, so a case
-- whose later row was rejected keeps its last loaded version.
-- An incremental run updates it by the keys of its new versions only (build_by_keys(): those
-- keys deleted, their latest version inserted); a rebuild or a change of this SQL rebuilds it whole.
-- @materialized incremental
-- @phase build
-- @unique_key case_id
-- @test unique(case_id)
-- @test not_null(case_id, export_date, file_id, office_code, business_line, received_date, status)
-- @test accepted_values(status: 办理中, 已办结, 已撤回)
-- @test:warn relationships(office_code -> core.offices(office_code))
-- @test:warn expect(closed_date IS NULL OR closed_date >= received_date)
SELECT *
FROM core.case_versions
WHERE rowid IN (
    -- the latest row of each key by its rowid: an aggregate, about half the work of sorting
    -- every version in a row_number() window. The order (export_date, load_seq, row_number) as
    -- one HUGEINT: days × 2^96 + load_seq × 2^32 + row_number orders exactly as the three do
    -- (a BIGINT and an INTEGER below it), and is compared far faster than a STRUCT.
    SELECT arg_max(rowid, (date_diff('day', DATE '1970-01-01', export_date)::HUGEINT * 18446744073709551616 + load_seq) * 4294967296 + row_number)
    FROM core.case_versions
    WHERE NOT build_by_keys()
       OR case_id IN (SELECT case_id FROM core.case_versions WHERE run_id = getvariable('run_id'))
    GROUP BY case_id
)
