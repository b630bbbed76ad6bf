-- Every indicator value with its catalog entry beside it: the Chinese name, the plan's task,
-- the target and whether it is met, for reading the numbers without a join.
-- Grain: (indicator_id, period, grain, unit_code).
-- Columns: indicator_id, name_zh, task, period, grain, unit_code, unit_name, numerator,
-- denominator, value, target, meets_target, as_of.
-- @zh 全部指标值并列出指标目录中的中文名称、所属任务、目标与达标情况，无需关联即可阅读。
-- @column indicator_id: 指标代码
-- @column name_zh: 指标中文名称
-- @column task: 所属方案八项任务之一
-- @column period: 年度
-- @column grain: 口径：office 司法所、cluster 片区、county 县（市、区）、city 全市
-- @column unit_code: 单位代码
-- @column unit_name: 单位名称
-- @column numerator: 分子
-- @column denominator: 分母
-- @column value: 指标值 = 分子 ÷ 分母
-- @column target: 方案目标值（无目标为空）
-- @column meets_target: 是否达到目标
-- @column as_of: 该年度所用司法所快照的日期
SELECT v.indicator_id, c.name_zh, c.task, v.period, v.grain, v.unit_code, v.unit_name,
       v.numerator, v.denominator, v.value, v.target, v.meets_target, v.as_of
FROM mart.indicator_values AS v
JOIN mart.indicator_catalog AS c USING (indicator_id)
