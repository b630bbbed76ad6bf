-- Yes/no values, numbers and enumerated values as exports.md reads them.

-- parse_bool(s): 是 Y yes true 1 √ ✓ → true; 否 N no false 0 × ✗ → false, in any letter case
-- and with white space removed; NULL for anything else (with s not NULL: bad_enum).
CREATE OR REPLACE TEMP MACRO parse_bool(s) AS
    [true, true, true, true, true, true, true, false, false, false, false, false, false, false][
        list_position(['是', 'y', 'yes', 'true', '1', '√', '✓', '否', 'n', 'no', 'false', '0', '×', '✗'],
            lower(CASE WHEN regexp_matches(s, '[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]') THEN strip_spaces(s) ELSE s END))];

-- parse_number(s): a decimal number, with or without thousands separators (12,000.50) and the
-- suffix 万 (×10,000: 1.2万 = 12000), sign allowed; NULL when s is not one. Up to 12 digits
-- before the point and 6 after (more are rounded): DECIMAL(18, 6) reads fast, and 万 widens it.
-- Only text the pattern accepts is cast, so the cast never fails (a failing cast is slow).
CREATE OR REPLACE TEMP MACRO parse_number(s) AS
    nullif(replace(regexp_extract(s,
        '^([+-]?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})(?:\.[0-9]+)?|[+-]?\.[0-9]+)万?$', 1), ',', ''), '')::DECIMAL(18, 6)
    * CASE WHEN suffix(s, '万') THEN 10000 ELSE 1 END;

-- enum_value(s, allowed): s with its white space removed when that is one of `allowed`, else NULL.
-- Most values are written exactly: they skip the regex.
CREATE OR REPLACE TEMP MACRO enum_value(s, allowed) AS CASE
    WHEN list_contains(allowed, s) THEN s
    WHEN list_contains(allowed, strip_spaces(s)) THEN strip_spaces(s)
END;

-- office_tier(s): 重点 / 重点所 / 重点司法所 → 'key'; 普通 / 普通所 / 普通司法所 → 'ordinary'.
CREATE OR REPLACE TEMP MACRO office_tier(s) AS
    ['key', 'key', 'key', 'ordinary', 'ordinary', 'ordinary'][
        list_position(['重点', '重点所', '重点司法所', '普通', '普通所', '普通司法所'], enum_value(s,
            ['重点', '重点所', '重点司法所', '普通', '普通所', '普通司法所']))];

-- county_aliases(): every way a row may name one of the 9 counties (core.counties): the 6-digit
-- code, the full name, the full name without its 区/县/市 suffix, and the short name (景宁 for
-- 景宁畲族自治县). Rows match on strip_spaces(county).
CREATE OR REPLACE TEMP MACRO county_aliases() AS TABLE
    SELECT DISTINCT county_code, alias
    FROM core.counties,
         unnest([county_code, county_name, regexp_replace(county_name, '[区县市]$', ''), short_name]) AS a(alias);

-- business_lines(): the plan's 10 business lines in its order (sql/seeds/business_lines.csv).
CREATE OR REPLACE TEMP MACRO business_lines() AS
    (SELECT list(business_line ORDER BY sort_order::INTEGER) FROM seed.business_lines);
