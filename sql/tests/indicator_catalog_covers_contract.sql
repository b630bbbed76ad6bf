-- The catalog holds every indicator id of the contract (../shared/spec/indicators.md), and
-- every id in mart.indicator_values is in the catalog. Returns the ids missing on either side.
-- @severity error
WITH contract(indicator_id) AS (
    VALUES ('key_director_legal_background'), ('key_director_zhengfa'), ('key_director_meetings'),
           ('director_in_leadership'), ('cluster_coverage'), ('key_office_plaques'),
           ('smart_office_coverage'), ('terminal_office_coverage'), ('terminal_village_coverage'),
           ('key_office_post_coverage'), ('review_post_qualified'), ('public_lawyer_coverage'),
           ('training_compliance'), ('mediation_success_rate'), ('function_breadth'), ('reform_index')
)
SELECT indicator_id, 'missing from catalog' AS problem
FROM contract
WHERE indicator_id NOT IN (SELECT indicator_id FROM mart.indicator_catalog)
UNION ALL
SELECT DISTINCT indicator_id, 'value without catalog row'
FROM mart.indicator_values
WHERE indicator_id NOT IN (SELECT indicator_id FROM mart.indicator_catalog)
