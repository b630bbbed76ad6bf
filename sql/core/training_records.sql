-- Latest version of every training record: the row of the latest export date, then of the file
-- loaded later (load_seq), then the later row of the file. A rejected row is no version.
-- An incremental run updates it by the keys of its new versions only (build_by_keys(): those
-- keys deleted, their latest version inserted); a rebuild or a change of this SQL rebuilds it whole.
-- @materialized incremental
-- @phase build
-- @unique_key record_id
-- @test unique(record_id)
-- @test not_null(record_id, export_date, file_id, person_key, course, start_date, end_date, hours)
-- @test accepted_values(mode: 线上, 线下)
SELECT *
FROM core.training_versions
WHERE rowid IN (
    -- the latest row of each key by its rowid: an aggregate, about half the work of sorting
    -- every version in a row_number() window
    SELECT arg_max(rowid, (export_date, load_seq, row_number))
    FROM core.training_versions
    WHERE NOT build_by_keys()
       OR record_id IN (SELECT record_id FROM core.training_versions WHERE run_id = getvariable('run_id'))
    GROUP BY record_id
)
