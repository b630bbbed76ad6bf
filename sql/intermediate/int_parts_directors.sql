-- Office parts of the director indicators: each office of S contributes a numerator and a
-- denominator; a unit's indicator is the sum over its offices. A key office whose director is
-- vacant counts in the denominator and not in the numerator. The meeting and leadership flags
-- are the office's own columns. Unknown (NULL) flags never count as true.
-- Grain: (indicator_id, period, office_code).
-- @test unique(indicator_id, period, office_code)
-- @test accepted_values(indicator_id: director_in_leadership, key_director_legal_background, key_director_meetings, key_director_zhengfa)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator BETWEEN 0 AND denominator)
WITH offices AS (
    SELECT
        o.period,
        o.office_code,
        o.tier = 'key' AS is_key,
        d.legal_background IS TRUE AS director_legal_background,
        d.staffing_type IS NOT DISTINCT FROM '政法专编' AS director_zhengfa,
        o.director_attends_joint_meeting IS TRUE AND o.director_attends_governance_meeting IS TRUE AS director_attends_both,
        o.director_in_leadership IS TRUE AS director_in_leadership
    FROM intermediate.int_year_offices AS o
    LEFT JOIN intermediate.int_office_directors AS d ON d.period = o.period AND d.office_code = o.office_code
)
SELECT 'key_director_legal_background' AS indicator_id, period, office_code,
       (is_key AND director_legal_background)::INTEGER::DOUBLE AS numerator,
       is_key::INTEGER::DOUBLE AS denominator
FROM offices
UNION ALL
SELECT 'key_director_zhengfa', period, office_code,
       (is_key AND director_zhengfa)::INTEGER, is_key::INTEGER
FROM offices
UNION ALL
SELECT 'key_director_meetings', period, office_code,
       (is_key AND director_attends_both)::INTEGER, is_key::INTEGER
FROM offices
UNION ALL
SELECT 'director_in_leadership', period, office_code,
       director_in_leadership::INTEGER, 1
FROM offices
