-- Every landed row of the batch's case file (cases_<date>.csv / .xlsx), typed by exports.md. A
-- row loads (reason_code NULL) or carries the first reason of the contract's table order that
-- applies: missing_required (case_id, office_code, business_line, received_date, closed_date
-- when the status is 已办结, status, and outcome for a closed 人民调解 case), bad_date
-- (received_date, closed_date), bad_number (amount, parties), bad_enum (business_line, status,
-- outcome of a closed 人民调解 case: 调解成功 or 调解不成功), unknown_office, date_order
-- (closed_date before received_date), and duplicate_key among the rows that pass everything else
-- (the last row of a case_id loads).
-- unknown_office: the office is not among the offices of checked_snapshot, the latest snapshot in
-- core.office_snapshots dated on or before the file's export date (the same day included), or
-- the earliest snapshot when the file is older than all of them; with no snapshot at all every
-- row is unknown_office. county_code: the office's county in checked_snapshot, else in the
-- latest snapshot that has the office. outcome: 调解成功 / 调解不成功 with white space removed
-- when it is one of them, else the text as given.
-- @rows_from staging.land_cases
-- @test unique(file_id, sheet, row_number)
-- @test not_null(file_id, file_name, row_number, export_date)
-- @test accepted_values(reason_code: missing_required, bad_date, bad_number, bad_enum, unknown_office, date_order, duplicate_key)
-- @test accepted_values(status: 办理中, 已办结, 已撤回)
-- @test expect((reason_code IS NULL) = (message IS NULL) AND (reason_code IS NULL) = (raw IS NULL))
-- @test expect(reason_code IS NOT NULL OR (case_id IS NOT NULL AND office_code IS NOT NULL AND business_line IS NOT NULL AND received_date IS NOT NULL AND status IS NOT NULL))
WITH
-- computed once: `cleaned` is read twice (judged_for_duplicates), and this with it
repeated AS MATERIALIZED (
    FROM repeated_keys('staging.land_cases', 'case_id')
),

cleaned AS NOT MATERIALIZED (
    SELECT
        l.file_id, l.file_name, l.sheet, l.row_number, l.export_date, l.load_seq,
        r.key_hash IS NOT NULL AS repeated_key,
        case_id AS case_id_text,
        office_code AS office_code_text,
        business_line AS business_line_text,
        received_date AS received_date_text,
        closed_date AS closed_date_text,
        status AS status_text,
        outcome AS outcome_text,
        amount AS amount_text,
        parties AS parties_text
    FROM cleaned_cells('staging.land_cases') AS l
    -- keys written more than once in the file: only their rows need the duplicate judgement
    LEFT JOIN repeated AS r ON r.key_hash = key_hash(l.file_id, l.case_id)
),

typed AS NOT MATERIALIZED (
    SELECT
        *,
        upper(case_id_text) AS case_id,
        upper(office_code_text) AS office_code,
        enum_value(business_line_text, business_lines()) AS business_line,
        parse_date(received_date_text) AS received_date,
        parse_date(closed_date_text) AS closed_date,
        enum_value(status_text, ['办理中', '已办结', '已撤回']) AS status,
        enum_value(outcome_text, ['调解成功', '调解不成功']) AS mediation_outcome,
        parse_number(amount_text) AS amount_number,
        parse_number(parties_text) AS parties_number
    FROM cleaned
),

-- the snapshot each case file is checked against
files AS (
    SELECT DISTINCT file_id, export_date FROM staging.land_cases
),

checked_snapshots AS (
    SELECT
        f.file_id,
        coalesce(max(s.snapshot_date) FILTER (WHERE s.snapshot_date <= f.export_date), min(s.snapshot_date))
            AS checked_snapshot
    FROM files AS f
    LEFT JOIN core.office_snapshots AS s ON true
    GROUP BY f.file_id
),

latest_office_counties AS (
    SELECT office_code, arg_max(county_code, snapshot_date) AS county_code
    FROM core.offices
    GROUP BY office_code
),

keyed AS NOT MATERIALIZED (
    SELECT
        t.*,
        cs.checked_snapshot,
        o.office_code IS NOT NULL AS office_known,
        coalesce(o.county_code, l.county_code) AS county_code,
        (t.business_line = '人民调解' AND t.status = '已办结') AS closed_mediation,
        number_message('涉及金额（元）', t.amount_text, t.amount_number, false) AS amount_problem,
        number_message('当事人数', t.parties_text, t.parties_number, true) AS parties_problem
    FROM typed AS t
    LEFT JOIN checked_snapshots AS cs ON cs.file_id = t.file_id
    LEFT JOIN core.offices AS o ON o.snapshot_date = cs.checked_snapshot AND o.office_code = t.office_code
    LEFT JOIN latest_office_counties AS l ON l.office_code = t.office_code
),

checked AS NOT MATERIALIZED (
    SELECT
        *,
        CASE
            WHEN case_id IS NULL THEN problem('missing_required', 'case_id', missing_message('案件编号'))
            WHEN office_code IS NULL THEN problem('missing_required', 'office_code', missing_message('司法所编码'))
            WHEN business_line_text IS NULL THEN problem('missing_required', 'business_line', missing_message('业务类型'))
            WHEN received_date_text IS NULL THEN problem('missing_required', 'received_date', missing_message('受理日期'))
            WHEN status = '已办结' AND closed_date_text IS NULL THEN problem('missing_required', 'closed_date',
                '“办结日期”为空；状态为“已办结”的案件必须填写办结日期，请补填后重新报送')
            WHEN status_text IS NULL THEN problem('missing_required', 'status', missing_message('状态'))
            WHEN closed_mediation AND outcome_text IS NULL THEN problem('missing_required', 'outcome',
                '“结果”为空；已办结的人民调解案件必须填写结果：调解成功 或 调解不成功，请补填后重新报送')
            WHEN received_date IS NULL THEN
                problem('bad_date', 'received_date', date_message('受理日期', received_date_text, received_date))
            WHEN closed_date_text IS NOT NULL AND closed_date IS NULL THEN
                problem('bad_date', 'closed_date', date_message('办结日期', closed_date_text, closed_date))
            WHEN amount_problem IS NOT NULL THEN problem('bad_number', 'amount', amount_problem)
            WHEN parties_problem IS NOT NULL THEN problem('bad_number', 'parties', parties_problem)
            WHEN business_line IS NULL THEN problem('bad_enum', 'business_line', enum_message('业务类型', business_line_text, business_line, business_lines()))
            WHEN status IS NULL THEN problem('bad_enum', 'status', enum_message('状态', status_text, status, ['办理中', '已办结', '已撤回']))
            WHEN closed_mediation AND mediation_outcome IS NULL THEN problem('bad_enum', 'outcome',
                '已办结的人民调解案件的结果' || quoted(outcome_text) || '不是允许的取值，请填写以下之一：调解成功、调解不成功')
            WHEN NOT office_known THEN problem('unknown_office', 'office_code', CASE
                WHEN checked_snapshot IS NULL THEN
                    '司法所编码' || quoted(office_code_text) || '无法核对：仓库中还没有任何司法所快照，请先报送司法所快照（offices_日期）'
                ELSE
                    '司法所编码' || quoted(office_code_text) || '不在 ' || strftime(checked_snapshot, '%Y-%m-%d')
                    || ' 的司法所快照中（本文件日期 ' || strftime(export_date, '%Y-%m-%d')
                    || ' 按此快照核对），请核对编码'
            END)
            WHEN closed_date < received_date THEN
                problem('date_order', 'closed_date', date_order_message('办结日期', closed_date, '受理日期', received_date))
        END AS problem
    FROM keyed
),

-- duplicate_key is judged among the rows that pass every other rule: the last one loads
-- (sql/macros/verdicts.sql).
decided AS (
    SELECT *, duplicate_verdict(problem, row_number, loaded_row, 'case_id', '案件编号', case_id_text) AS verdict
    FROM judged_for_duplicates('checked', 'case_id')
)

SELECT
    file_id, file_name, sheet, row_number, export_date, load_seq,
    case_id,
    office_code,
    business_line,
    received_date,
    closed_date,
    status,
    -- free text reaches the marts and the analyst console: an ID number typed into it is masked
    coalesce(mediation_outcome, scrub_id_numbers(outcome_text)) AS outcome,
    amount_number::DOUBLE AS amount,
    try_cast(parties_number AS INTEGER) AS parties,
    checked_snapshot,
    county_code,
    verdict.reason_code AS reason_code,
    verdict.column_name AS column_name,
    verdict.message AS message,
    CASE WHEN verdict IS NOT NULL THEN scrub_id_numbers(json_object(
        'case_id', case_id_text,
        'office_code', office_code_text,
        'business_line', business_line_text,
        'received_date', received_date_text,
        'closed_date', closed_date_text,
        'status', status_text,
        'outcome', outcome_text,
        'amount', amount_text,
        'parties', parties_text
    ))::JSON END AS raw
FROM decided
