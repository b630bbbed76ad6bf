-- Rows of each export, per source, export date and county: rows loaded (a snapshot's 司法所 rows,
-- a case or training version) and rows rejected (audit.rejects, each file row once; staff rows
-- count for the offices source). A case row reaches a county through its office's latest
-- snapshot row, a training row through the person's latest roster row; county_code is NULL
-- for a row of no known county (the city counts it). The counts data_freshness and
-- export_submissions read, so that neither scans every version.
-- Grain: (source, export_date, county_code); a row only while a count is above 0.
-- Additive, so a night without a snapshot adds its change (@delta): the case and training
-- versions it appended (run_id), the rejects its keys build added (+1) and replaced (−1). A
-- night that loads a snapshot, or reads a file again, rebuilds it whole.
-- @delta source, export_date, county_code
-- @delta_sum rows_loaded, rows_rejected
-- @test unique(source, export_date, county_code)
-- @test not_null(source, rows_loaded, rows_rejected)
-- @test accepted_values(source: offices, cases, training)
-- @test expect(rows_loaded >= 0 AND rows_rejected >= 0 AND rows_loaded + rows_rejected > 0)
WITH rows_of AS (
    SELECT 'offices' AS source, snapshot_date AS export_date, county_code, 1 AS loaded, 0 AS rejected
    FROM core.offices
    WHERE NOT build_delta()
    UNION ALL
    SELECT 'cases', v.export_date, oc.county_code, 1, 0
    FROM core.case_versions AS v LEFT JOIN intermediate.int_office_county AS oc USING (office_code)
    WHERE NOT build_delta() OR v.run_id = getvariable('run_id')
    UNION ALL
    SELECT 'training', v.export_date, pc.county_code, 1, 0
    FROM core.training_versions AS v LEFT JOIN intermediate.int_person_county AS pc USING (person_key)
    WHERE NOT build_delta() OR v.run_id = getvariable('run_id')
    UNION ALL
    -- written out, not hidden in a macro: the build plan reads a model's inputs from its SQL
    SELECT kind, export_date, county_code, 0, 1 FROM audit.rejects WHERE NOT build_delta()
    UNION ALL
    SELECT kind, export_date, county_code, 0, -1 FROM audit_rejects_replaced WHERE build_delta()
    UNION ALL
    SELECT kind, export_date, county_code, 0, 1 FROM audit_rejects_added WHERE build_delta()
)
SELECT
    CASE source WHEN 'staff' THEN 'offices' ELSE source END AS source,
    export_date,
    county_code,
    sum(loaded)::INTEGER AS rows_loaded,
    sum(rejected)::INTEGER AS rows_rejected
FROM rows_of
GROUP BY ALL
-- a full build keeps a row only while a count is above 0, as a delta night does
HAVING sum(loaded) <> 0 OR sum(rejected) <> 0
