-- Active staff of every office of S by post, by role and by staffing type, for the office and
-- cluster pages. Every category of the plan's lists has a row (0 when nobody), in the plan's
-- order (sort_order); staff with no staffing type given are counted under '未填写' (sort_order
-- 99), a row that exists only when there are such staff. One person may hold several posts, so
-- post counts may add up to more than the office's staff.
-- Grain: (period, office_code, dimension, category).
-- Columns: period, as_of, office_code, county_code, cluster_code, dimension (post, role,
-- staffing_type), category, sort_order, staff_count, legal_qualified_count (of them, with
-- 法律职业资格).
-- @zh 每个年度每个司法所的在岗人员构成：按岗位、人员类别、编制类型分别计数，方案所列每一类都有一行（无人为 0）；一人可兼多个岗位，岗位人数之和可能多于在岗人数。
-- @column period: 年度
-- @column as_of: 该年度所用司法所快照的日期
-- @column office_code: 司法所代码
-- @column county_code: 所在县（市、区）代码
-- @column cluster_code: 所属片区（重点所）代码
-- @column dimension: 分类维度：post 岗位、role 人员类别、staffing_type 编制类型
-- @column category: 类别名称（编制类型未填写的计为“未填写”）
-- @column sort_order: 方案中的排列顺序（“未填写”为 99）
-- @column staff_count: 人数
-- @column legal_qualified_count: 其中具有法律职业资格的人数
-- @test unique(period, office_code, dimension, category)
-- @test not_null(period, as_of, office_code, county_code, dimension, category, sort_order, staff_count, legal_qualified_count)
-- @test accepted_values(dimension: post, role, staffing_type)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
-- @test expect(legal_qualified_count BETWEEN 0 AND staff_count)
WITH staff_categories AS (
    SELECT period, office_code, 'post' AS dimension, post AS category, legal_qualification
    FROM (SELECT *, unnest(plan_posts) AS post FROM intermediate.int_active_staff)
    UNION ALL
    SELECT period, office_code, 'role', role, legal_qualification
    FROM intermediate.int_active_staff
    UNION ALL
    SELECT period, office_code, 'staffing_type', coalesce(staffing_type, '未填写'), legal_qualification
    FROM intermediate.int_active_staff
),
counts AS (
    SELECT
        period, office_code, dimension, category,
        count(*) AS staff_count,
        count(*) FILTER (WHERE legal_qualification IS TRUE) AS legal_qualified_count
    FROM staff_categories
    GROUP BY ALL
),
grid AS (
    -- every plan category for every office, plus '未填写' where it occurs
    SELECT o.period, o.office_code, plan.kind AS dimension, plan.item AS category, plan.sort_order
    FROM intermediate.int_year_offices AS o
    JOIN mart.plan_categories AS plan ON plan.kind IN ('post', 'role', 'staffing_type')
    UNION ALL
    SELECT period, office_code, dimension, category, 99
    FROM counts
    WHERE dimension = 'staffing_type' AND category = '未填写'
)
SELECT
    g.period,
    o.as_of,
    g.office_code,
    o.county_code,
    o.cluster_code,
    g.dimension,
    g.category,
    g.sort_order,
    coalesce(c.staff_count, 0)::INTEGER AS staff_count,
    coalesce(c.legal_qualified_count, 0)::INTEGER AS legal_qualified_count
FROM grid AS g
JOIN intermediate.int_year_offices AS o ON o.period = g.period AND o.office_code = g.office_code
LEFT JOIN counts AS c
    ON c.period = g.period AND c.office_code = g.office_code
    AND c.dimension = g.dimension AND c.category = g.category
