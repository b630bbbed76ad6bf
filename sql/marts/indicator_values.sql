-- The indicator values (contract: ../shared/spec/indicators.md): every indicator for every
-- year with a snapshot, at the office, cluster, county and city grains. Each additive
-- indicator sums its office parts over the unit's offices (int_unit_indicator_values); a unit
-- whose denominator is 0 has no row. reform_index averages min(value / target, 1) over the
-- unit's targeted indicators that have a row. as_of is the date of the year's snapshot S.
-- Grain: (indicator_id, period, grain, unit_code).
-- Columns: indicator_id, period, grain, unit_code, unit_name, numerator, denominator, value,
-- target, meets_target, as_of.
-- Per (year, indicator), as int_unit_indicator_values: a night re-inserts the indicators it
-- recomputed, and reform_index (computed from every indicator of the year) in each such year.
-- @partition_by period, indicator_id
-- @derived_indicators reform_index
-- @zh 各项指标的年度值：每个有快照的年度、每项指标在司法所、片区、县（市、区）、全市四级口径上的分子、分母、比值与目标达成情况；分母为 0 的单位不出行。改革指数为各有目标指标 min(值/目标, 1) 的平均。
-- @column indicator_id: 指标代码（名称见 indicator_catalog）
-- @column period: 年度，如 2025
-- @column grain: 口径：office 司法所、cluster 片区、county 县（市、区）、city 全市
-- @column unit_code: 单位代码：司法所代码、片区重点所代码、县代码或 3311（全市）
-- @column unit_name: 单位名称
-- @column numerator: 分子（改革指数为各指标达成度之和）
-- @column denominator: 分母（改革指数为参与计算的指标数）
-- @column value: 指标值 = 分子 ÷ 分母，0 到 1 之间
-- @column target: 方案目标值（无目标为空）
-- @column meets_target: 是否达到目标（无目标为空）
-- @column as_of: 该年度所用司法所快照的日期
-- @test unique(indicator_id, period, grain, unit_code)
-- @test not_null(indicator_id, period, grain, unit_code, unit_name, numerator, denominator, value, as_of)
-- @test accepted_values(grain: office, cluster, county, city)
-- @test relationships(indicator_id -> mart.indicator_catalog(indicator_id))
-- @test relationships(period, grain, unit_code -> mart.units(period, grain, unit_code))
-- @test expect(denominator > 0)
-- @test expect(numerator >= 0 AND numerator <= denominator)
-- @test expect(abs(value - numerator / denominator) < 1e-12)
-- @test expect(value BETWEEN 0 AND 1)
-- @test expect(meets_target IS NOT DISTINCT FROM (value >= target))
WITH with_targets AS (
    SELECT a.*, a.numerator / a.denominator AS value, cat.target
    FROM intermediate.int_unit_indicator_values AS a
    JOIN mart.indicator_catalog AS cat USING (indicator_id)
    -- every indicator of the years being rebuilt (reform_index reads them all); the runner keeps
    -- only the (year, indicator) partitions it rebuilds
    WHERE in_build_years(a.period)
),
reform_index AS (
    SELECT
        'reform_index' AS indicator_id,
        period,
        grain,
        unit_code,
        any_value(unit_name) AS unit_name,
        -- summed exactly (DECIMAL, each term to 18 places), so in any order to the same bits: a
        -- float sum in parallel order may differ in its last bit between two builds of the same
        -- data, and a sum ordered by indicator sorted every unit's terms (3× slower)
        sum(least(value / target, 1.0)::DECIMAL(38, 18))::DOUBLE AS numerator,
        count(*)::DOUBLE AS denominator,
        any_value(as_of) AS as_of
    FROM with_targets
    WHERE target IS NOT NULL
    GROUP BY period, grain, unit_code
)
SELECT indicator_id, period, grain, unit_code, unit_name, numerator, denominator, value,
       target, value >= target AS meets_target, as_of
FROM with_targets
UNION ALL
SELECT r.indicator_id, r.period, r.grain, r.unit_code, r.unit_name, r.numerator, r.denominator,
       r.numerator / r.denominator AS value, cat.target, r.numerator / r.denominator >= cat.target, r.as_of
FROM reform_index AS r
JOIN mart.indicator_catalog AS cat USING (indicator_id)
