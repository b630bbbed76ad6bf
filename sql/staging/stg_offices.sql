-- Every landed row of the batch's 司法所 sheet (offices_<date>.xlsx / offices_<date>.csv), typed
-- by exports.md. A row loads (reason_code NULL) or carries the first reason of the contract's
-- table order that applies: missing_required (office_code, office_name, county, tier), bad_number
-- (terminals, large_villages, large_villages_with_terminal, then large_villages_with_terminal >
-- large_villages with an empty one read as 0), bad_enum (tier, the yes/no columns),
-- unknown_county, and duplicate_key among the rows that pass everything else (the last row of an
-- office_code loads). message: Chinese, for the county clerk; raw: the row as JSON.
-- Codes are upper case; tier is key/ordinary; cluster_key_office is NULL for a key office (the
-- contract ignores it there); county_code is the county the row names, when it is one of the 9.
-- @rows_from staging.land_offices
-- @test unique(file_id, row_number)
-- @test not_null(file_id, file_name, row_number, export_date)
-- @test accepted_values(reason_code: missing_required, bad_number, bad_enum, unknown_county, duplicate_key)
-- @test accepted_values(tier: key, ordinary)
-- @test expect((reason_code IS NULL) = (message IS NULL) AND (reason_code IS NULL) = (raw IS NULL))
-- @test expect(reason_code IS NOT NULL OR (office_code IS NOT NULL AND office_name IS NOT NULL AND county_code IS NOT NULL AND tier IS NOT NULL))
WITH
-- computed once: `cleaned` is read twice (judged_for_duplicates), and this with it
repeated AS MATERIALIZED (
    FROM repeated_keys('staging.land_offices', 'office_code')
),

cleaned AS NOT MATERIALIZED (
    SELECT
        l.file_id, l.file_name, l.sheet, l.row_number, l.export_date, l.load_seq,
        r.key_hash IS NOT NULL AS repeated_key,
        office_code AS office_code_text,
        office_name AS office_name,
        county AS county_text,
        township AS township,
        tier AS tier_text,
        cluster_key_office AS cluster_key_office_text,
        plaques AS plaques_text,
        smart_office AS smart_office_text,
        terminals AS terminals_text,
        large_villages AS large_villages_text,
        large_villages_with_terminal AS large_villages_with_terminal_text,
        director_attends_joint_meeting AS joint_meeting_text,
        director_attends_governance_meeting AS governance_meeting_text,
        director_in_leadership AS in_leadership_text
    FROM cleaned_cells('staging.land_offices') AS l
    -- keys written more than once in the file: only their rows need the duplicate judgement
    LEFT JOIN repeated AS r ON r.key_hash = key_hash(l.file_id, l.office_code)
),

typed AS NOT MATERIALIZED (
    SELECT
        c.*,
        upper(office_code_text) AS office_code,
        aliases.county_code,
        office_tier(tier_text) AS tier,
        upper(cluster_key_office_text) AS cluster_key_office_given,
        split_list(plaques_text) AS plaques,
        parse_bool(smart_office_text) AS smart_office,
        parse_number(terminals_text) AS terminals_number,
        parse_number(large_villages_text) AS large_villages_number,
        parse_number(large_villages_with_terminal_text) AS large_villages_with_terminal_number,
        parse_bool(joint_meeting_text) AS director_attends_joint_meeting,
        parse_bool(governance_meeting_text) AS director_attends_governance_meeting,
        parse_bool(in_leadership_text) AS director_in_leadership
    FROM cleaned AS c
    LEFT JOIN county_aliases() AS aliases ON aliases.alias = strip_spaces(c.county_text)
),

messages AS NOT MATERIALIZED (
    SELECT
        *,
        number_message('公共法律服务自助终端数', terminals_text, terminals_number, true) AS terminals_problem,
        number_message('较大村（社区）数', large_villages_text, large_villages_number, true) AS large_villages_problem,
        number_message('已配备终端的较大村（社区）数', large_villages_with_terminal_text, large_villages_with_terminal_number, true)
            AS large_villages_with_terminal_problem
    FROM typed
),

checked AS NOT MATERIALIZED (
    SELECT
        *,
        CASE
            WHEN office_code IS NULL THEN problem('missing_required', 'office_code', missing_message('司法所编码'))
            WHEN office_name IS NULL THEN problem('missing_required', 'office_name', missing_message('司法所名称'))
            WHEN county_text IS NULL THEN problem('missing_required', 'county', missing_message('所属县（市、区）'))
            WHEN tier_text IS NULL THEN problem('missing_required', 'tier', missing_message('类型'))
            WHEN terminals_problem IS NOT NULL THEN problem('bad_number', 'terminals', terminals_problem)
            WHEN large_villages_problem IS NOT NULL THEN problem('bad_number', 'large_villages', large_villages_problem)
            WHEN large_villages_with_terminal_problem IS NOT NULL THEN
                problem('bad_number', 'large_villages_with_terminal', large_villages_with_terminal_problem)
            WHEN coalesce(large_villages_with_terminal_number, 0) > coalesce(large_villages_number, 0) THEN
                problem('bad_number', 'large_villages_with_terminal',
                    '已配备终端的较大村（社区）数' || quoted(large_villages_with_terminal_text) || '超过较大村（社区）数'
                    || coalesce(quoted(large_villages_text), '（为空，按 0 计）') || '，请核对这两个数')
            WHEN tier IS NULL THEN problem('bad_enum', 'tier',
                '类型' || quoted(tier_text) || '不是允许的取值，重点所请填写“重点司法所”（或“重点”“重点所”），普通所请填写“普通司法所”（或“普通”“普通所”）')
            WHEN smart_office_text IS NOT NULL AND smart_office IS NULL THEN
                problem('bad_enum', 'smart_office', bool_message('智慧司法所', smart_office_text, smart_office))
            WHEN joint_meeting_text IS NOT NULL AND director_attends_joint_meeting IS NULL THEN
                problem('bad_enum', 'director_attends_joint_meeting',
                    bool_message('所长列席党政联席会议', joint_meeting_text, director_attends_joint_meeting))
            WHEN governance_meeting_text IS NOT NULL AND director_attends_governance_meeting IS NULL THEN
                problem('bad_enum', 'director_attends_governance_meeting',
                    bool_message('所长列席综治工作会议', governance_meeting_text, director_attends_governance_meeting))
            WHEN in_leadership_text IS NOT NULL AND director_in_leadership IS NULL THEN
                problem('bad_enum', 'director_in_leadership',
                    bool_message('所长进入乡镇（街道）领导班子', in_leadership_text, director_in_leadership))
            WHEN county_code IS NULL THEN problem('unknown_county', 'county',
                '所属县（市、区）' || quoted(county_text)
                || '不是丽水市的 9 个县（市、区）之一，请填写县（市、区）名称或 6 位代码，如“莲都区”“莲都”或“331102”')
        END AS problem
    FROM messages
),

-- duplicate_key is judged among the rows that pass every other rule: the last one loads
-- (sql/macros/verdicts.sql).
decided AS (
    SELECT *, duplicate_verdict(problem, row_number, loaded_row, 'office_code', '司法所编码', office_code_text) AS verdict
    FROM judged_for_duplicates('checked', 'office_code')
)

SELECT
    file_id, file_name, sheet, row_number, export_date, load_seq,
    office_code,
    office_name,
    county_code,
    township,
    tier,
    CASE WHEN tier = 'ordinary' THEN cluster_key_office_given END AS cluster_key_office,
    plaques,
    smart_office,
    try_cast(terminals_number AS INTEGER) AS terminals,
    try_cast(large_villages_number AS INTEGER) AS large_villages,
    try_cast(large_villages_with_terminal_number AS INTEGER) AS large_villages_with_terminal,
    director_attends_joint_meeting,
    director_attends_governance_meeting,
    director_in_leadership,
    verdict.reason_code AS reason_code,
    verdict.column_name AS column_name,
    verdict.message AS message,
    CASE WHEN verdict IS NOT NULL THEN scrub_id_numbers(json_object(
        'office_code', office_code_text,
        'office_name', office_name,
        'county', county_text,
        'township', township,
        'tier', tier_text,
        'cluster_key_office', cluster_key_office_text,
        'plaques', plaques_text,
        'smart_office', smart_office_text,
        'terminals', terminals_text,
        'large_villages', large_villages_text,
        'large_villages_with_terminal', large_villages_with_terminal_text,
        'director_attends_joint_meeting', joint_meeting_text,
        'director_attends_governance_meeting', governance_meeting_text,
        'director_in_leadership', in_leadership_text
    ))::JSON END AS raw
FROM decided
