-- The indicator catalog (contract: ../shared/spec/indicators.md): one row per indicator id with
-- its Chinese name and definition, the plan's target (NULL where the plan sets none), the task
-- of the plan's eight it measures (sql/seeds/plan_tasks.csv; NULL for reform_index, which spans
-- them all), and the clause of 《丽水市关于深入推进司法所综合改革的实施方案》 it comes from. Extra columns for the
-- dashboards: display_order, is_targeted (has a target, so enters reform_index), is_additive
-- (numerators and denominators add up from offices to the city), numerator_zh, denominator_zh.
-- Grain: indicator_id.
-- @zh 指标目录：每项指标一行，含中文名称与口径说明、方案目标值、所属八项任务、方案原文出处，以及看板用的排序、是否有目标、能否逐级相加和分子分母的中文名称。
-- @column indicator_id: 指标代码
-- @column name_zh: 指标中文名称
-- @column description_zh: 指标口径说明
-- @column target: 方案目标值（无目标为空）
-- @column task: 所属方案八项任务之一（改革指数为空）
-- @column source: 出处：《丽水市关于深入推进司法所综合改革的实施方案》原文
-- @column display_order: 看板中的排列顺序
-- @column is_targeted: 是否设有目标（有目标的指标计入改革指数）
-- @column is_additive: 分子分母能否从司法所逐级相加到全市
-- @column numerator_zh: 分子的中文名称
-- @column denominator_zh: 分母的中文名称
-- @test unique(indicator_id)
-- @test unique(display_order)
-- @test not_null(indicator_id, name_zh, description_zh, source, display_order, is_targeted, is_additive, numerator_zh, denominator_zh)
-- @test relationships(task -> seed.plan_tasks(task))
-- @test expect(is_targeted = (target IS NOT NULL))
-- @test expect(target IS NULL OR target > 0 AND target <= 1)
-- @test expect(task IS NOT NULL OR indicator_id = 'reform_index')
SELECT
    indicator_id,
    name_zh,
    description_zh,
    target::DOUBLE AS target,
    task,
    source,
    display_order::INTEGER AS display_order,
    target IS NOT NULL AS is_targeted,
    indicator_id <> 'reform_index' AS is_additive,
    numerator_zh,
    denominator_zh
FROM (VALUES
    ('key_director_legal_background', '重点所所长法律专业背景占比',
     '所长具有法律专业背景的重点司法所占全部重点司法所的比例；所长空缺的重点所计入分母。',
     0.80, '人员力量',
     '重点司法所所长原则上从政法专编人员中选任，到2025年具有法律专业背景的重点司法所所长比例不低于80%。',
     1, '所长具有法律专业背景的重点司法所数', '重点司法所数'),
    ('key_director_zhengfa', '重点所所长政法专编占比',
     '所长编制类型为政法专编的重点司法所占全部重点司法所的比例；所长空缺的重点所计入分母。',
     1.00, '管理体制',
     '重点司法所所长原则上从政法专编人员中选任。',
     2, '所长为政法专编的重点司法所数', '重点司法所数'),
    ('key_director_meetings', '重点所所长列席两会占比',
     '所长同时列席乡镇（街道）党政联席会议和综治工作会议的重点司法所占全部重点司法所的比例。',
     1.00, '工作机制',
     '重点司法所所长列席乡镇（街道）党政联席会议和综治工作会议。',
     3, '所长列席党政联席会议和综治工作会议的重点司法所数', '重点司法所数'),
    ('director_in_leadership', '所长进入乡镇领导班子占比',
     '所长进入乡镇（街道）领导班子的司法所占全部司法所的比例。',
     NULL, '管理体制',
     '有条件的地方，重点司法所所长可进入乡镇（街道）领导班子。',
     4, '所长进入乡镇（街道）领导班子的司法所数', '司法所数'),
    ('cluster_coverage', '"1+N"片区覆盖率',
     '所属片区重点所为本县（市、区）重点司法所的普通司法所占全部普通司法所的比例。',
     1.00, '管理体制',
     '建立"1+N"片区协作机制：中心镇、强镇的重点司法所统筹协调片区内N个普通司法所。',
     5, '纳入本县重点所片区的普通司法所数', '普通司法所数'),
    ('key_office_plaques', '重点所增挂牌子率',
     '重点司法所增挂行政复议联络点、智慧矫正分中心、行政执法监督工作室牌子的个数之和占应挂数（重点所数×3）的比例。',
     NULL, '职能定位',
     '重点司法所可增挂行政复议联络点、智慧矫正分中心、行政执法监督工作室牌子。',
     6, '重点所已增挂的牌子个数（每所0–3）', '重点司法所数×3'),
    ('smart_office_coverage', '重点所智慧司法所覆盖率',
     '建成智慧司法所的重点司法所占全部重点司法所的比例。',
     NULL, '数智水平',
     '在缙云、遂昌试点基础上，将智慧司法所建设推广到条件成熟的重点司法所。',
     7, '建成智慧司法所的重点司法所数', '重点司法所数'),
    ('terminal_office_coverage', '司法所自助终端覆盖率',
     '配备至少1台公共法律服务自助终端的司法所占全部司法所的比例（终端数未填视为未配备）。',
     1.00, '数智水平',
     '公共法律服务自助终端实现司法所全覆盖。',
     8, '配备自助终端的司法所数', '司法所数'),
    ('terminal_village_coverage', '较大村（社区）终端覆盖率',
     '已配备公共法律服务自助终端的较大村（社区）数占较大村（社区）总数的比例（未填按0计）。',
     NULL, '数智水平',
     '公共法律服务自助终端向较大村（社区）延伸。',
     9, '已配备终端的较大村（社区）数', '较大村（社区）数'),
    ('key_office_post_coverage', '重点所岗位设置率',
     '重点司法所在岗人员所任岗位覆盖方案六类岗位的个数之和占应设数（重点所数×6）的比例。',
     NULL, '人员力量',
     '重点司法所可设置法治统筹协调岗、合法性审查岗、行政执法监督岗、社区矫正（安置帮教）岗、矛盾纠纷调处岗、法律服务岗。',
     10, '重点所在岗人员覆盖的岗位个数（每所0–6）', '重点司法所数×6'),
    ('review_post_qualified', '审查监督岗持证率',
     '在合法性审查岗或行政执法监督岗的在岗人员中，取得法律职业资格的人员所占比例。',
     1.00, '人员力量',
     '新进入合法性审查岗、行政执法监督岗的人员应具有法律职业资格。',
     11, '其中取得法律职业资格的人数', '合法性审查岗、行政执法监督岗在岗人数'),
    ('public_lawyer_coverage', '公职律师配备率',
     '至少有1名在岗公职律师的司法所占全部司法所的比例。',
     NULL, '人员力量',
     '推动公职律师向司法所配置。',
     12, '配有公职律师的司法所数', '司法所数'),
    ('training_compliance', '年度培训达标率',
     '当年1月1日前（含）到岗的在岗人员中，当年参加培训不少于12天或不少于90学时的人员所占比例。',
     1.00, '队伍能力',
     '司法所工作人员每人每年参加培训不少于12天或90学时。',
     13, '培训满12天或90学时的人数', '1月1日前到岗的在岗人数'),
    ('mediation_success_rate', '人民调解成功率',
     '当年办结的人民调解案件中，调解成功的案件所占比例。',
     NULL, '工作机制',
     '司法所职能由"专科"向"全科"拓展，做实人民调解等基础业务。',
     14, '调解成功的案件数', '当年办结的人民调解案件数'),
    ('function_breadth', '业务覆盖面',
     '各司法所当年有受理案件（不含已撤回）的业务类型个数之和占应有数（司法所数×10）的比例。',
     NULL, '职能定位',
     '司法所职能由"专科"向"全科"转变，覆盖十类业务。',
     15, '有受理案件的业务类型个数（每所0–10）', '司法所数×10'),
    ('reform_index', '综合改革指数',
     '对本单位当年有数值且设有目标的各项指标，取 min(指标值/目标值, 1) 的平均值。',
     NULL, NULL,
     '《丽水市关于深入推进司法所综合改革的实施方案》各项量化目标的综合完成程度。',
     16, '各项有目标指标的 min(指标值/目标值, 1) 之和', '参与计算的有目标指标个数')
) AS t(indicator_id, name_zh, description_zh, target, task, source, display_order, numerator_zh, denominator_zh)
