-- Every landed row of the batch's 人员 sheet (offices_<date>.xlsx / staff_<date>.csv), typed by
-- exports.md, the raw ID number replaced by person_key (HMAC-SHA-256) and id_masked. A row loads
-- (reason_code NULL) or carries the first reason of the contract's table order that applies:
-- missing_required (id_number, name, office_code, role, start_date), bad_date (start_date,
-- end_date), bad_enum (role, staffing_type, the yes/no columns), bad_id_number, unknown_office
-- (the office is not among the loaded rows of staging.stg_offices of the same snapshot date),
-- date_order (end_date before start_date), and duplicate_key among the rows that pass everything
-- else (the last row of a person loads; ID numbers compared in upper case). county_code: the
-- county of the row's office in this snapshot (its loaded row, else any row naming a county).
-- raw: the row as JSON, the ID number masked and the name cut to its first character.
-- @rows_from staging.land_staff
-- @test unique(file_id, sheet, row_number)
-- @test not_null(file_id, file_name, row_number, export_date)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_enum, bad_id_number, unknown_office, date_order, duplicate_key)
-- @test accepted_values(role: 所长, 副所长, 工作人员, 司法协理员)
-- @test accepted_values(staffing_type: 政法专编, 行政编制, 事业编制, 司法协理员, 其他)
-- @test expect((reason_code IS NULL) = (message IS NULL) AND (reason_code IS NULL) = (raw IS NULL))
-- @test expect(reason_code IS NOT NULL OR (person_key IS NOT NULL AND name IS NOT NULL AND office_code IS NOT NULL AND start_date IS NOT NULL))
WITH
-- computed once: `cleaned` is read twice (judged_for_duplicates), and this with it
repeated AS MATERIALIZED (
    FROM repeated_keys('staging.land_staff', 'id_number')
),

cleaned AS NOT MATERIALIZED (
    SELECT
        l.file_id, l.file_name, l.sheet, l.row_number, l.export_date, l.load_seq,
        r.key_hash IS NOT NULL AS repeated_key,
        id_number AS id_number_text,
        name AS name,
        office_code AS office_code_text,
        role AS role_text,
        staffing_type AS staffing_type_text,
        posts AS posts_text,
        legal_background AS legal_background_text,
        legal_qualification AS legal_qualification_text,
        enforcement_certificate AS enforcement_certificate_text,
        public_lawyer AS public_lawyer_text,
        start_date AS start_date_text,
        end_date AS end_date_text
    FROM cleaned_cells('staging.land_staff') AS l
    -- keys written more than once in the file: only their rows need the duplicate judgement
    LEFT JOIN repeated AS r ON r.key_hash = key_hash(l.file_id, l.id_number)
),

typed AS NOT MATERIALIZED (
    SELECT
        *,
        upper(id_number_text) AS id_number,
        upper(office_code_text) AS office_code,
        enum_value(role_text, ['所长', '副所长', '工作人员', '司法协理员']) AS role,
        enum_value(staffing_type_text, ['政法专编', '行政编制', '事业编制', '司法协理员', '其他']) AS staffing_type,
        split_list(posts_text) AS posts,
        parse_bool(legal_background_text) AS legal_background,
        parse_bool(legal_qualification_text) AS legal_qualification,
        parse_bool(enforcement_certificate_text) AS enforcement_certificate,
        parse_bool(public_lawyer_text) AS public_lawyer,
        parse_date(start_date_text) AS start_date,
        parse_date(end_date_text) AS end_date
    FROM cleaned
),

-- the offices of this snapshot that loaded, and the county any office row of it names
snapshot_offices AS (
    SELECT
        export_date,
        office_code,
        bool_or(reason_code IS NULL) AS loaded,
        arg_max(county_code, (reason_code IS NULL)::INTEGER * 1000000000 + row_number)
            FILTER (WHERE county_code IS NOT NULL) AS county_code
    FROM staging.stg_offices
    WHERE office_code IS NOT NULL
    GROUP BY export_date, office_code
),

keyed AS NOT MATERIALIZED (
    SELECT
        t.*,
        valid_id_number(t.id_number) AS id_valid,
        coalesce(o.loaded, false) AS office_loaded,
        o.county_code
    FROM typed AS t
    LEFT JOIN snapshot_offices AS o ON o.export_date = t.export_date AND o.office_code = t.office_code
),

checked AS NOT MATERIALIZED (
    SELECT
        *,
        CASE
            WHEN id_number IS NULL THEN problem('missing_required', 'id_number', missing_message('身份证号'))
            WHEN name IS NULL THEN problem('missing_required', 'name', missing_message('姓名'))
            WHEN office_code IS NULL THEN problem('missing_required', 'office_code', missing_message('所属司法所编码'))
            WHEN role_text IS NULL THEN problem('missing_required', 'role', missing_message('职务'))
            WHEN start_date_text IS NULL THEN problem('missing_required', 'start_date', missing_message('到岗日期'))
            WHEN start_date IS NULL THEN problem('bad_date', 'start_date', date_message('到岗日期', start_date_text, start_date))
            WHEN end_date_text IS NOT NULL AND end_date IS NULL THEN
                problem('bad_date', 'end_date', date_message('离岗日期', end_date_text, end_date))
            WHEN role IS NULL THEN
                problem('bad_enum', 'role', enum_message('职务', role_text, role, ['所长', '副所长', '工作人员', '司法协理员']))
            WHEN staffing_type_text IS NOT NULL AND staffing_type IS NULL THEN
                problem('bad_enum', 'staffing_type', enum_message('编制类型', staffing_type_text, staffing_type,
                    ['政法专编', '行政编制', '事业编制', '司法协理员', '其他']))
            WHEN legal_background_text IS NOT NULL AND legal_background IS NULL THEN
                problem('bad_enum', 'legal_background', bool_message('法律专业背景', legal_background_text, legal_background))
            WHEN legal_qualification_text IS NOT NULL AND legal_qualification IS NULL THEN
                problem('bad_enum', 'legal_qualification', bool_message('法律职业资格', legal_qualification_text, legal_qualification))
            WHEN enforcement_certificate_text IS NOT NULL AND enforcement_certificate IS NULL THEN
                problem('bad_enum', 'enforcement_certificate', bool_message('行政执法证', enforcement_certificate_text, enforcement_certificate))
            WHEN public_lawyer_text IS NOT NULL AND public_lawyer IS NULL THEN
                problem('bad_enum', 'public_lawyer', bool_message('公职律师', public_lawyer_text, public_lawyer))
            WHEN NOT id_valid THEN problem('bad_id_number', 'id_number', id_number_message(id_number))
            WHEN NOT office_loaded THEN problem('unknown_office', 'office_code',
                '所属司法所编码' || quoted(office_code_text) || '不在本快照（' || strftime(export_date, '%Y-%m-%d')
                || '）已加载的司法所中，请核对编码；如该司法所本身被拒收，请先修正司法所表中的那一行')
            WHEN end_date < start_date THEN
                problem('date_order', 'end_date', date_order_message('离岗日期', end_date, '到岗日期', start_date))
        END AS problem
    FROM keyed
),

-- duplicate_key is judged among the rows that pass every other rule: the last one loads
-- (sql/macros/verdicts.sql).
decided AS (
    SELECT *, duplicate_verdict(problem, row_number, loaded_row, 'id_number', '身份证号', mask_id(id_number)) AS verdict
    FROM judged_for_duplicates('checked', 'id_number')
)

SELECT
    file_id, file_name, sheet, row_number, export_date, load_seq,
    CASE WHEN id_valid THEN person_key(id_number) END AS person_key,
    mask_id(id_number) AS id_masked,
    name,
    office_code,
    role,
    staffing_type,
    posts,
    legal_background,
    legal_qualification,
    enforcement_certificate,
    public_lawyer,
    start_date,
    end_date,
    county_code,
    verdict.reason_code AS reason_code,
    verdict.column_name AS column_name,
    verdict.message AS message,
    CASE WHEN verdict IS NOT NULL THEN scrub_id_numbers(json_object(
        'id_number', mask_id(id_number_text),
        'name', mask_name(name),
        'office_code', office_code_text,
        'role', role_text,
        'staffing_type', staffing_type_text,
        'posts', posts_text,
        'legal_background', legal_background_text,
        'legal_qualification', legal_qualification_text,
        'enforcement_certificate', enforcement_certificate_text,
        'public_lawyer', public_lawyer_text,
        'start_date', start_date_text,
        'end_date', end_date_text
    ))::JSON END AS raw
FROM decided
