-- Yes/no values, numbers and enumerated values as exports.md reads them.

-- parse_bool(s): 是 Y yes true 1 √ ✓ → true; 否 N no false 0 × ✗ → false, in any letter case
-- and with white space removed; NULL for anything else (with s not NULL: bad_enum).
CREATE OR REPLACE TEMP MACRO parse_bool(s) AS CASE lower(strip_spaces(s))
    WHEN '是' THEN true WHEN 'y' THEN true WHEN 'yes' THEN true WHEN 'true' THEN true
    WHEN '1' THEN true WHEN '√' THEN true WHEN '✓' THEN true
    WHEN '否' THEN false WHEN 'n' THEN false WHEN 'no' THEN false WHEN 'false' THEN false
    WHEN '0' THEN false WHEN '×' THEN false WHEN '✗' THEN false
END;

-- parse_number(s): a decimal number, with or without thousands separators (12,000.50) and the
-- suffix 万 (×10,000: 1.2万 = 12000), sign allowed; NULL when s is not one. Up to 12 digits
-- before the point and 6 after (more are rounded): DECIMAL(18, 6) reads fast, and 万 widens it.
-- Only text the pattern accepts is cast, so the cast never fails (a failing cast is slow).
CREATE OR REPLACE TEMP MACRO parse_number(s) AS
    nullif(replace(regexp_extract(s,
        '^([+-]?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})(?:\.[0-9]+)?|[+-]?\.[0-9]+)万?$', 1), ',', ''), '')::DECIMAL(18, 6)
    * CASE WHEN suffix(s, '万') THEN 10000 ELSE 1 END;

-- enum_value(s, allowed): s with its white space removed when that is one of `allowed`, else NULL.
CREATE OR REPLACE TEMP MACRO enum_value(s, allowed) AS
    CASE WHEN list_contains(allowed, strip_spaces(s)) THEN strip_spaces(s) END;

-- office_tier(s): 重点 / 重点所 / 重点司法所 → 'key'; 普通 / 普通所 / 普通司法所 → 'ordinary'.
CREATE OR REPLACE TEMP MACRO office_tier(s) AS CASE strip_spaces(s)
    WHEN '重点' THEN 'key' WHEN '重点所' THEN 'key' WHEN '重点司法所' THEN 'key'
    WHEN '普通' THEN 'ordinary' WHEN '普通所' THEN 'ordinary' WHEN '普通司法所' THEN 'ordinary'
END;

-- county_aliases(): every way a row may name one of the 9 counties (core.counties): the 6-digit
-- code, the full name, the full name without its 区/县/市 suffix, and the short name (景宁 for
-- 景宁畲族自治县). Rows match on strip_spaces(county).
CREATE OR REPLACE TEMP MACRO county_aliases() AS TABLE
    SELECT DISTINCT county_code, alias
    FROM core.counties,
         unnest([county_code, county_name, regexp_replace(county_name, '[区县市]$', ''), short_name]) AS a(alias);
