-- Training days and hours of every active staff member of each year's snapshot S, against the
-- plan's line of 12 days or 90 hours, for the 队伍培训 page. People are pseudonymised:
-- person_code is a short stable code derived from the person key (never a name or ID number).
-- in_denominator: counted by training_compliance (start_date on or before 1 January of the
-- year); complies: days ≥ 12 or hours ≥ 90. Staff who joined during the year appear with
-- in_denominator = false.
-- Grain: (period, person_key).
-- Columns: period, as_of, person_key, person_code, office_code, county_code, cluster_code, role,
-- days, hours, required_days (12), required_hours (90), meets_days, meets_hours, complies,
-- in_denominator.
-- Per (year, person): an incremental run re-inserts only the (period, person) pairs its new
-- training versions touched, and whole the years a new snapshot touched.
-- @partition_by period, person_key
-- @zh 每个年度快照中在岗人员的培训天数与学时，对照方案“每年不少于 12 天或 90 学时”的要求。人员以化名代码表示，不含姓名、身份证号。
-- @column period: 年度
-- @column as_of: 该年度所用司法所快照的日期
-- @column person_key: 人员内部键（不发布到分析库）
-- @column person_code: 人员化名代码（不可还原为身份）
-- @column office_code: 所在司法所代码
-- @column county_code: 所在县（市、区）代码
-- @column cluster_code: 所属片区（重点所）代码
-- @column role: 人员类别
-- @column days: 全年培训天数
-- @column hours: 全年培训学时
-- @column required_days: 要求天数（12）
-- @column required_hours: 要求学时（90）
-- @column meets_days: 天数是否达标
-- @column meets_hours: 学时是否达标
-- @column complies: 是否达标（天数或学时任一达标）
-- @column in_denominator: 是否计入培训达标率分母（入职日期不晚于当年 1 月 1 日）
-- @test unique(period, person_key)
-- @test unique(period, person_code)
-- @test not_null(period, as_of, person_key, person_code, office_code, county_code, role, days, hours, required_days, required_hours, meets_days, meets_hours, complies, in_denominator)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
-- @test expect(complies = (meets_days OR meets_hours))
SELECT
    s.period,
    s.as_of,
    s.person_key,
    'P' || upper(left(sha256('person_code:' || s.person_key), 12)) AS person_code,
    s.office_code,
    o.county_code,
    o.cluster_code,
    s.role,
    coalesce(t.days, 0) AS days,
    coalesce(t.hours, 0) AS hours,
    12 AS required_days,
    90.0::DOUBLE AS required_hours,
    coalesce(t.days, 0) >= 12 AS meets_days,
    coalesce(t.hours, 0) >= 90 AS meets_hours,
    coalesce(t.days, 0) >= 12 OR coalesce(t.hours, 0) >= 90 AS complies,
    s.in_training_denominator AS in_denominator
FROM intermediate.int_active_staff AS s
JOIN intermediate.int_year_offices AS o ON o.period = s.period AND o.office_code = s.office_code
LEFT JOIN intermediate.int_person_year_training AS t ON t.period = s.period AND t.person_key = s.person_key
-- only the (year, person) partitions being rebuilt (all in a full build)
WHERE in_build_years(s.period) AND in_build_people(s.period, s.person_key)
