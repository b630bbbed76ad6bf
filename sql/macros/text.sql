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

-- strip_spaces(s): every white space removed, inside too; enumerated values and county names
-- are matched this way (exports.md: `调解 成功` is `调解成功`).
CREATE OR REPLACE TEMP MACRO strip_spaces(s) AS
    regexp_replace(s, '[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]+', '', 'g');

-- split_list(s): the items of a list cell (plaques, posts), separated by any of 、 , ， ; ； /
-- and white space; empty items dropped; NULL for an empty cell.
CREATE OR REPLACE TEMP MACRO split_list(s) AS
    list_filter(regexp_split_to_array(s, '[、,，;；/\s\v\p{Z}\x{85}]+'), lambda item: item <> '');
