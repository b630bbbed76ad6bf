-- The Chinese messages of rejected rows, for a county clerk: the column, the value and what is
-- expected. `header` is the column's Chinese header of exports.md; values are shown by quoted().

-- quoted(v): a value as a message shows it, in Chinese quotes, cut after 40 characters, with any
-- ID-number-like run of digits masked (a clerk may have typed an ID into the wrong column).
CREATE OR REPLACE TEMP MACRO quoted(v) AS
    '“' || scrub_id_numbers(CASE WHEN length(v) > 40 THEN left(v, 40) || '…' ELSE v END) || '”';

-- problem(code, column, message): the one reason a row is rejected for.
CREATE OR REPLACE TEMP MACRO problem(code, column_name, message) AS
    {'reason_code': code, 'column_name': column_name, 'message': message};

CREATE OR REPLACE TEMP MACRO missing_message(header) AS
    '“' || header || '”为空；此列必填，请补填后重新报送';

-- date_message(header, text, value): the bad_date message, NULL when the cell is empty or a date.
CREATE OR REPLACE TEMP MACRO date_message(header, text, value) AS CASE
    WHEN text IS NOT NULL AND value IS NULL THEN
        header || quoted(text) || '不是有效日期，请按 2024-08-22 格式填写（也可写 2024/8/22、2024年8月22日 或 20240822）'
END;

-- number_message(header, text, value, whole): the bad_number message, NULL when the cell is
-- empty or a number ≥ 0 (a whole one when `whole`).
CREATE OR REPLACE TEMP MACRO number_message(header, text, value, whole) AS CASE
    WHEN text IS NULL THEN NULL
    WHEN value IS NULL THEN
        header || quoted(text) || '不是有效的数字，请填写阿拉伯数字，如 12、12,000.50 或 1.2万'
    WHEN value < 0 THEN header || quoted(text) || '不能为负数，请填写 0 或正数'
    WHEN whole AND value <> trunc(value) THEN header || quoted(text) || '不是整数，请填写整数，如 12'
    WHEN whole AND try_cast(value AS INTEGER) IS NULL THEN header || quoted(text) || '过大，请核对'
END;

-- enum_message(header, text, value, allowed): the bad_enum message, NULL when empty or allowed.
CREATE OR REPLACE TEMP MACRO enum_message(header, text, value, allowed) AS CASE
    WHEN text IS NOT NULL AND value IS NULL THEN
        header || quoted(text) || '不是允许的取值，请填写以下之一：' || array_to_string(allowed, '、')
END;

-- bool_message(header, text, value): the bad_enum message of a yes/no column.
CREATE OR REPLACE TEMP MACRO bool_message(header, text, value) AS CASE
    WHEN text IS NOT NULL AND value IS NULL THEN
        header || quoted(text) || '不是有效的是/否值，请填写“是”或“否”（也可写 Y/N、√/×）'
END;

CREATE OR REPLACE TEMP MACRO date_order_message(end_header, end_date, start_header, start_date) AS
    end_header || ' ' || strftime(end_date, '%Y-%m-%d') || ' 早于' || start_header || ' '
    || strftime(start_date, '%Y-%m-%d') || '，请核对这两个日期';

-- duplicate_message(header, shown_key, last_row): the key shown as given (ID numbers masked).
CREATE OR REPLACE TEMP MACRO duplicate_message(header, shown_key, last_row) AS
    header || quoted(shown_key) || '在本文件中重复出现，以最后一次出现的第 ' || last_row
    || ' 行为准，本行未加载；如两行都应保留，请更正其中一行的' || header;

-- id_number_message(id): the bad_id_number message; the ID shown masked.
CREATE OR REPLACE TEMP MACRO id_number_message(id) AS
    '身份证号' || quoted(mask_id(id)) || CASE
        WHEN length(id) <> 18 THEN '不是 18 位（现为 ' || length(id) || ' 位）'
        ELSE '的校验位不正确（或含有数字和末位 X 以外的字符）'
    END || '，请核对后重新填写';
