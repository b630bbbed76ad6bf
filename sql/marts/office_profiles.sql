-- The profile of every office of every year's snapshot S, for the office page: tier, cluster,
-- plaques, 智慧司法所, terminals, villages, the director's duties and qualifications, and
-- staff counts. The director is described by flags and staffing type only: no name, no ID
-- number, no person key. has_director is false when no active 所长 is on the roster (vacant).
-- Grain: (period, office_code).
-- Columns: period, as_of, office_code, office_name, county_code, county_name, township, tier,
-- cluster_code, cluster_name, plaques (every item as given), recognised_plaques (the plan's
-- three), smart_office, terminals, large_villages, large_villages_with_terminal,
-- director_attends_joint_meeting, director_attends_governance_meeting, director_in_leadership,
-- has_director, director_staffing_type, director_legal_background, director_legal_qualification,
-- director_enforcement_certificate, director_public_lawyer, active_staff, public_lawyers,
-- legal_qualified_staff, plan_posts_held (distinct of the six posts held by active staff).
-- @zh 每个年度每个司法所的概况：类型、片区、挂牌、智慧司法所、终端、村（社区）覆盖、所长履职与资质、人员数。所长只以标志和编制类型描述，不含姓名、身份证号。
-- @column period: 年度
-- @column as_of: 该年度所用司法所快照的日期
-- @column office_code: 司法所代码
-- @column office_name: 司法所名称
-- @column county_code: 所在县（市、区）代码
-- @column county_name: 所在县（市、区）名称
-- @column township: 所在乡镇（街道）
-- @column tier: 司法所类型：key 重点所、ordinary 普通所
-- @column cluster_code: 所属片区（重点所）代码
-- @column cluster_name: 所属片区名称
-- @column plaques: 所挂牌子（按报送原样）
-- @column recognised_plaques: 方案认定的三块牌子中已挂的
-- @column smart_office: 是否建成智慧司法所
-- @column terminals: 公共法律服务终端数
-- @column large_villages: 规模较大的村（社区）数
-- @column large_villages_with_terminal: 其中已布设终端的村（社区）数
-- @column director_attends_joint_meeting: 所长是否列席乡镇（街道）党政联席会议
-- @column director_attends_governance_meeting: 所长是否列席综治工作会议
-- @column director_in_leadership: 所长是否进入乡镇（街道）领导班子
-- @column has_director: 是否有在岗所长（否即空缺）
-- @column director_staffing_type: 所长编制类型
-- @column director_legal_background: 所长是否具有法律专业背景
-- @column director_legal_qualification: 所长是否具有法律职业资格
-- @column director_enforcement_certificate: 所长是否持有行政执法证
-- @column director_public_lawyer: 所长是否为公职律师
-- @column active_staff: 在岗人员数
-- @column public_lawyers: 其中公职律师数
-- @column legal_qualified_staff: 其中具有法律职业资格的人数
-- @column plan_posts_held: 在岗人员担任的方案六类岗位种数（0 到 6）
-- @test unique(period, office_code)
-- @test not_null(period, as_of, office_code, office_name, county_code, tier, recognised_plaques, has_director, active_staff, public_lawyers, legal_qualified_staff, plan_posts_held)
-- @test relationships(period, office_code -> mart.units(period, unit_code))
-- @test accepted_values(tier: key, ordinary)
-- @test expect(plan_posts_held BETWEEN 0 AND 6)
WITH staff AS (
    SELECT
        period,
        office_code,
        count(*) AS active_staff,
        count(*) FILTER (WHERE public_lawyer IS TRUE) AS public_lawyers,
        count(*) FILTER (WHERE legal_qualification IS TRUE) AS legal_qualified_staff,
        len(list_distinct(flatten(list(plan_posts)))) AS plan_posts_held
    FROM intermediate.int_active_staff
    GROUP BY period, office_code
)
SELECT
    o.period,
    o.as_of,
    o.office_code,
    o.office_name,
    o.county_code,
    o.county_name,
    o.township,
    o.tier,
    o.cluster_code,
    o.cluster_name,
    o.plaques,
    o.recognised_plaques,
    o.smart_office,
    o.terminals,
    o.large_villages,
    o.large_villages_with_terminal,
    o.director_attends_joint_meeting,
    o.director_attends_governance_meeting,
    o.director_in_leadership,
    d.office_code IS NOT NULL AS has_director,
    d.staffing_type AS director_staffing_type,
    d.legal_background AS director_legal_background,
    d.legal_qualification AS director_legal_qualification,
    d.enforcement_certificate AS director_enforcement_certificate,
    d.public_lawyer AS director_public_lawyer,
    coalesce(s.active_staff, 0)::INTEGER AS active_staff,
    coalesce(s.public_lawyers, 0)::INTEGER AS public_lawyers,
    coalesce(s.legal_qualified_staff, 0)::INTEGER AS legal_qualified_staff,
    coalesce(s.plan_posts_held, 0)::INTEGER AS plan_posts_held
FROM intermediate.int_year_offices AS o
LEFT JOIN intermediate.int_office_directors AS d ON d.period = o.period AND d.office_code = o.office_code
LEFT JOIN staff AS s ON s.period = o.period AND s.office_code = o.office_code
