-- Dates as people type them (exports.md): 2024-08-22, 2024/8/22, 2024.8.22, 2024年8月22日 and
-- 20240822, month and day with or without a leading zero, one separator throughout; a time
-- after the date (2025-11-30 23:10:05, or T23:10) is dropped. Workbook date cells arrive as ISO.
-- Years run from 1900 to 2100 (a year like 0202 or 2204 is a typing slip, not a date).

-- date_text(s): the date part of s in one of those forms, '' when s is in none of them.
CREATE OR REPLACE TEMP MACRO date_text(s) AS regexp_extract(s,
    '^((?:19[0-9]{2}|20[0-9]{2}|2100)(?:-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}|\.[0-9]{1,2}\.[0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日|[0-9]{4}))'
    || '(?:(?:\s+|T)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$',
    1);

-- parse_date(s): the DATE s names, NULL when s is NULL or not a date (2024-02-30, 2024-13-05,
-- 2025年3月, 45000 …). A caller tells the two apart by s: not NULL with a NULL date is bad_date.
CREATE OR REPLACE TEMP MACRO parse_date(s) AS
    try_strptime(nullif(translate(date_text(s), '/.年月日', '----'), ''), ['%Y-%m-%d', '%Y%m%d'])::DATE;
