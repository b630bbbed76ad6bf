-- Text cells as exports.md reads them. READING has already NFKC-normalised every value, except
-- on the CSV path the characters whose NFKC form is ',' or '"' (they would have changed the
-- CSV's structure): they are translated here, after DuckDB has split the fields.

-- clean_text(s): the protected characters translated (，﹐︐ → ','; ＂ → '"'; 🄁…🄊, the
-- "digit comma" symbols, → the digit and ','), white space trimmed at both ends (ASCII, the
-- Unicode spaces, a stray BOM), '' → NULL.
-- Most cells need none of it: one regex test sends only the others down the slow path.
CREATE OR REPLACE TEMP MACRO clean_text(s) AS nullif(CASE
    WHEN regexp_matches(s, '^[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]|[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]$|[︐﹐＂，\x{1F101}-\x{1F10A}]')
    THEN regexp_replace(
        translate(regexp_replace(s, '([\x{1F101}-\x{1F10A}])', '\1,', 'g'), '︐﹐＂，🄁🄂🄃🄄🄅🄆🄇🄈🄉🄊', ',,",0123456789'),
        '^[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]+|[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]+$', '', 'g')
    ELSE s
END, '');

-- landing_meta(c): the column name c is one of the landing's meta columns, not a cell
-- (LANDING_META_COLUMNS, pipelines/contract/exports.ts).
CREATE OR REPLACE TEMP MACRO landing_meta(c) AS
    c IN ('file_id', 'file_name', 'sheet', 'row_number', 'export_date', 'load_seq', 'cells_clean');

-- cleaned_cells(landing): a landing table (staging.land_*) with every cell as clean_text makes
-- it, under the same names. The cells of a row in which reading found nothing to clean (landing
-- column cells_clean: pipelines/read/clean-cells.ts) only turn '' into NULL, without the regex:
-- the per-cell regex was a quarter of staging's cost, and most rows need none of it. Two
-- branches rather than a CASE per cell: a CASE made the other rows' cells 20 % dearer.
CREATE OR REPLACE TEMP MACRO cleaned_cells(landing) AS TABLE
    SELECT COLUMNS(c -> landing_meta(c)), nullif(COLUMNS(c -> NOT landing_meta(c)), '')
    FROM query_table(landing)
    WHERE cells_clean
    UNION ALL
    SELECT COLUMNS(c -> landing_meta(c)), clean_text(COLUMNS(c -> NOT landing_meta(c)))
    FROM query_table(landing)
    WHERE cells_clean IS NOT TRUE;

-- strip_spaces(s): every white space removed, inside too; enumerated values and county names
-- are matched this way (exports.md: `调解 成功` is `调解成功`).
CREATE OR REPLACE TEMP MACRO strip_spaces(s) AS
    regexp_replace(s, '[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]+', '', 'g');

-- split_list(s): the items of a list cell (plaques, posts), separated by any of 、 , ， ; ； /
-- and white space; empty items dropped; NULL for an empty cell.
CREATE OR REPLACE TEMP MACRO split_list(s) AS
    list_filter(regexp_split_to_array(s, '[、,，;；/\s\v\p{Z}\x{85}]+'), lambda item: item <> '');
