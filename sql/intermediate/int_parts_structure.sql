-- Office parts of the structure indicators ("1+N" clusters, plaques, 智慧司法所, terminals).
-- cluster_coverage: an ordinary office counts when its cluster_key_office is a key office of S
-- in the same county (cluster_code set). key_office_plaques: distinct recognised plaques of a
-- key office out of 3. terminal_office_coverage: terminals ≥ 1 (NULL is not ≥ 1).
-- terminal_village_coverage: large villages with a terminal over large villages, NULL as 0.
-- Grain: (indicator_id, period, office_code).
-- @test unique(indicator_id, period, office_code)
-- @test accepted_values(indicator_id: cluster_coverage, key_office_plaques, smart_office_coverage, terminal_office_coverage, terminal_village_coverage)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test expect(numerator >= 0 AND denominator >= 0)
WITH offices AS (
    SELECT *, tier = 'key' AS is_key, tier = 'ordinary' AS is_ordinary
    FROM intermediate.int_year_offices
)
SELECT 'cluster_coverage' AS indicator_id, period, office_code,
       (is_ordinary AND cluster_code IS NOT NULL)::INTEGER::DOUBLE AS numerator,
       is_ordinary::INTEGER::DOUBLE AS denominator
FROM offices
UNION ALL
SELECT 'key_office_plaques', period, office_code,
       CASE WHEN is_key THEN len(recognised_plaques) ELSE 0 END, 3 * is_key::INTEGER
FROM offices
UNION ALL
SELECT 'smart_office_coverage', period, office_code,
       (is_key AND smart_office IS TRUE)::INTEGER, is_key::INTEGER
FROM offices
UNION ALL
SELECT 'terminal_office_coverage', period, office_code,
       coalesce(terminals >= 1, false)::INTEGER, 1
FROM offices
UNION ALL
SELECT 'terminal_village_coverage', period, office_code,
       coalesce(large_villages_with_terminal, 0), coalesce(large_villages, 0)
FROM offices
