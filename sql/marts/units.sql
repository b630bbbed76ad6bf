-- Every reporting unit of every year, for drill-down city → county → cluster → office: its
-- name, the county and cluster it lies in, and how many offices it has. Office rows carry
-- their tier; an ordinary office outside every cluster has NULL cluster_code. Cluster rows:
-- cluster_code = unit_code (the key office). County rows: cluster NULL. City row (3311): both NULL.
-- Grain: (period, grain, unit_code).
-- Columns: period, grain, unit_code, unit_name, county_code, county_name, cluster_code,
-- cluster_name, tier (office grain: key/ordinary, else NULL), office_count, as_of.
-- @zh 各年度的统计单位：全市、县（市、区）、片区、司法所四级，用于逐级下钻；含所属县与片区、司法所类型和所含司法所数。
-- @column period: 年度
-- @column grain: 口径：office 司法所、cluster 片区、county 县（市、区）、city 全市
-- @column unit_code: 单位代码：司法所代码、片区重点所代码、县代码或 3311（全市）
-- @column unit_name: 单位名称
-- @column county_code: 所在县（市、区）代码（全市为空）
-- @column county_name: 所在县（市、区）名称（全市为空）
-- @column cluster_code: 所属片区（重点所）代码；片区行即本片区，县、全市及不属片区的普通所为空
-- @column cluster_name: 所属片区名称
-- @column tier: 司法所类型：key 重点所、ordinary 普通所（仅司法所行）
-- @column office_count: 所含司法所数
-- @column as_of: 该年度所用司法所快照的日期
-- @test unique(period, grain, unit_code)
-- @test not_null(period, grain, unit_code, unit_name, office_count, as_of)
-- @test accepted_values(grain: office, cluster, county, city)
-- @test accepted_values(tier: key, ordinary)
-- @test relationships(county_code -> core.counties(county_code))
-- @test relationships(period, cluster_code -> intermediate.int_year_offices(period, office_code))
-- @test expect(grain = 'city' OR county_code IS NOT NULL)
-- @test expect((grain = 'office') = (tier IS NOT NULL))
WITH members AS (
    SELECT
        u.period, u.grain, u.unit_code, u.unit_name, u.as_of,
        o.county_code, o.county_name, o.cluster_code, o.cluster_name, o.tier, o.office_code
    FROM intermediate.int_unit_offices AS u
    JOIN intermediate.int_year_offices AS o ON o.period = u.period AND o.office_code = u.office_code
)
SELECT
    m.period,
    m.grain,
    m.unit_code,
    any_value(m.unit_name) AS unit_name,
    CASE WHEN m.grain <> 'city' THEN any_value(m.county_code) END AS county_code,
    CASE WHEN m.grain <> 'city' THEN any_value(m.county_name) END AS county_name,
    CASE m.grain WHEN 'office' THEN any_value(m.cluster_code) WHEN 'cluster' THEN m.unit_code END AS cluster_code,
    CASE m.grain WHEN 'office' THEN any_value(m.cluster_name) WHEN 'cluster' THEN any_value(m.unit_name) END AS cluster_name,
    CASE WHEN m.grain = 'office' THEN any_value(m.tier) END AS tier,
    count(*)::INTEGER AS office_count,
    any_value(m.as_of) AS as_of
FROM members AS m
GROUP BY m.period, m.grain, m.unit_code
