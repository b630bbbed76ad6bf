-- Each county's value of every indicator in the latest reported year, with the city's value
-- and the target beside it, for ranking counties.
-- Grain: (indicator_id, unit_code).
-- Columns: indicator_id, name_zh, period, unit_code (county code), unit_name, value,
-- city_value, target, meets_target, rank_in_city (1 = highest value).
WITH latest AS (SELECT max(period) AS period FROM mart.indicator_values)
SELECT v.indicator_id, c.name_zh, v.period, v.unit_code, v.unit_name, v.value,
       city.value AS city_value, v.target, v.meets_target,
       rank() OVER (PARTITION BY v.indicator_id ORDER BY v.value DESC) AS rank_in_city
FROM mart.indicator_values AS v
JOIN latest USING (period)
JOIN mart.indicator_catalog AS c USING (indicator_id)
LEFT JOIN mart.indicator_values AS city
  ON city.indicator_id = v.indicator_id AND city.period = v.period AND city.grain = 'city'
WHERE v.grain = 'county'
