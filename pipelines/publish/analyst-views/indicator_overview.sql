-- Every indicator value with its catalog entry beside it: the Chinese name, the plan's task,
-- the target and whether it is met, for reading the numbers without a join.
-- Grain: (indicator_id, period, grain, unit_code).
-- Columns: indicator_id, name_zh, task, period, grain, unit_code, unit_name, numerator,
-- denominator, value, target, meets_target, as_of.
SELECT v.indicator_id, c.name_zh, c.task, v.period, v.grain, v.unit_code, v.unit_name,
       v.numerator, v.denominator, v.value, v.target, v.meets_target, v.as_of
FROM mart.indicator_values AS v
JOIN mart.indicator_catalog AS c USING (indicator_id)
