-- Each county's value of every indicator in the latest reported year, with the city's value
-- and the target beside it, for ranking counties.
-- Grain: (indicator_id, unit_code).
-- Columns: indicator_id, name_zh, period, unit_code (county code), unit_name, value,
-- city_value, target, meets_target, rank_in_city (1 = highest value).
-- @zh 最近一个年度各县（市、区）每项指标的值，旁列全市值与目标，并给出全市排名，便于比较各县。
-- @column indicator_id: 指标代码
-- @column name_zh: 指标中文名称
-- @column period: 年度（最近一个年度）
-- @column unit_code: 县（市、区）代码
-- @column unit_name: 县（市、区）名称
-- @column value: 指标值
-- @column city_value: 全市的指标值
-- @column target: 方案目标值（无目标为空）
-- @column meets_target: 是否达到目标
-- @column rank_in_city: 在全市各县中的名次（1 为最高）
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
