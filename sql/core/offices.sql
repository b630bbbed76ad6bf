-- Every office of every snapshot: the loaded rows of staging.stg_offices. Codes upper case; tier
-- key/ordinary; cluster_key_office as given for an ordinary office, NULL for a key office (it
-- heads its own cluster); plaques every item of the cell; NULL flags and counts are unknown.
-- A re-exported snapshot of the same date replaces the earlier one.
-- @rows_from staging.stg_offices
-- @materialized incremental
-- @unique_key snapshot_date
-- @test unique(snapshot_date, office_code)
-- @test not_null(snapshot_date, office_code, office_name, county_code, tier, file_name, row_number)
-- @test accepted_values(tier: key, ordinary)
-- @test relationships(snapshot_date -> core.office_snapshots(snapshot_date))
-- @test relationships(county_code -> core.counties(county_code))
-- @test expect(tier = 'ordinary' OR cluster_key_office IS NULL)
-- @test expect(coalesce(large_villages_with_terminal, 0) <= coalesce(large_villages, 0))
-- @test expect(coalesce(terminals, 0) >= 0 AND coalesce(large_villages, 0) >= 0 AND coalesce(large_villages_with_terminal, 0) >= 0)
-- @test:warn relationships(snapshot_date, cluster_key_office -> core.offices(snapshot_date, office_code))
SELECT
    export_date AS snapshot_date,
    office_code,
    office_name,
    county_code,
    township,
    tier,
    cluster_key_office,
    plaques,
    smart_office,
    terminals,
    large_villages,
    large_villages_with_terminal,
    director_attends_joint_meeting,
    director_attends_governance_meeting,
    director_in_leadership,
    file_name,
    sheet,
    row_number
FROM staging.stg_offices
WHERE reason_code IS NULL
