-- The floor's typed parsing: one plain DuckDB expression per contract type, the forms of
-- exports.md read with try_strptime / TRY_CAST and nothing else (no NFKC, no reasons, no
-- messages, no history). Loaded once per floor run, before the clock starts.
CREATE OR REPLACE TEMP MACRO floor_date(x) AS
  try_strptime(split_part(trim(x), ' ', 1), ['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日', '%Y%m%d'])::DATE;

CREATE OR REPLACE TEMP MACRO floor_number(x) AS
  CASE WHEN ends_with(trim(x), '万')
    THEN TRY_CAST(replace(rtrim(trim(x), '万'), ',', '') AS DECIMAL(18, 4)) * 10000
    ELSE TRY_CAST(replace(trim(x), ',', '') AS DECIMAL(18, 4))
  END;

CREATE OR REPLACE TEMP MACRO floor_int(x) AS TRY_CAST(trim(x) AS BIGINT);

CREATE OR REPLACE TEMP MACRO floor_bool(x) AS
  CASE
    WHEN lower(trim(x)) IN ('是', 'y', 'yes', 'true', '1', '√', '✓') THEN true
    WHEN lower(trim(x)) IN ('否', 'n', 'no', 'false', '0', '×', '✗') THEN false
  END;
