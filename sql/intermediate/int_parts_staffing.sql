-- Office parts of the staffing indicators, over the active staff of S at each office.
-- key_office_post_coverage: distinct posts of the plan's six held by a key office's active
-- staff, out of 6. review_post_qualified: active staff holding 合法性审查岗 or 行政执法监督岗, and
-- of those the ones with legal_qualification = true. public_lawyer_coverage: offices with at
-- least one active 公职律师.
-- Grain: (indicator_id, period, office_code).
-- @test unique(indicator_id, period, office_code)
-- @test accepted_values(indicator_id: key_office_post_coverage, public_lawyer_coverage, review_post_qualified)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator BETWEEN 0 AND denominator)
WITH per_office AS (
    SELECT
        o.period,
        o.office_code,
        o.tier = 'key' AS is_key,
        count(DISTINCT post) AS posts_held,
        count(DISTINCT s.person_key) FILTER (
            WHERE list_has_any(s.plan_posts, ['合法性审查岗', '行政执法监督岗'])
        ) AS review_staff,
        count(DISTINCT s.person_key) FILTER (
            WHERE list_has_any(s.plan_posts, ['合法性审查岗', '行政执法监督岗']) AND s.legal_qualification IS TRUE
        ) AS review_staff_qualified,
        coalesce(bool_or(s.public_lawyer IS TRUE), false) AS has_public_lawyer
    FROM intermediate.int_year_offices AS o
    LEFT JOIN intermediate.int_active_staff AS s ON s.period = o.period AND s.office_code = o.office_code
    LEFT JOIN LATERAL (SELECT unnest(s.plan_posts) AS post) AS held ON true
    GROUP BY o.period, o.office_code, o.tier
)
SELECT 'key_office_post_coverage' AS indicator_id, period, office_code,
       (CASE WHEN is_key THEN posts_held ELSE 0 END)::DOUBLE AS numerator,
       (6 * is_key::INTEGER)::DOUBLE AS denominator
FROM per_office
UNION ALL
SELECT 'review_post_qualified', period, office_code, review_staff_qualified, review_staff
FROM per_office
UNION ALL
SELECT 'public_lawyer_coverage', period, office_code, has_public_lawyer::INTEGER, 1
FROM per_office
