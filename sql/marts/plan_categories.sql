-- The plan's fixed lists, in the plan's order: the six posts a key office may set, the three
-- plaques it may carry, the ten business lines (sql/seeds/business_lines.csv), the staff roles
-- and staffing types. Values are
-- written as the loader stores them (NFKC: half-width brackets). Indicators count only these
-- items; dashboards use sort_order to draw categories in the plan's order.
-- Grain: (kind, item). Columns: kind (post, plaque, business_line, role, staffing_type), item, sort_order.
-- @zh 方案规定的固定清单及其顺序：重点所可设的六类岗位、三块牌子、十类业务、人员类别和编制类型。
-- @column kind: 清单种类：post 岗位、plaque 牌子、business_line 业务类型、role 人员类别、staffing_type 编制类型
-- @column item: 清单项
-- @column sort_order: 方案中的排列顺序
-- @test unique(kind, item)
-- @test not_null(kind, item, sort_order)
-- @test accepted_values(kind: post, plaque, business_line, role, staffing_type)
SELECT kind, item, sort_order::INTEGER AS sort_order
FROM (VALUES
    ('post', '法治统筹协调岗', 1),
    ('post', '合法性审查岗', 2),
    ('post', '行政执法监督岗', 3),
    ('post', '社区矫正(安置帮教)岗', 4),
    ('post', '矛盾纠纷调处岗', 5),
    ('post', '法律服务岗', 6),
    ('plaque', '行政复议联络点', 1),
    ('plaque', '智慧矫正分中心', 2),
    ('plaque', '行政执法监督工作室', 3),
    ('role', '所长', 1),
    ('role', '副所长', 2),
    ('role', '工作人员', 3),
    ('role', '司法协理员', 4),
    ('staffing_type', '政法专编', 1),
    ('staffing_type', '行政编制', 2),
    ('staffing_type', '事业编制', 3),
    ('staffing_type', '司法协理员', 4),
    ('staffing_type', '其他', 5)
) AS t(kind, item, sort_order)
UNION ALL
SELECT 'business_line', business_line, sort_order::INTEGER FROM seed.business_lines
