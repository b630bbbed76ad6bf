-- The offices of each year's snapshot S, with the cluster each belongs to. cluster_code is the
-- key office that heads the office's cluster: a key office heads its own; an ordinary office
-- belongs to the key office named in cluster_key_office only when that is a key office of S in
-- the same county, otherwise to none (NULL). cluster_name is that key office's name + 片区.
-- recognised_plaques lists the plan's plaques the office carries, each once.
-- Grain: (period, office_code).
-- @test unique(period, office_code)
-- @test not_null(period, as_of, office_code, office_name, county_code, county_name, tier)
-- @test accepted_values(tier: key, ordinary)
-- @test relationships(period, cluster_code -> intermediate.int_year_offices(period, office_code))
-- @test expect(tier = 'ordinary' OR cluster_code = office_code)
-- @test expect((cluster_code IS NULL) = (cluster_name IS NULL))
WITH offices AS (
    SELECT y.period, y.as_of, o.*
    FROM intermediate.int_years AS y
    JOIN core.offices AS o ON o.snapshot_date = y.as_of
),
key_offices AS (
    SELECT period, office_code, county_code, office_name
    FROM offices
    WHERE tier = 'key'
)
SELECT
    o.period,
    o.as_of,
    o.office_code,
    o.office_name,
    o.county_code,
    c.county_name,
    o.township,
    o.tier,
    o.cluster_key_office,
    CASE o.tier WHEN 'key' THEN o.office_code WHEN 'ordinary' THEN k.office_code END AS cluster_code,
    CASE o.tier WHEN 'key' THEN o.office_name WHEN 'ordinary' THEN k.office_name END || '片区' AS cluster_name,
    o.plaques::VARCHAR[] AS plaques,
    -- the plan's plaques the office carries, each once (other items count for nothing)
    list_distinct(list_filter(
        list_transform(coalesce(o.plaques, []), p -> regexp_replace(p, '\s', '', 'g')),
        p -> list_contains(plan.plaques, p)
    )) AS recognised_plaques,
    o.smart_office,
    o.terminals::INTEGER AS terminals,
    o.large_villages::INTEGER AS large_villages,
    o.large_villages_with_terminal::INTEGER AS large_villages_with_terminal,
    o.director_attends_joint_meeting,
    o.director_attends_governance_meeting,
    o.director_in_leadership
FROM offices AS o
LEFT JOIN core.counties AS c ON c.county_code = o.county_code
LEFT JOIN key_offices AS k
    ON k.period = o.period
    AND k.office_code = o.cluster_key_office
    AND k.county_code = o.county_code
CROSS JOIN (SELECT list(item) AS plaques FROM mart.plan_categories WHERE kind = 'plaque') AS plan
