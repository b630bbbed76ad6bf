-- Lake: every office snapshot (core.offices). Partitioned by the snapshot's year and county.
-- @partition_by year, county_code
SELECT
    snapshot_date, office_code, office_name, township, tier, cluster_key_office, plaques,
    smart_office, terminals, large_villages, large_villages_with_terminal,
    director_attends_joint_meeting, director_attends_governance_meeting, director_in_leadership,
    file_name, row_number,
    year(snapshot_date)::INTEGER AS year,
    county_code
FROM core.offices
