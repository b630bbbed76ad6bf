-- Every landed row of the batch's training file (training_<date>.csv / .xlsx), typed by
-- exports.md, the raw ID number replaced by person_key (HMAC-SHA-256). A row loads (reason_code
-- NULL) or carries the first reason of the contract's table order that applies: missing_required
-- (record_id, id_number, course, start_date, end_date, hours), bad_date (start_date, end_date),
-- bad_number (hours), bad_enum (mode), bad_id_number, date_order (end_date before start_date),
-- hours_out_of_range (hours > 24 × (end_date − start_date + 1)), and duplicate_key among the
-- rows that pass everything else (the last row of a record_id loads). A person on no roster
-- still loads. county_code: the county of the person's office on their latest roster row in
-- core.staff (NULL when they are on none, or their ID is not valid).
-- raw: the row as JSON, the ID number masked.
-- @rows_from staging.land_training
-- @test unique(file_id, sheet, row_number)
-- @test not_null(file_id, file_name, row_number, export_date)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, bad_id_number, date_order, hours_out_of_range, duplicate_key)
-- @test accepted_values(mode: 线上, 线下)
-- @test expect((reason_code IS NULL) = (message IS NULL) AND (reason_code IS NULL) = (raw IS NULL))
-- @test expect(reason_code IS NOT NULL OR (record_id IS NOT NULL AND person_key IS NOT NULL AND course IS NOT NULL AND start_date IS NOT NULL AND end_date IS NOT NULL AND hours IS NOT NULL))
WITH
-- computed once: `cleaned` is read twice (judged_for_duplicates), and this with it
repeated AS MATERIALIZED (
    FROM repeated_keys('staging.land_training', 'record_id')
),

cleaned AS NOT MATERIALIZED (
    SELECT
        l.file_id, l.file_name, l.sheet, l.row_number, l.export_date, l.load_seq,
        r.key_hash IS NOT NULL AS repeated_key,
        record_id AS record_id_text,
        id_number AS id_number_text,
        course AS course,
        start_date AS start_date_text,
        end_date AS end_date_text,
        hours AS hours_text,
        mode AS mode_text
    FROM cleaned_cells('staging.land_training') AS l
    -- keys written more than once in the file: only their rows need the duplicate judgement
    LEFT JOIN repeated AS r ON r.key_hash = key_hash(l.file_id, l.record_id)
),

typed AS NOT MATERIALIZED (
    SELECT
        *,
        upper(record_id_text) AS record_id,
        upper(id_number_text) AS id_number,
        parse_date(start_date_text) AS start_date,
        parse_date(end_date_text) AS end_date,
        parse_number(hours_text) AS hours_number,
        enum_value(mode_text, ['线上', '线下']) AS mode
    FROM cleaned
),

validated AS NOT MATERIALIZED (
    SELECT
        *,
        valid_id_number(id_number) AS id_valid,
        number_message('学时', hours_text, hours_number, false) AS hours_problem
    FROM typed
),

keyed AS NOT MATERIALIZED (
    SELECT
        v.*,
        CASE WHEN v.id_valid THEN person_key(v.id_number) END AS person_key
    FROM validated AS v
),

-- the county of each person's latest roster row (for everyone on a roster: filtering by the
-- people of the batch would compute their keys twice)
person_counties AS (
    SELECT s.person_key, arg_max(o.county_code, s.snapshot_date) AS county_code
    FROM core.staff AS s
    JOIN core.offices AS o ON o.snapshot_date = s.snapshot_date AND o.office_code = s.office_code
    GROUP BY s.person_key
),

checked AS NOT MATERIALIZED (
    SELECT
        k.*,
        p.county_code,
        CASE
            WHEN k.record_id IS NULL THEN problem('missing_required', 'record_id', missing_message('培训记录编号'))
            WHEN k.id_number IS NULL THEN problem('missing_required', 'id_number', missing_message('身份证号'))
            WHEN k.course IS NULL THEN problem('missing_required', 'course', missing_message('培训名称'))
            WHEN k.start_date_text IS NULL THEN problem('missing_required', 'start_date', missing_message('开始日期'))
            WHEN k.end_date_text IS NULL THEN problem('missing_required', 'end_date', missing_message('结束日期'))
            WHEN k.hours_text IS NULL THEN problem('missing_required', 'hours', missing_message('学时'))
            WHEN k.start_date IS NULL THEN
                problem('bad_date', 'start_date', date_message('开始日期', k.start_date_text, k.start_date))
            WHEN k.end_date IS NULL THEN
                problem('bad_date', 'end_date', date_message('结束日期', k.end_date_text, k.end_date))
            WHEN k.hours_problem IS NOT NULL THEN problem('bad_number', 'hours', k.hours_problem)
            WHEN k.mode_text IS NOT NULL AND k.mode IS NULL THEN
                problem('bad_enum', 'mode', enum_message('培训形式', k.mode_text, k.mode, ['线上', '线下']))
            WHEN NOT k.id_valid THEN problem('bad_id_number', 'id_number', id_number_message(k.id_number))
            WHEN k.end_date < k.start_date THEN
                problem('date_order', 'end_date', date_order_message('结束日期', k.end_date, '开始日期', k.start_date))
            WHEN k.hours_number > 24 * (date_diff('day', k.start_date, k.end_date) + 1) THEN
                problem('hours_out_of_range', 'hours',
                    '学时' || quoted(k.hours_text) || '超过培训天数（' || strftime(k.start_date, '%Y-%m-%d') || ' 至 '
                    || strftime(k.end_date, '%Y-%m-%d') || '，共 ' || (date_diff('day', k.start_date, k.end_date) + 1)
                    || ' 天）× 24 = ' || 24 * (date_diff('day', k.start_date, k.end_date) + 1) || ' 学时，请核对学时或起止日期')
        END AS problem
    FROM keyed AS k
    LEFT JOIN person_counties AS p ON p.person_key = k.person_key
),

-- duplicate_key is judged among the rows that pass every other rule: the last one loads
-- (sql/macros/verdicts.sql).
decided AS (
    SELECT *, duplicate_verdict(problem, row_number, loaded_row, 'record_id', '培训记录编号', record_id_text) AS verdict
    FROM judged_for_duplicates('checked', 'record_id')
)

SELECT
    file_id, file_name, sheet, row_number, export_date, load_seq,
    record_id,
    person_key,
    -- free text reaches the marts and the analyst console: an ID number typed into it is masked
    scrub_id_numbers(course) AS course,
    start_date,
    end_date,
    hours_number::DOUBLE AS hours,
    mode,
    county_code,
    verdict.reason_code AS reason_code,
    verdict.column_name AS column_name,
    verdict.message AS message,
    CASE WHEN verdict IS NOT NULL THEN scrub_id_numbers(json_object(
        'record_id', record_id_text,
        'id_number', mask_id(id_number_text),
        'course', course,
        'start_date', start_date_text,
        'end_date', end_date_text,
        'hours', hours_text,
        'mode', mode_text
    ))::JSON END AS raw
FROM decided
