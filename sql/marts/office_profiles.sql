-- The profile of every office of every year's snapshot S, for the office page: tier, cluster,
-- plaques, 智慧司法所, terminals, villages, the director's duties and qualifications, and
-- staff counts. The director is described by flags and staffing type only: no name, no ID
-- number, no person key. has_director is false when no active 所长 is on the roster (vacant).
-- Grain: (period, office_code).
-- Columns: period, as_of, office_code, office_name, county_code, county_name, township, tier,
-- cluster_code, cluster_name, plaques (every item as given), recognised_plaques (the plan's
-- three), smart_office, terminals, large_villages, large_villages_with_terminal,
-- director_attends_joint_meeting, director_attends_governance_meeting, director_in_leadership,
-- has_director, director_staffing_type, director_legal_background, director_legal_qualification,
-- director_enforcement_certificate, director_public_lawyer, active_staff, public_lawyers,
-- legal_qualified_staff, plan_posts_held (distinct of the six posts held by active staff).
-- @test unique(period, office_code)
-- @test not_null(period, as_of, office_code, office_name, county_code, tier, recognised_plaques, has_director, active_staff, public_lawyers, legal_qualified_staff, plan_posts_held)
-- @test relationships(period, office_code -> mart.units(period, unit_code))
-- @test accepted_values(tier: key, ordinary)
-- @test expect(plan_posts_held BETWEEN 0 AND 6)
WITH staff AS (
    SELECT
        period,
        office_code,
        count(*) AS active_staff,
        count(*) FILTER (WHERE public_lawyer IS TRUE) AS public_lawyers,
        count(*) FILTER (WHERE legal_qualification IS TRUE) AS legal_qualified_staff,
        len(list_distinct(flatten(list(plan_posts)))) AS plan_posts_held
    FROM intermediate.int_active_staff
    GROUP BY period, office_code
)
SELECT
    o.period,
    o.as_of,
    o.office_code,
    o.office_name,
    o.county_code,
    o.county_name,
    o.township,
    o.tier,
    o.cluster_code,
    o.cluster_name,
    o.plaques,
    o.recognised_plaques,
    o.smart_office,
    o.terminals,
    o.large_villages,
    o.large_villages_with_terminal,
    o.director_attends_joint_meeting,
    o.director_attends_governance_meeting,
    o.director_in_leadership,
    d.office_code IS NOT NULL AS has_director,
    d.staffing_type AS director_staffing_type,
    d.legal_background AS director_legal_background,
    d.legal_qualification AS director_legal_qualification,
    d.enforcement_certificate AS director_enforcement_certificate,
    d.public_lawyer AS director_public_lawyer,
    coalesce(s.active_staff, 0)::INTEGER AS active_staff,
    coalesce(s.public_lawyers, 0)::INTEGER AS public_lawyers,
    coalesce(s.legal_qualified_staff, 0)::INTEGER AS legal_qualified_staff,
    coalesce(s.plan_posts_held, 0)::INTEGER AS plan_posts_held
FROM intermediate.int_year_offices AS o
LEFT JOIN intermediate.int_office_directors AS d ON d.period = o.period AND d.office_code = o.office_code
LEFT JOIN staff AS s ON s.period = o.period AND s.office_code = o.office_code
